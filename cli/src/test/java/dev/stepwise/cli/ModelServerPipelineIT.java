package dev.stepwise.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stepwise.infra.testing.SharedInfra;
import dev.stepwise.models.synthetic.GeneratedProblem;
import dev.stepwise.models.synthetic.SyntheticTaskSuite;
import dev.stepwise.modelserver.ModelServer;
import dev.stepwise.modelserver.ModelServerConfig;
import dev.stepwise.schemas.avro.AnswerPublished;
import dev.stepwise.schemas.topics.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole pipeline on the real-model path: topology and agents with {@code model.backend=openai}, on the real
 * broker and registry, pointed at the model server (the synthetic suite behind an OpenAI-compatible API, with its
 * usual 10% wrong steps). Everything between the agents and the "model" is what a real server would get: HTTP, the
 * prompts, n=k samples, logprob verdicts, the arithmetic check, retries.
 *
 * <p>With faults on 30% of the requests (500s, 429s with Retry-After, held requests that time out, cut-off JSON),
 * every prompt must still end: answered, or failed with the reason on its answer, and never later than its deadline.
 */
@ExtendWith(SharedInfra.class)
class ModelServerPipelineIT {

    private static final Logger LOG = LoggerFactory.getLogger(ModelServerPipelineIT.class);
    private static final int PROMPTS = 10;
    private static final int MAX_STEPS = 8;
    private static final long DEADLINE_MS = 120_000;

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void theOpenAiBackendAgainstTheModelServerGetsRightAnswers() {
        final Map<String, GeneratedProblem> problems = problems("model-server");
        try (ModelServer server = ModelServer.start(new ModelServerConfig(Map.of(ModelServerConfig.PORT, "0",
                ModelServerConfig.SEED, "5", "synthetic.seed", "5")))) {
            final Map<String, AnswerPublished> answers = run("model-server", server, problems, Map.of());

            assertThat(answers.keySet()).containsExactlyInAnyOrderElementsOf(problems.keySet());
            assertThat(answers.values()).as(report(problems, answers)).allSatisfy(answer -> {
                assertThat(answer.getError()).isNull();
                assertThat(SyntheticTaskSuite.isCorrect(problems.get(answer.getPromptId()).text(), answer.getAnswer()))
                        .as(answer.getPromptId() + " answered " + answer.getAnswer()).isTrue();
            });
            assertThat(server.requests()).as("the agents called the model server").isGreaterThan(PROMPTS);
        }
    }

    @Test
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void withFaultsOnThirtyPercentOfRequestsEveryPromptEndsWithAnAnswerOrItsReasonByItsDeadline() {
        final Map<String, GeneratedProblem> problems = problems("faults");
        final Map<String, String> faults = Map.of(ModelServerConfig.PORT, "0", ModelServerConfig.SEED, "9",
                "synthetic.seed", "9",
                ModelServerConfig.FAULT_SERVER_ERROR_RATE, "0.10",
                ModelServerConfig.FAULT_RATE_LIMIT_RATE, "0.05", ModelServerConfig.FAULT_RETRY_AFTER_S, "1",
                ModelServerConfig.FAULT_TIMEOUT_RATE, "0.05", ModelServerConfig.FAULT_TIMEOUT_MS, "3000",
                ModelServerConfig.FAULT_MALFORMED_RATE, "0.10");
        try (ModelServer server = ModelServer.start(new ModelServerConfig(faults))) {
            final Instant submitted = Instant.now();
            final Map<String, AnswerPublished> answers = run("faults", server, problems, Map.of(
                    "openai.timeout.ms", "1500", "openai.retry.backoff.ms", "50", "openai.retry.backoff.max.ms", "500"));
            final String report = report(problems, answers);
            LOG.info("With 30% faults: {} requests to the model server\n{}", server.requests(), report);

            assertThat(answers.keySet()).as("every prompt ends\n" + report).containsExactlyInAnyOrderElementsOf(problems.keySet());
            assertThat(answers.values()).as(report).allSatisfy(answer -> {
                final boolean right = answer.getAnswer() != null
                        && SyntheticTaskSuite.isCorrect(problems.get(answer.getPromptId()).text(), answer.getAnswer());
                if (!right) {
                    assertThat(answer.getStopCause()).as("a prompt without the right answer says why").isNotBlank();
                    assertThat(answer.getSummary()).isNotBlank();
                }
                assertThat(answer.getAnsweredAt()).as("answered by its deadline")
                        .isBefore(submitted.plusMillis(DEADLINE_MS + 30_000));
            });
            final long right = answers.values().stream().filter(answer -> answer.getAnswer() != null
                    && SyntheticTaskSuite.isCorrect(problems.get(answer.getPromptId()).text(), answer.getAnswer())).count();
            assertThat(right).as("faults delay answers; they should not change most of them\n" + report)
                    .isGreaterThanOrEqualTo(PROMPTS - 2);
        }
    }

    /** Runs the stack on fresh topics against the model server, submits every problem and waits for the answers. */
    private Map<String, AnswerPublished> run(final String name, final ModelServer server,
                                             final Map<String, GeneratedProblem> problems, final Map<String, String> more) {
        final Topics topics = SharedInfra.freshTopics(name);
        final Map<String, String> config = StackConfigs.onTopics(SharedInfra.bootstrapServers(), SharedInfra.registryUrl(),
                topics, dir.resolve(name));
        config.put("model.backend", "openai");
        config.put("openai.base.url", server.baseUrl().toString());
        config.put("openai.model", ModelServerConfig.DEFAULT_MODEL);
        config.put("search.default.timeout.ms", Long.toString(DEADLINE_MS));
        config.put("search.verdict.timeout.ms", "6000");
        config.put("search.proposal.timeout.ms", "8000");
        config.putAll(more);
        try (StepwiseStack stack = StepwiseStack.start(config, new StackOptions(), StepwiseStack.Parts.all(1, 1, 1));
             PromptClient client = new PromptClient(SharedInfra.bootstrapServers(), SharedInfra.registryClient(), topics)) {
            final Instant now = Instant.now();
            problems.forEach((id, problem) -> client.submit(DefaultPrompts.of(id, problem.text(), "model-server-it", now)));
            return client.awaitAnswers(problems.keySet(), Duration.ofMillis(DEADLINE_MS + 60_000), answer -> { });
        }
    }

    private static Map<String, GeneratedProblem> problems(final String prefix) {
        final List<GeneratedProblem> generated = SyntheticTaskSuite.mixed(PROMPTS, MAX_STEPS, 23L);
        final Map<String, GeneratedProblem> byId = new LinkedHashMap<>();
        for (int i = 0; i < generated.size(); i++) {
            byId.put(prefix + "-" + i, generated.get(i));
        }
        return byId;
    }

    private static String report(final Map<String, GeneratedProblem> problems, final Map<String, AnswerPublished> answers) {
        return problems.entrySet().stream().map(entry -> {
            final AnswerPublished answer = answers.get(entry.getKey());
            return entry.getKey() + " " + entry.getValue().family().id() + " expected " + entry.getValue().expectedAnswer()
                    + (answer == null ? ": NO ANSWER" : ": answer " + answer.getAnswer() + ", stop " + answer.getStopCause()
                    + ", calls " + answer.getModelCalls() + (answer.getError() == null ? "" : ", error " + answer.getError()));
        }).collect(Collectors.joining("\n"));
    }
}
