package dev.stepwise.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stepwise.client.ClientSettings;
import dev.stepwise.client.ProgressListener;
import dev.stepwise.client.PromptHandle;
import dev.stepwise.client.StepwiseClient;
import dev.stepwise.schemas.avro.AnswerPublished;
import dev.stepwise.schemas.avro.PromptSubmitted;
import dev.stepwise.schemas.avro.StepProposed;
import dev.stepwise.schemas.config.CommonConfig;
import dev.stepwise.schemas.serde.ConfluentSchemaRegistryClient;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Asks one question and prints its answer and summary. */
@Command(name = "ask", mixinStandardHelpOptions = true,
        description = {"Ask one question and print its answer and summary.",
            "",
            "Publishes the prompt to the prompts topic and waits for its answer.",
            "Uses the cluster given by --bootstrap/--registry, else the one './stepwise up' is running,",
            "else starts an embedded stack for this one question (slower: it starts a broker and a registry).",
            "With the synthetic backend the prompt must be one of its problem families, e.g.",
            "  ./stepwise ask \"compute (3*4+5)*2 mod 7\""})
final class AskCommand implements Callable<Integer> {

    /** How long connecting waits for a broker before saying none answers. */
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(15);
    /** An answer not in after this long makes {@code ask} check that a topology is running. */
    static final Duration TOPOLOGY_CHECK_AFTER = Duration.ofSeconds(3);

    @Spec
    CommandSpec spec;
    @Mixin
    GlobalOptions global;
    @Mixin
    ModelOptions model;
    @Mixin
    PromptOptions promptOptions;

    @Parameters(paramLabel = "PROMPT", description = "The question.")
    String text;

    @Option(names = "--json", description = "Print one JSON object (prompt_id, answer, summary, model_calls, ...).")
    boolean json;

    @Option(names = "--show-chain", description = "Also print the steps of the winning chain (read from the step topic).")
    boolean showChain;

    @Option(names = "--prompt-id", paramLabel = "ID", description = "Prompt id to use (default: a random UUID).")
    String promptId;

    @Override
    public Integer call() throws Exception {
        final Timeline timeline = new Timeline();
        timeline.mark("parsed");
        Logging.configure(global.verbose);
        try {
            return ask(timeline);
        } finally {
            timeline.mark("closed");
            if (Logging.isVerbose()) {
                // Looked up here, not in a static field: the logging backend starts in the background (Prewarm).
                LoggerFactory.getLogger(AskCommand.class).info("ask, in ms since the JVM started: {}", timeline);
            }
        }
    }

    /**
     * Against a running cluster the way to the answer is short on purpose: no admin client, no separate check
     * of the broker or the registry (connecting the client is that check, with a clear error when no broker
     * answers), no consumer group. The prompt's schema id costs one registry call, its answer's schema one more.
     */
    private int ask(final Timeline timeline) throws Exception {
        // A strategy the registry refuses is a usage error here, before anything starts or is sent.
        promptOptions.strategy();
        final PrintWriter out = spec.commandLine().getOut();
        final Map<String, String> requested = global.config(model.config());
        final Optional<Map<String, String>> running = Connect.findRunningCluster(requested);
        if (running.isEmpty()) {
            spec.commandLine().getErr().println("stepwise: no running stack found (./stepwise up); starting an embedded one for this question...");
            spec.commandLine().getErr().flush();
        }
        final StepwiseStack embedded = running.isEmpty()
                ? StepwiseStack.start(requested, new StackOptions(), StepwiseStack.Parts.all(1, 1, 1)) : null;
        final Map<String, String> config = embedded == null ? running.get() : embedded.config();
        try (StepwiseStack stack = embedded;
             ConfluentSchemaRegistryClient registry = ConfluentSchemaRegistryClient.create(config.get(CommonConfig.SCHEMA_REGISTRY_URL))) {
            final var topics = StepwiseStack.topicsOf(config);
            final String id = promptId != null ? promptId : UUID.randomUUID().toString();
            timeline.mark("configured");
            try (StepwiseClient client = StepwiseClient.connect(ClientSettings.of(config.get(CommonConfig.BOOTSTRAP_SERVERS),
                    registry, topics).withClientId("stepwise-cli").withConnectTimeout(CONNECT_TIMEOUT))) {
                timeline.mark("connected");
                // Stamped now, once the client reads the answers: the answer's latency_ms is the pipeline's own.
                final Instant submittedAt = Instant.now();
                final PromptSubmitted prompt = promptOptions.prompt(id, text, System.getProperty("user.name", "cli"), submittedAt);
                final PromptHandle handle = client.submit(prompt, ProgressListener.NONE);
                final AnswerPublished answer = awaitAnswer(client, handle, stack == null ? config : null);
                timeline.mark("answered");
                if (answer == null) {
                    spec.commandLine().getErr().println("stepwise: no answer for prompt " + id + " within "
                            + promptOptions.answerWait().toSeconds() + " s; is the topology running?");
                    return 3;
                }
                final List<StepProposed> chain = showChain
                        ? client.log().chain(topics, id, answer.getWinningChain(), submittedAt.minusSeconds(5)) : List.of();
                print(out, answer, chain);
                timeline.mark("printed");
                return answer.getError() == null ? 0 : 2;
            }
        }
    }

    /**
     * Waits for the answer. Against a cluster this command did not start ({@code external} not null), a prompt
     * not answered within {@link #TOPOLOGY_CHECK_AFTER} makes it look for a running topology, once, and say so
     * when there is none: the check costs an admin client, so an answer that comes quickly never pays for it.
     */
    private AnswerPublished awaitAnswer(final StepwiseClient client, final PromptHandle handle,
                                        final Map<String, String> external) throws InterruptedException {
        final Duration wait = promptOptions.answerWait();
        if (external == null || wait.compareTo(TOPOLOGY_CHECK_AFTER) <= 0) {
            return Answers.await(handle, wait);
        }
        final AnswerPublished quick = Answers.await(handle, TOPOLOGY_CHECK_AFTER);
        if (quick != null) {
            return quick;
        }
        final String applicationId = StepwiseStack.topologyApplicationId(external);
        if (!client.topologyIsRunning(applicationId)) {
            spec.commandLine().getErr().println("stepwise: no topology is running against " + external.get(CommonConfig.BOOTSTRAP_SERVERS)
                    + " (consumer group " + applicationId + " has no members); the prompt waits until one starts "
                    + "('./stepwise up' or './stepwise topology' with the same --bootstrap/--registry).");
            spec.commandLine().getErr().flush();
        }
        return Answers.await(handle, wait.minus(TOPOLOGY_CHECK_AFTER));
    }

    private void print(final PrintWriter out, final AnswerPublished answer, final List<StepProposed> chain) {
        if (json) {
            final ObjectNode o = Json.answer(answer);
            if (showChain) {
                final ArrayNode steps = o.putArray("chain");
                chain.forEach(s -> steps.addObject().put("step_id", s.getStepId()).put("depth", s.getDepth()).put("text", s.getText()));
            }
            out.println(Json.write(o));
        } else {
            if (answer.getError() == null) {
                out.println("answer: " + (answer.getAnswer() == null ? "(none)" : answer.getAnswer()));
                out.println();
                out.println(answer.getSummary());
            } else if (answer.getSummary().contains(answer.getError())) {
                out.println(answer.getSummary());
            } else {
                out.println(answer.getSummary());
                out.println(answer.getError());
            }
            if (showChain) {
                out.println();
                out.println("winning chain:");
                chain.forEach(s -> out.println("  " + (s.getDepth() + 1) + ". " + s.getText()));
            }
        }
        out.flush();
    }
}
