package dev.stepwise.modelserver;

import dev.stepwise.models.Judgement;
import dev.stepwise.models.ModelCallException;
import dev.stepwise.models.ProposedStep;
import dev.stepwise.models.RevisionTask;
import dev.stepwise.models.StepTask;
import dev.stepwise.models.VerificationTask;
import dev.stepwise.models.openai.OpenAiCompatibleBackend;
import dev.stepwise.models.openai.OpenAiConfig;
import dev.stepwise.models.synthetic.Family;
import dev.stepwise.models.synthetic.GeneratedProblem;
import dev.stepwise.models.synthetic.SyntheticTaskSuite;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import static dev.stepwise.modelserver.ModelServerTest.start;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Stepwise's OpenAI backend, unchanged, against the model server: every role, n, logprobs, retries, failures. */
@Timeout(120)
class OpenAiBackendAgainstModelServerTest {

    private static final String PROBLEM = "compute (3*4+5)*2 mod 7";
    private static final String RIGHT_1 = "We compute 3*4 = 12 = 5 (mod 7), and so the state is: now (5+5)*2 mod 7.";

    private static OpenAiConfig config(final ModelServer server, final int maxRetries) {
        return OpenAiConfig.of(server.baseUrl(), ModelServerConfig.DEFAULT_MODEL).withTimeout(Duration.ofSeconds(5))
                .withRetries(new OpenAiConfig.Retries(maxRetries, Duration.ofMillis(5), Duration.ofMillis(20),
                        Duration.ofSeconds(60)));
    }

    private static OpenAiCompatibleBackend backend(final ModelServer server) {
        return new OpenAiCompatibleBackend(config(server, 0));
    }

    private static List<StepTask> samples(final String problem, final List<String> prior, final int k) {
        return IntStream.range(0, k).mapToObj(i -> new StepTask("p1", problem, prior, "p1/r" + prior.size() + "." + i,
                prior.size())).toList();
    }

    @Test
    void theThreeRolesGetRightAnswersFromAnExactStandIn() {
        for (final Family family : Family.values()) {
            final GeneratedProblem problem = SyntheticTaskSuite.generate(family, 5, 17L);
            try (ModelServer server = start(); OpenAiCompatibleBackend backend = backend(server)) {
                final List<String> chain = new ArrayList<>();
                ProposedStep step;
                do {
                    step = backend.propose(samples(problem.text(), chain, 1).getFirst());
                    final Judgement judgement = backend.verify(new VerificationTask("p1", problem.text(), chain,
                            "s" + chain.size(), step.text()));
                    assertThat(judgement.accepted()).as(family + ": " + step.text() + " / " + judgement.rationale()).isTrue();
                    chain.add(step.text());
                } while (!step.terminal() && chain.size() < 20);
                assertThat(step.answer()).as(family.name()).isEqualTo(problem.expectedAnswer());
                final Judgement outcome = backend.verify(new VerificationTask("p1", problem.text(),
                        chain.subList(0, chain.size() - 1), "last", step.text(), VerificationTask.Kind.OUTCOME));
                assertThat(outcome.accepted()).isTrue();
                assertThat(outcome.score()).isBetween(0.85, 0.98);
            }
        }
    }

    @Test
    void aWrongStepIsRejectedWithTheSuitesReasonAndTheReviserRewritesIt() {
        try (ModelServer server = start(); OpenAiCompatibleBackend backend = backend(server)) {
            final String wrong = "We compute 3*4 = 12 = 5 (mod 7), and so the state is: now (5+6)*2 mod 7.";
            final Judgement rejected = backend.verify(new VerificationTask("p1", PROBLEM, List.of(), "s0", wrong));
            assertThat(rejected.accepted()).isFalse();
            assertThat(rejected.score()).isBetween(0.02, 0.15);
            assertThat(rejected.rationale()).contains("the step says now (5+6)*2 mod 7");

            final ProposedStep revised = backend.revise(new RevisionTask("p1", PROBLEM, List.of(), wrong,
                    rejected.rationale(), "p1/v0.0", 0, 1));
            assertThat(revised.text()).isEqualTo(RIGHT_1);

            final Judgement wrongAnswer = backend.verify(new VerificationTask("p1", PROBLEM, List.of(RIGHT_1), "s1",
                    "We compute 3*2 = 6 (mod 7), and so the state is: now 6 mod 7.\nANSWER: 5", VerificationTask.Kind.OUTCOME));
            assertThat(wrongAnswer.accepted()).isFalse();
            assertThat(wrongAnswer.rationale()).contains("the problem's answer is 6");
        }
    }

    @Test
    void kSamplesComeFromOneRequestWithN() {
        try (ModelServer server = start("synthetic.step.error.rate", "0.5");
             OpenAiCompatibleBackend backend = backend(server)) {
            final List<ProposedStep> steps = backend.proposeMany(samples(PROBLEM, List.of(), 8));
            assertThat(steps).hasSize(8);
            assertThat(steps.stream().map(ProposedStep::text).distinct().count()).as("samples differ").isGreaterThan(1);
            assertThat(server.requests()).isEqualTo(1);
            assertThat(backend.honoursN()).contains(true);
        }
    }

    @Test
    void aServerThatRefusesNGetsKRequestsFromThenOn() {
        try (ModelServer server = start(ModelServerConfig.MAX_N, "1");
             OpenAiCompatibleBackend backend = backend(server)) {
            assertThat(backend.proposeMany(samples(PROBLEM, List.of(), 4))).extracting(ProposedStep::text)
                    .containsOnly(RIGHT_1).hasSize(4);
            assertThat(server.requests()).as("one refused with n=4, then one per sample").isEqualTo(5);
            assertThat(backend.proposeMany(samples(PROBLEM, List.of(), 4))).hasSize(4);
            assertThat(server.requests()).as("the refusal is remembered").isEqualTo(9);
            assertThat(backend.honoursN()).contains(false);
        }
    }

    @Test
    void aServerThatIgnoresNIsNoticedByTheChoicesItReturns() {
        try (ModelServer server = start(ModelServerConfig.MAX_N, "1", ModelServerConfig.N_OVER_MAX, "truncate");
             OpenAiCompatibleBackend backend = backend(server)) {
            assertThat(backend.proposeMany(samples(PROBLEM, List.of(), 3))).hasSize(3);
            assertThat(server.requests()).as("one with n=3 that returned one choice, then the two missing").isEqualTo(3);
            assertThat(backend.honoursN()).contains(false);
        }
    }

    @Test
    void theVerifierScoresFromLogprobsWhenAskedAndFromTheWrittenScoreWhenNot() {
        try (ModelServer server = start();
             OpenAiCompatibleBackend logprobs = backend(server);
             OpenAiCompatibleBackend text = new OpenAiCompatibleBackend(config(server, 0).withVerifier(0, true))) {
            final VerificationTask task = new VerificationTask("p1", PROBLEM, List.of(), "s0", RIGHT_1);
            final double fromLogprobs = logprobs.verify(task).score();
            final double written = text.verify(task).score();
            assertThat(written).as("SCORE has two decimals").isEqualTo(Math.round(written * 100) / 100.0);
            assertThat(fromLogprobs).isNotEqualTo(written).isCloseTo(written, within(0.005));
        }
    }

    @Test
    void aWrongArithmeticClaimIsRejectedWhateverTheModelSays() {
        // A verifier that accepts every wrong step: only the arithmetic check stands between it and the chain.
        try (ModelServer server = start("synthetic.verifier.false.accept.rate", "1");
             OpenAiCompatibleBackend checked = backend(server);
             OpenAiCompatibleBackend unchecked = new OpenAiCompatibleBackend(config(server, 0).withVerifier(5, false))) {
            final String wrong = "We compute 3*4 = 13 = 6 (mod 7), and so the state is: now (6+5)*2 mod 7.";
            final VerificationTask task = new VerificationTask("p1", PROBLEM, List.of(), "s0", wrong);
            assertThat(unchecked.verify(task).accepted()).as("the model says yes").isTrue();
            final Judgement judgement = checked.verify(task);
            assertThat(judgement.accepted()).isFalse();
            assertThat(judgement.rationale()).isEqualTo("arithmetic check: the step claims 3*4 = 13 = 6 (mod 7), "
                    + "but 3*4 = 12 = 5 (mod 7)");
            assertThat(server.requests()).as("only the unchecked verifier asked the model").isEqualTo(1);
        }
    }

    @Test
    void retryAfterIsHonouredBeforeTheNextAttempt() {
        try (ModelServer server = start(ModelServerConfig.FAULT_RATE_LIMIT_RATE, "1",
                ModelServerConfig.FAULT_RETRY_AFTER_S, "1");
             OpenAiCompatibleBackend backend = new OpenAiCompatibleBackend(config(server, 1))) {
            final long start = System.nanoTime();
            assertThatThrownBy(() -> backend.propose(samples(PROBLEM, List.of(), 1).getFirst()))
                    .isInstanceOfSatisfying(ModelCallException.class, e -> assertThat(e.retriable()).isTrue())
                    .hasMessageContaining("HTTP 429").hasMessageEndingWith("(gave up after 2 attempts)");
            // The backoff without the header is 5-20 ms: a wait of a second or more is the server's Retry-After.
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
            assertThat(server.requests()).isEqualTo(2);
        }
    }

    @Test
    void aWrongApiKeyFailsAtOnceWithoutRetries() {
        try (ModelServer server = start(ModelServerConfig.API_KEY, "sk-right");
             OpenAiCompatibleBackend backend = new OpenAiCompatibleBackend(config(server, 5).withApiKey("sk-wrong"))) {
            assertThatThrownBy(() -> backend.propose(samples(PROBLEM, List.of(), 1).getFirst()))
                    .isInstanceOfSatisfying(ModelCallException.class, e -> assertThat(e.retriable()).isFalse())
                    .hasMessageContaining("HTTP 401").hasMessageContaining("not retriable")
                    .hasMessageEndingWith("Incorrect API key provided.");
            assertThat(server.requests()).isEqualTo(1);
        }
        try (ModelServer server = start(ModelServerConfig.API_KEY, "sk-right");
             OpenAiCompatibleBackend backend = new OpenAiCompatibleBackend(config(server, 0).withApiKey("sk-right"))) {
            assertThat(backend.propose(samples(PROBLEM, List.of(), 1).getFirst()).text()).isEqualTo(RIGHT_1);
        }
    }

    @Test
    void withFaultsOnThirtyPercentOfRequestsTheRetriesGetEveryCallThrough() {
        try (ModelServer server = start(ModelServerConfig.FAULT_SERVER_ERROR_RATE, "0.1",
                ModelServerConfig.FAULT_RATE_LIMIT_RATE, "0.05", ModelServerConfig.FAULT_RETRY_AFTER_S, "0",
                ModelServerConfig.FAULT_TIMEOUT_RATE, "0.05", ModelServerConfig.FAULT_TIMEOUT_MS, "300",
                ModelServerConfig.FAULT_MALFORMED_RATE, "0.1");
             OpenAiCompatibleBackend backend = new OpenAiCompatibleBackend(config(server, 8)
                     .withTimeout(Duration.ofMillis(150)))) {
            for (int i = 0; i < 40; i++) {
                assertThat(backend.proposeMany(samples(PROBLEM, List.of(), 3))).hasSize(3);
            }
            assertThat(server.requests()).as("faults were injected and retried").isGreaterThan(45);
        }
    }

    @Test
    void aProblemOutsideTheSuiteIsRefusedForGoodWithTheSuitesExplanation() {
        try (ModelServer server = start(); OpenAiCompatibleBackend backend = backend(server)) {
            assertThatThrownBy(() -> backend.propose(samples("What is the capital of France?", List.of(), 1).getFirst()))
                    .isInstanceOfSatisfying(ModelCallException.class, e -> assertThat(e.retriable()).isFalse())
                    .hasMessageContaining("HTTP 400");
        }
    }
}
