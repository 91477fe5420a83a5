package dev.stepwise.models.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stepwise.models.Judgement;
import dev.stepwise.models.ModelCallException;
import dev.stepwise.models.ProposedStep;
import dev.stepwise.models.RevisionTask;
import dev.stepwise.models.StepTask;
import dev.stepwise.models.VerificationTask;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(30)
class OpenAiCompatibleBackendTest {

    private static final StepTask STEP = new StepTask("p1", "What is 17 * 23?", List.of("17 * 20 = 340."), "s1", 1);

    private ScriptedChatServer server;

    @BeforeEach
    void startServer() throws IOException {
        server = new ScriptedChatServer();
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    private OpenAiCompatibleBackend backend(final String apiKey, final int maxRetries, final Duration timeout) {
        return new OpenAiCompatibleBackend(config(server.baseUrl(), maxRetries).withApiKey(apiKey).withTimeout(timeout));
    }

    /** Short backoffs, so that the tests measure what Retry-After asks for rather than the backoff. */
    static OpenAiConfig config(final URI baseUrl, final int maxRetries) {
        return OpenAiConfig.of(baseUrl, "stub-model").withSampling(0.8, 256)
                .withRetries(new OpenAiConfig.Retries(maxRetries, Duration.ofMillis(10), Duration.ofMillis(20),
                        Duration.ofSeconds(60)));
    }

    private OpenAiCompatibleBackend backend() {
        return backend("sk-test", 2, Duration.ofSeconds(5));
    }

    @Test
    void proposeSendsModelMessagesSamplingSettingsAndBearerKeyAndReadsTheStep() {
        server.complete("17 * 3 = 51, so 17 * 23 = 340 + 51 = 391.");
        try (OpenAiCompatibleBackend backend = backend()) {
            final ProposedStep step = backend.propose(STEP);
            assertThat(step).isEqualTo(new ProposedStep("17 * 3 = 51, so 17 * 23 = 340 + 51 = 391.", false, null, 123));
        }
        final ScriptedChatServer.Request request = server.requests().get(0);
        assertThat(request.authorization()).isEqualTo("Bearer sk-test");
        assertThat(request.contentType()).isEqualTo("application/json");
        final JsonNode body = request.body();
        assertThat(body.path("model").asText()).isEqualTo("stub-model");
        assertThat(body.path("temperature").asDouble()).isEqualTo(0.8);
        assertThat(body.path("max_tokens").asInt()).isEqualTo(256);
        assertThat(body.path("messages")).hasSize(2);
        assertThat(body.path("messages").get(0).path("role").asText()).isEqualTo("system");
        assertThat(body.path("messages").get(0).path("content").asText())
                .contains("Write ONLY the next step").contains("ANSWER: <answer>");
        assertThat(body.path("messages").get(1).path("role").asText()).isEqualTo("user");
        assertThat(body.path("messages").get(1).path("content").asText())
                .contains("Problem:\nWhat is 17 * 23?", "Step 1: 17 * 20 = 340.", "Write step 2.");
    }

    @Test
    void withoutApiKeyNoAuthorizationHeaderIsSent() {
        server.complete("A step.");
        try (OpenAiCompatibleBackend backend = backend(null, 0, Duration.ofSeconds(5))) {
            backend.propose(STEP);
        }
        assertThat(server.requests().get(0).authorization()).isNull();
    }

    @Test
    void stepWithAnAnswerLineIsTerminalAndCarriesTheCleanedAnswer() {
        server.complete("<think>carry the one</think>Step 2: 340 + 51 = 391.\n**ANSWER:** $\\boxed{391}$.");
        try (OpenAiCompatibleBackend backend = backend()) {
            final ProposedStep step = backend.propose(STEP);
            assertThat(step.terminal()).isTrue();
            assertThat(step.answer()).isEqualTo("391");
            assertThat(step.text()).isEqualTo("340 + 51 = 391.\n**ANSWER:** $\\boxed{391}$.");
        }
    }

    @Test
    void verifyUsesTemperatureZeroAndReadsTheScoreAndReason() {
        server.complete("SCORE: 0.85\nThe product 17 * 3 = 51 is right. Nothing else to add.");
        server.complete("SCORE: 0.1 - the sum should be 391, not 381.");
        try (OpenAiCompatibleBackend backend = backend()) {
            final VerificationTask task = new VerificationTask("p1", "What is 17 * 23?", List.of("17 * 20 = 340."), "s2",
                    "340 + 51 = 391.");
            assertThat(backend.verify(task))
                    .isEqualTo(new Judgement(0.85, true, "The product 17 * 3 = 51 is right.", 123));
            final Judgement rejected = backend.verify(task);
            assertThat(rejected.accepted()).isFalse();
            assertThat(rejected.score()).isEqualTo(0.1);
            assertThat(rejected.rationale()).isEqualTo("the sum should be 391, not 381.");
        }
        final JsonNode body = server.requests().get(0).body();
        assertThat(body.path("temperature").asDouble()).isEqualTo(0.0);
        assertThat(body.path("logprobs").asBoolean()).isTrue();
        assertThat(body.path("top_logprobs").asInt()).isEqualTo(5);
        assertThat(body.path("messages").get(0).path("content").asText())
                .contains("Yes or No alone on the first line", "SCORE: <number between 0 and 1>");
        assertThat(body.path("messages").get(1).path("content").asText()).contains("Step to judge:\n340 + 51 = 391.");
    }

    @Test
    void verifyingAnOutcomeShowsTheWholeChainAsksAboutItsFinalAnswerAndReadsTheScore() {
        server.complete("SCORE: 0.9\n17 * 23 is indeed 391. The steps are fine too.");
        server.complete("Score: 2/10. 17 * 23 is 391, not 381.");
        try (OpenAiCompatibleBackend backend = backend()) {
            final VerificationTask task = new VerificationTask("p1", "What is 17 * 23?",
                    List.of("17 * 20 = 340.", "17 * 3 = 51."), "s3", "340 + 51 = 391.\nANSWER: 391",
                    VerificationTask.Kind.OUTCOME);
            assertThat(backend.verify(task)).isEqualTo(new Judgement(0.9, true, "17 * 23 is indeed 391.", 123));
            final Judgement rejected = backend.verify(task);
            assertThat(rejected.accepted()).isFalse();
            assertThat(rejected.score()).isEqualTo(0.2);
            assertThat(rejected.rationale()).isEqualTo("17 * 23 is 391, not 381.");
        }
        final JsonNode body = server.requests().get(0).body();
        assertThat(body.path("temperature").asDouble()).isEqualTo(0.0);
        assertThat(body.path("messages").get(0).path("content").asText())
                .contains("complete solution", "Judge only the final answer", "SCORE: <number between 0 and 1>");
        assertThat(body.path("messages").get(1).path("content").asText()).contains("Problem:\nWhat is 17 * 23?",
                "Solution:\nStep 1: 17 * 20 = 340.\nStep 2: 17 * 3 = 51.\nStep 3: 340 + 51 = 391.\nANSWER: 391\n",
                "Final answer to judge: 391\n", "Is the final answer of this solution correct?");
    }

    @Test
    void reviseSendsTheRejectedStepAndTheCritique() {
        server.complete("340 + 51 = 391.\nANSWER: 391");
        try (OpenAiCompatibleBackend backend = backend()) {
            final ProposedStep step = backend.revise(new RevisionTask("p1", "What is 17 * 23?", List.of("17 * 20 = 340."),
                    "340 + 51 = 381.", "the sum is 391", "s2r", 1, 1));
            assertThat(step.terminal()).isTrue();
            assertThat(step.answer()).isEqualTo("391");
        }
        final JsonNode body = server.requests().get(0).body();
        assertThat(body.path("temperature").asDouble()).isEqualTo(0.8);
        assertThat(body.path("messages").get(0).path("content").asText()).contains("Rewrite that step");
        assertThat(body.path("messages").get(1).path("content").asText())
                .contains("Rejected step:\n340 + 51 = 381.", "Critique:\nthe sum is 391", "Write the corrected step 2.");
    }

    @Test
    void retriesAfter503AndWaitsAsLongAsRetryAfterSays() {
        server.reply(503, "{\"error\":{\"message\":\"overloaded\"}}", Map.of("Retry-After", "1"));
        server.complete("A step.");
        try (OpenAiCompatibleBackend backend = backend()) {
            final long start = System.nanoTime();
            assertThat(backend.propose(STEP).text()).isEqualTo("A step.");
            // The backoff without the header is 10 ms, so a wait of a second comes from Retry-After.
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(950));
        }
        assertThat(server.requests()).hasSize(2);
    }

    @Test
    void givesUpAfterMaxRetriesOn429() {
        for (int i = 0; i < 3; i++) {
            server.reply(429, "{\"error\":{\"message\":\"rate limited\"}}", Map.of("Retry-After", "0"));
        }
        try (OpenAiCompatibleBackend backend = backend()) {
            assertThatThrownBy(() -> backend.propose(STEP)).isInstanceOf(ModelCallException.class)
                    .hasMessageContaining("HTTP 429").hasMessageContaining("rate limited")
                    .hasMessageEndingWith("(gave up after 3 attempts)")
                    .isInstanceOfSatisfying(ModelCallException.class, e -> assertThat(e.retriable()).isTrue());
        }
        assertThat(server.requests()).hasSize(3);
    }

    @ParameterizedTest(name = "HTTP {0}")
    @ValueSource(ints = {408, 429, 500, 502, 503})
    void transientHttpErrorsAreRetriedAndStayRetriable(final int status) {
        for (int i = 0; i < 3; i++) {
            server.reply(status, "{\"error\":{\"message\":\"try later\"}}", Map.of("Retry-After", "0"));
        }
        try (OpenAiCompatibleBackend backend = backend()) {
            assertThatThrownBy(() -> backend.propose(STEP))
                    .isInstanceOfSatisfying(ModelCallException.class, e -> assertThat(e.retriable()).isTrue())
                    .hasMessageContaining("HTTP " + status).hasMessageEndingWith("(gave up after 3 attempts)");
        }
        assertThat(server.requests()).hasSize(3);
    }

    @ParameterizedTest(name = "HTTP {0}")
    @ValueSource(ints = {400, 401, 403, 404, 422})
    void otherClientErrorsAreTriedOnceAndMarkedNotRetriable(final int status) {
        server.reply(status, "{\"error\":{\"message\":\"Incorrect API key provided\"}}", Map.of());
        try (OpenAiCompatibleBackend backend = backend()) {
            assertThatThrownBy(() -> backend.propose(STEP))
                    .isInstanceOfSatisfying(ModelCallException.class, e -> assertThat(e.retriable()).isFalse())
                    .hasMessageContaining("HTTP " + status).hasMessageContaining("not retriable")
                    .hasMessageEndingWith("Incorrect API key provided");
        }
        assertThat(server.requests()).hasSize(1);
    }

    @Test
    void clientErrorFailsAtOnceWithTheServersMessage() {
        server.reply(404, "{\"error\":{\"message\":\"The model `nope` does not exist.\",\"type\":\"invalid_request_error\"}}",
                Map.of());
        server.reply(400, "{\"error\":\"model 'nope' not found, try pulling it first\"}", Map.of());
        try (OpenAiCompatibleBackend backend = backend()) {
            assertThatThrownBy(() -> backend.propose(STEP)).isInstanceOf(ModelCallException.class)
                    .hasMessageContaining("HTTP 404").hasMessageContaining("not retriable")
                    .hasMessageEndingWith("The model `nope` does not exist.");
            assertThat(server.requests()).hasSize(1);
            assertThatThrownBy(() -> backend.propose(STEP)).isInstanceOf(ModelCallException.class)
                    .hasMessageEndingWith("model 'nope' not found, try pulling it first");
        }
        assertThat(server.requests()).hasSize(2);
    }

    @Test
    void timeoutsAreRetriedThenReported() {
        server.replyLate(Duration.ofSeconds(2), ScriptedChatServer.completion("late", 5));
        server.replyLate(Duration.ofSeconds(2), ScriptedChatServer.completion("late", 5));
        try (OpenAiCompatibleBackend backend = backend("k", 1, Duration.ofMillis(300))) {
            final long start = System.nanoTime();
            assertThatThrownBy(() -> backend.propose(STEP))
                    .isInstanceOfSatisfying(ModelCallException.class, e -> assertThat(e.retriable()).isTrue())
                    .hasMessageContaining("did not answer within PT0.3S (gave up after 2 attempts)");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(1900));
        }
        assertThat(server.requests()).hasSize(2);
    }

    @Test
    void refusedConnectionIsAModelCallException() {
        final URI closed = server.baseUrl();
        server.close();
        try (OpenAiCompatibleBackend backend = new OpenAiCompatibleBackend(config(closed, 1))) {
            assertThatThrownBy(() -> backend.propose(STEP))
                    .isInstanceOfSatisfying(ModelCallException.class, e -> assertThat(e.retriable()).isTrue())
                    .hasMessageContaining("cannot reach " + closed + "/chat/completions")
                    .hasMessageEndingWith("(gave up after 2 attempts)");
        }
    }

    @Test
    void withoutUsageTheTokensAreEstimated() {
        server.reply(200, ScriptedChatServer.completion("A step of a few words.", null), Map.of());
        try (OpenAiCompatibleBackend backend = backend()) {
            final ProposedStep step = backend.propose(STEP);
            final int characters = ChatPrompts.propose(STEP).stream().mapToInt(m -> m.content().length()).sum()
                    + "A step of a few words.".length();
            assertThat(step.tokens()).isEqualTo((characters + 3) / 4);
        }
    }

    @Test
    void malformedRepliesAreRetriedLikeFailedRequestsThenReported() {
        server.reply(200, "<html>proxy error</html>", Map.of());
        server.reply(200, "{\"choices\":[]}", Map.of());
        server.complete("A step.");
        server.reply(200, "{\"id\":\"chatcmpl-1\",\"choices\":[{\"index\":0,\"message\":{\"content\":\"We comp", Map.of());
        server.reply(200, "{\"id\":\"chatcmpl-1\",\"choices\":[{\"index\":0,\"message\":{\"content\":\"We comp", Map.of());
        server.reply(200, "{\"id\":\"chatcmpl-1\",\"choices\":[{\"index\":0,\"message\":{\"content\":\"We comp", Map.of());
        server.complete("   ");
        try (OpenAiCompatibleBackend backend = backend()) {
            assertThat(backend.propose(STEP).text()).isEqualTo("A step.");
            assertThatThrownBy(() -> backend.propose(STEP)).isInstanceOf(ModelCallException.class)
                    .hasMessageContaining("is not JSON: {\"id\"")
                    .isInstanceOfSatisfying(ModelCallException.class, e -> assertThat(e.retriable()).isTrue());
            assertThatThrownBy(() -> backend.propose(STEP)).isInstanceOf(ModelCallException.class)
                    .hasMessage("openai/stub-model returned an empty step");
        }
        assertThat(server.requests()).hasSize(7);
    }

    @Test
    void modelNameIsPrefixedWithTheBackend() {
        try (OpenAiCompatibleBackend backend = backend()) {
            assertThat(backend.model()).isEqualTo("openai/stub-model");
        }
    }

    @Test
    void configValidatesItsFieldsAndHidesTheKey() {
        final OpenAiConfig config = OpenAiConfig.of(URI.create("http://127.0.0.1:8000/v1"), "m").withApiKey("sk-secret");
        assertThat(config.toString()).doesNotContain("sk-secret").contains("apiKey=[hidden]");
        assertThat(config.withApiKey("  ").apiKey()).isNull();
        assertThatThrownBy(() -> OpenAiConfig.of(URI.create("ftp://host/v1"), "m"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("baseUrl");
        assertThatThrownBy(() -> OpenAiConfig.of(URI.create("http://host/v1"), " "))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("model");
        assertThatThrownBy(() -> config.withSampling(2.5, 1)).hasMessageContaining("temperature");
        assertThatThrownBy(() -> config.withSampling(1, 0)).hasMessageContaining("maxTokens");
        assertThatThrownBy(() -> config.withTimeout(Duration.ZERO)).hasMessageContaining("timeout");
        assertThatThrownBy(() -> new OpenAiConfig.Retries(-1, Duration.ZERO, Duration.ZERO, Duration.ZERO))
                .hasMessageContaining("maxRetries");
        assertThatThrownBy(() -> config.withVerifier(21, true)).hasMessageContaining("topLogprobs");
        assertThatThrownBy(() -> config.withMaxN(0)).hasMessageContaining("maxN");
    }
}
