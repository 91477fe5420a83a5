package dev.stepwise.models.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stepwise.models.Judgement;
import dev.stepwise.models.ModelCallException;
import dev.stepwise.models.ProposedStep;
import dev.stepwise.models.StepTask;
import dev.stepwise.models.VerificationTask;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The proposer's n=k sampling with its fallback, and the verifier's scores: logprobs, text, arithmetic. */
@Timeout(30)
class OpenAiSamplesAndScoresTest {

    private static final String PROBLEM = "What is 17 * 23?";
    private static final VerificationTask STEP = new VerificationTask("p1", PROBLEM, List.of("17 * 20 = 340."), "s2",
            "17 * 3 = 51, and 340 + 51 = 391.");

    private ScriptedChatServer server;

    @BeforeEach
    void startServer() throws IOException {
        server = new ScriptedChatServer();
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    private OpenAiCompatibleBackend backend(final OpenAiConfig config) {
        return new OpenAiCompatibleBackend(config);
    }

    private OpenAiCompatibleBackend backend() {
        return backend(OpenAiCompatibleBackendTest.config(server.baseUrl(), 0));
    }

    private static List<StepTask> samples(final int k) {
        return IntStream.range(0, k).mapToObj(i -> new StepTask("p1", PROBLEM, List.of(), "p1/r0." + i, 0)).toList();
    }

    @Test
    void kSamplesAreAskedForInOneRequestWithNAndShareItsTokens() {
        server.reply(200, ScriptedChatServer.choices(List.of("a", "b", "c\nANSWER: 391"), 301), Map.of());
        try (OpenAiCompatibleBackend backend = backend()) {
            final List<ProposedStep> steps = backend.proposeMany(samples(3));
            assertThat(steps).extracting(ProposedStep::text).containsExactly("a", "b", "c\nANSWER: 391");
            assertThat(steps).extracting(ProposedStep::tokens).containsExactly(101, 100, 100);
            assertThat(steps.get(2).answer()).isEqualTo("391");
            assertThat(backend.honoursN()).contains(true);
        }
        assertThat(server.requests()).singleElement().satisfies(request -> {
            assertThat(request.body().path("n").asInt()).isEqualTo(3);
            assertThat(request.body().path("temperature").asDouble()).isEqualTo(0.8);
            assertThat(request.body().path("seed").asInt()).isEqualTo("p1/r0.0".hashCode() & Integer.MAX_VALUE);
        });
    }

    @Test
    void aServerThatRefusesNGetsOneRequestPerSampleFromThenOn() {
        server.reply(400, "{\"error\":{\"message\":\"Only one completion choice is allowed\",\"type\":"
                + "\"invalid_request_error\"}}", Map.of());
        for (int i = 0; i < 5; i++) {
            server.complete("sample");
        }
        try (OpenAiCompatibleBackend backend = backend()) {
            assertThat(backend.proposeMany(samples(3))).hasSize(3);
            assertThat(backend.honoursN()).contains(false);
            assertThat(backend.proposeMany(samples(2))).hasSize(2);
        }
        final List<JsonNode> bodies = server.requests().stream().map(ScriptedChatServer.Request::body).toList();
        assertThat(bodies).hasSize(6);
        assertThat(bodies.getFirst().path("n").asInt()).isEqualTo(3);
        assertThat(bodies.subList(1, 6)).allSatisfy(body -> assertThat(body.has("n")).isFalse());
        assertThat(bodies.subList(1, 4)).extracting(body -> body.path("seed").asInt()).as("one seed per sample")
                .containsExactlyInAnyOrderElementsOf(samples(3).stream()
                        .map(task -> task.stepId().hashCode() & Integer.MAX_VALUE).toList());
    }

    @Test
    void aServerThatIgnoresNIsToldApartByTheChoicesItReturnsAndTheRestAreAskedForOneByOne() {
        server.complete("first");
        server.complete("second");
        server.complete("third");
        try (OpenAiCompatibleBackend backend = backend()) {
            assertThat(backend.proposeMany(samples(3))).extracting(ProposedStep::text)
                    .containsExactlyInAnyOrder("first", "second", "third").first().isEqualTo("first");
            assertThat(backend.honoursN()).contains(false);
        }
        assertThat(server.requests()).hasSize(3);
    }

    @Test
    void anotherClientErrorIsNotTakenForARefusalOfN() {
        server.reply(400, "{\"error\":{\"message\":\"This model's maximum context length is 4096 tokens\"}}", Map.of());
        try (OpenAiCompatibleBackend backend = backend()) {
            assertThatThrownBy(() -> backend.proposeMany(samples(2)))
                    .isInstanceOfSatisfying(ModelCallException.class, e -> assertThat(e.retriable()).isFalse())
                    .hasMessageContaining("maximum context length");
            assertThat(backend.honoursN()).isEmpty();
        }
    }

    @Test
    void maxNOfOneSendsARequestPerSample() {
        server.complete("x");
        server.complete("y");
        try (OpenAiCompatibleBackend backend = backend(OpenAiCompatibleBackendTest.config(server.baseUrl(), 0)
                .withMaxN(1))) {
            assertThat(backend.proposeMany(samples(2))).hasSize(2);
        }
        assertThat(server.requests()).allSatisfy(request -> assertThat(request.body().has("n")).isFalse());
    }

    @Test
    void moreSamplesThanMaxNAreAskedForInRequestsOfAtMostMaxN() {
        server.reply(200, ScriptedChatServer.choices(List.of("a", "b"), 20), Map.of());
        server.reply(200, ScriptedChatServer.choices(List.of("c", "d"), 20), Map.of());
        server.complete("e");
        try (OpenAiCompatibleBackend backend = backend(OpenAiCompatibleBackendTest.config(server.baseUrl(), 0)
                .withMaxN(2))) {
            assertThat(backend.proposeMany(samples(5))).extracting(ProposedStep::text)
                    .containsExactly("a", "b", "c", "d", "e");
        }
        assertThat(server.requests()).extracting(request -> request.body().path("n").asInt(1)).containsExactly(2, 2, 1);
    }

    @Test
    void aRefusalOfNOnTheFirstRequestHoldsForTheRestOfTheSamples() {
        server.reply(400, "{\"error\":{\"message\":\"n must be 1\",\"param\":\"n\"}}", Map.of());
        for (int i = 0; i < 4; i++) {
            server.complete("s");
        }
        try (OpenAiCompatibleBackend backend = backend(OpenAiCompatibleBackendTest.config(server.baseUrl(), 0)
                .withMaxN(2))) {
            assertThat(backend.proposeMany(samples(4))).hasSize(4);
        }
        assertThat(server.requests()).extracting(request -> request.body().path("n").asInt(1))
                .containsExactly(2, 1, 1, 1, 1);
    }

    @Test
    void theVerifierScoresFromTheLogprobsOfItsYesNoJudgementWhenTheServerSendsThem() {
        server.reply(200, ScriptedChatServer.judgementWithLogprobs("Yes\nSCORE: 1\nThe sum is right.", "Yes", 0.8),
                Map.of());
        server.reply(200, ScriptedChatServer.judgementWithLogprobs("No\nSCORE: 0.4\n51 is wrong.", "No", 0.3), Map.of());
        try (OpenAiCompatibleBackend backend = backend()) {
            final Judgement yes = backend.verify(STEP);
            assertThat(yes.score()).isCloseTo(0.8, within(1e-9));
            assertThat(yes.accepted()).isTrue();
            assertThat(yes.rationale()).isEqualTo("The sum is right.");
            final Judgement no = backend.verify(STEP);
            assertThat(no.score()).isCloseTo(0.3, within(1e-9));
            assertThat(no.accepted()).isFalse();
            assertThat(no.rationale()).isEqualTo("51 is wrong.");
        }
    }

    @Test
    void withoutLogprobsTheVerifierReadsTheWrittenScore() {
        server.complete("Yes\nSCORE: 0.9\nFine.");
        try (OpenAiCompatibleBackend backend = backend(OpenAiCompatibleBackendTest.config(server.baseUrl(), 0)
                .withVerifier(0, true))) {
            assertThat(backend.verify(STEP)).isEqualTo(new Judgement(0.9, true, "Fine.", 123));
        }
        assertThat(server.requests().getFirst().body().has("logprobs")).isFalse();
    }

    @Test
    void aServerThatRefusesLogprobsIsAskedAgainWithoutAndNotAskedForThemAgain() {
        server.reply(400, "{\"error\":{\"message\":\"logprobs is not supported with this model\",\"param\":"
                + "\"logprobs\"}}", Map.of());
        server.complete("No\nSCORE: 0.2\nWrong sum.");
        server.complete("Yes\nSCORE: 0.7\nRight.");
        try (OpenAiCompatibleBackend backend = backend()) {
            assertThat(backend.verify(STEP).score()).isEqualTo(0.2);
            assertThat(backend.verify(STEP).score()).isEqualTo(0.7);
        }
        assertThat(server.requests()).extracting(request -> request.body().has("logprobs")).containsExactly(true, false,
                false);
    }

    @Test
    void aStepWithWrongArithmeticIsRejectedWithTheClaimWithoutAskingTheModel() {
        try (OpenAiCompatibleBackend backend = backend()) {
            final Judgement judgement = backend.verify(new VerificationTask("p1", PROBLEM, List.of("17 * 20 = 340."),
                    "s2", "Then 17 * 3 = 41, so the total is 381."));
            assertThat(judgement).isEqualTo(new Judgement(0.0, false,
                    "arithmetic check: the step claims 17*3 = 41, but 17*3 = 51", 0));
        }
        assertThat(server.requests()).isEmpty();
    }

    @Test
    void theArithmeticCheckCanBeTurnedOffAndDoesNotJudgeOutcomes() {
        server.complete("Yes\nSCORE: 0.9\nThe model says so.");
        server.complete("Yes\nSCORE: 0.8\nThe answer is right.");
        try (OpenAiCompatibleBackend off = backend(OpenAiCompatibleBackendTest.config(server.baseUrl(), 0)
                .withVerifier(0, false))) {
            assertThat(off.verify(new VerificationTask("p1", PROBLEM, List.of(), "s1", "17 * 3 = 41")).accepted())
                    .isTrue();
        }
        try (OpenAiCompatibleBackend on = backend()) {
            assertThat(on.verify(new VerificationTask("p1", PROBLEM, List.of("17 * 3 = 41"), "s2",
                    "391\nANSWER: 391", VerificationTask.Kind.OUTCOME)).accepted()).isTrue();
        }
        assertThat(server.requests()).hasSize(2);
    }
}
