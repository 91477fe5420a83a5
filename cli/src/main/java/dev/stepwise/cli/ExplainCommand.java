package dev.stepwise.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stepwise.schemas.avro.AnswerPublished;
import dev.stepwise.schemas.avro.PromptSubmitted;
import dev.stepwise.schemas.avro.SearchDecision;
import dev.stepwise.schemas.avro.StepProposed;
import dev.stepwise.schemas.avro.StepVerified;
import dev.stepwise.schemas.config.CommonConfig;
import dev.stepwise.schemas.serde.ConfluentSchemaRegistryClient;
import dev.stepwise.schemas.topics.Topics;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Replays one prompt's events from the log: the prompt, every decision the search made with its
 * reason, optionally every step with its verdict, and the answer. The log is the audit trail; this
 * only reads it.
 */
@Command(name = "explain", mixinStandardHelpOptions = true,
        description = {"Show from the event log how one prompt's answer was reached.",
            "",
            "Reads the prompt, every search decision (with its reason), optionally every step and verdict, and",
            "the answer, from the cluster given by --bootstrap/--registry or the one './stepwise up' is running."})
final class ExplainCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;
    @Mixin
    GlobalOptions global;

    @Parameters(paramLabel = "PROMPT_ID", description = "The prompt to explain (ask --json prints it as prompt_id).")
    String promptId;

    @Option(names = "--steps", description = "Also list every proposed and revised step with its verdict.")
    boolean steps;

    @Option(names = "--json", description = "Print one JSON object per decision (and per step with --steps).")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Logging.configure(global.verbose);
        final Map<String, String> config = Connect.toRunningCluster(global.config(Map.of()));
        final Topics topics = StepwiseStack.topicsOf(config);
        final ConfluentSchemaRegistryClient registry = ConfluentSchemaRegistryClient.create(config.get(CommonConfig.SCHEMA_REGISTRY_URL));
        Connect.awaitServers(config, registry, Duration.ofSeconds(15));
        final PrintWriter out = spec.commandLine().getOut();
        try (PromptClient client = new PromptClient(config.get(CommonConfig.BOOTSTRAP_SERVERS), registry, topics)) {
            final List<PromptSubmitted> prompts = client.eventsOf(topics.prompts(), promptId, null);
            if (prompts.isEmpty()) {
                spec.commandLine().getErr().println("stepwise: no prompt " + promptId + " on " + topics.prompts().name());
                return 1;
            }
            final PromptSubmitted prompt = prompts.get(0);
            final List<SearchDecision> decisions = client.eventsOf(topics.decisions(), promptId, prompt.getSubmittedAt());
            final List<AnswerPublished> answers = client.eventsOf(topics.answers(), promptId, prompt.getSubmittedAt());
            if (json) {
                decisions.forEach(d -> out.println(Json.write(decisionJson(d))));
            } else {
                printPrompt(out, prompt);
                decisions.forEach(d -> printDecision(out, d));
            }
            if (steps) {
                printSteps(out, client.eventsOf(topics.stepsProposed(), promptId, prompt.getSubmittedAt()),
                        client.eventsOf(topics.stepsVerified(), promptId, prompt.getSubmittedAt()));
            }
            if (answers.isEmpty()) {
                if (!json) {
                    out.println("no answer yet");
                }
            } else if (json) {
                out.println(Json.write(Json.answer(answers.get(0)).put("type", "answer")));
            } else {
                out.println();
                out.println(answers.get(0).getSummary());
            }
            out.flush();
            return 0;
        }
    }

    private static void printPrompt(final PrintWriter out, final PromptSubmitted p) {
        out.printf(Locale.ROOT, "prompt %s, submitted %s by %s:%n  %s%n", p.getPromptId(), p.getSubmittedAt(), p.getRequester(), p.getText());
        out.printf(Locale.ROOT, "strategy %s (width %d, branching %d, max depth %d, max revisions %d); budget %d model calls, %d tokens%s%n%n",
                p.getStrategy().getName(), p.getStrategy().getBeamWidth(), p.getStrategy().getBranching(),
                p.getStrategy().getMaxDepth(), p.getStrategy().getMaxRevisions(), p.getBudget().getMaxModelCalls(),
                p.getBudget().getMaxTokens(), p.getBudget().getDeadline() == null ? "" : ", deadline " + p.getBudget().getDeadline());
    }

    private static void printDecision(final PrintWriter out, final SearchDecision d) {
        out.printf(Locale.ROOT, "#%-3d %-15s %-9s %s%n", d.getSequence(), d.getAction(),
                d.getDepth() == null ? "" : "depth " + d.getDepth(), d.getReason());
    }

    private static ObjectNode decisionJson(final SearchDecision d) {
        final ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("type", "decision").put("sequence", d.getSequence()).put("action", d.getAction().name());
        if (d.getDepth() != null) {
            o.put("depth", d.getDepth());
        }
        o.put("reason", d.getReason()).put("model_calls", d.getModelCalls()).put("tokens", d.getTokens());
        d.getStepIds().forEach(o.putArray("step_ids")::add);
        return o;
    }

    private void printSteps(final PrintWriter out, final List<StepProposed> proposed, final List<StepVerified> verified) {
        final Map<String, StepVerified> verdicts = new HashMap<>();
        verified.forEach(v -> verdicts.putIfAbsent(v.getStepId(), v));
        if (!json) {
            out.println();
            out.println("steps:");
        }
        for (StepProposed s : proposed) {
            final StepVerified v = verdicts.get(s.getStepId());
            if (json) {
                final ObjectNode o = Json.MAPPER.createObjectNode();
                o.put("type", "step").put("step_id", s.getStepId()).put("depth", s.getDepth()).put("text", s.getText())
                        .put("agent", s.getCall().getAgentInstance()).put("model", s.getCall().getModel());
                if (s.getRevisionOf() != null) {
                    o.put("revision_of", s.getRevisionOf());
                }
                if (v != null) {
                    o.put("verdict", v.getVerdict().name()).put("score", v.getScore()).put("rationale", v.getRationale());
                }
                out.println(Json.write(o));
            } else {
                out.printf(Locale.ROOT, "  %-14s depth %-3d %-9s %s%s%n", s.getStepId(), s.getDepth(),
                        v == null ? "(no verdict)" : v.getVerdict().name(), s.getText(),
                        s.getRevisionOf() == null ? "" : "  [revises " + s.getRevisionOf() + "]");
            }
        }
    }
}
