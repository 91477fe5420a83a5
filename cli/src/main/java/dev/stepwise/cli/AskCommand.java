package dev.stepwise.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
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
        Logging.configure(global.verbose);
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
        try (StepwiseStack stack = embedded) {
            final var topics = StepwiseStack.topicsOf(config);
            final ConfluentSchemaRegistryClient registry = ConfluentSchemaRegistryClient.create(config.get(CommonConfig.SCHEMA_REGISTRY_URL));
            if (stack == null) {
                Connect.awaitServers(config, registry, Duration.ofSeconds(15));
            }
            final String id = promptId != null ? promptId : UUID.randomUUID().toString();
            final Instant now = Instant.now();
            final PromptSubmitted prompt = promptOptions.prompt(id, text, System.getProperty("user.name", "cli"), now);
            try (PromptClient client = new PromptClient(config.get(CommonConfig.BOOTSTRAP_SERVERS), registry, topics)) {
                final String applicationId = config.getOrDefault("application.id", "stepwise-topology");
                if (stack == null && !client.topologyIsRunning(applicationId)) {
                    spec.commandLine().getErr().println("stepwise: no topology is running against " + config.get(CommonConfig.BOOTSTRAP_SERVERS)
                            + " (consumer group " + applicationId + " has no members); the prompt waits until one starts "
                            + "('./stepwise up' or './stepwise topology' with the same --bootstrap/--registry).");
                    spec.commandLine().getErr().flush();
                }
                client.submit(prompt);
                final Map<String, AnswerPublished> answers = client.awaitAnswers(Set.of(id), promptOptions.answerWait(), a -> { });
                final AnswerPublished answer = answers.get(id);
                if (answer == null) {
                    spec.commandLine().getErr().println("stepwise: no answer for prompt " + id + " within "
                            + promptOptions.answerWait().toSeconds() + " s; is the topology running?");
                    return 3;
                }
                final List<StepProposed> chain = showChain
                        ? client.chain(id, answer.getWinningChain(), now.minusSeconds(5)) : List.of();
                print(out, answer, chain);
                return answer.getError() == null ? 0 : 2;
            }
        }
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
