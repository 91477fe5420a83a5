package dev.stepwise.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stepwise.client.PromptLog;
import dev.stepwise.schemas.avro.AnswerPublished;
import dev.stepwise.schemas.avro.PromptSubmitted;
import dev.stepwise.schemas.avro.RevisionRequested;
import dev.stepwise.schemas.avro.SearchDecision;
import dev.stepwise.schemas.avro.StepProposalRequested;
import dev.stepwise.schemas.avro.StepProposed;
import dev.stepwise.schemas.avro.StepVerified;
import dev.stepwise.schemas.avro.Strategy;
import dev.stepwise.schemas.avro.VerificationKind;
import dev.stepwise.schemas.avro.VerificationRequested;
import dev.stepwise.schemas.config.CommonConfig;
import dev.stepwise.schemas.deadletter.RejectedInputException;
import dev.stepwise.schemas.serde.ConfluentSchemaRegistryClient;
import dev.stepwise.schemas.topics.Topics;
import dev.stepwise.search.strategy.ResolvedStrategy;
import dev.stepwise.search.strategy.StrategyRegistry;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
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
            "Reads the prompt (with its strategy's parameters), every search decision",
            "(with its reason), optionally every step with its verdicts and verification",
            "requests, where each step's time went (--timings), and the answer, from the",
            "cluster given by --bootstrap/--registry or the one './stepwise up' is running."})
final class ExplainCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;
    @Mixin
    GlobalOptions global;

    @Parameters(paramLabel = "PROMPT_ID", description = "The prompt to explain (ask --json prints it as prompt_id).")
    String promptId;

    @Option(names = "--steps", description = "Also list every proposed and revised step with its verdicts (step and outcome), "
            + "how often each verification was asked for and by whom.")
    boolean steps;

    @Option(names = "--timings", description = "Also show where each step's time went, in ms: queued (request to model "
            + "call), model, hop (call to event), the same for its verification, and on to the topology's decision; then "
            + "the median and the sum of each over the answer's chain. n/a where the events do not tell.")
    boolean timings;

    @Option(names = "--json", description = "Print one JSON object per decision (and per step with --steps, per step's "
            + "timings and their summary with --timings).")
    boolean json;

    /** Everything the log holds about one prompt, in log order; the requests are read only for --timings. */
    record Replay(PromptSubmitted prompt, List<SearchDecision> decisions, List<StepProposalRequested> proposalRequests,
                  List<RevisionRequested> revisionRequests, List<StepProposed> proposed,
                  List<VerificationRequested> verificationRequests, List<StepVerified> verdicts,
                  List<AnswerPublished> answers) {
    }

    @Override
    public Integer call() throws Exception {
        Logging.configure(global.verbose);
        final Map<String, String> config = Connect.toRunningCluster(global.config(Map.of()));
        final Topics topics = StepwiseStack.topicsOf(config);
        final ConfluentSchemaRegistryClient registry = ConfluentSchemaRegistryClient.create(config.get(CommonConfig.SCHEMA_REGISTRY_URL));
        Connect.awaitServers(config, registry, Duration.ofSeconds(15));
        final PrintWriter out = spec.commandLine().getOut();
        final PromptLog log = PromptLog.of(config.get(CommonConfig.BOOTSTRAP_SERVERS), registry);
        final List<PromptSubmitted> prompts = log.eventsOf(topics.prompts(), promptId, null);
        if (prompts.isEmpty()) {
            spec.commandLine().getErr().println("stepwise: no prompt " + promptId + " on " + topics.prompts().name());
            return 1;
        }
        final PromptSubmitted prompt = prompts.get(0);
        final Instant since = prompt.getSubmittedAt();
        final boolean stepEvents = steps || timings;
        final Replay replay = new Replay(prompt,
                log.eventsOf(topics.decisions(), promptId, since),
                timings ? log.eventsOf(topics.proposalRequests(), promptId, since) : List.of(),
                timings ? log.eventsOf(topics.revisionRequests(), promptId, since) : List.of(),
                stepEvents ? log.eventsOf(topics.stepsProposed(), promptId, since) : List.of(),
                stepEvents ? log.eventsOf(topics.verificationRequests(), promptId, since) : List.of(),
                stepEvents ? log.eventsOf(topics.stepsVerified(), promptId, since) : List.of(),
                log.eventsOf(topics.answers(), promptId, since));
        print(out, replay);
        return 0;
    }

    /**
     * Prints a replay: as text, or as JSON lines with {@code --json}; the steps only with {@code --steps}, the
     * timings ({@link TimingsReport}) only with {@code --timings}.
     */
    void print(final PrintWriter out, final Replay replay) {
        if (json) {
            replay.decisions().forEach(d -> out.println(Json.write(decisionJson(d))));
        } else {
            printPrompt(out, replay.prompt());
            replay.decisions().forEach(d -> printDecision(out, d));
        }
        if (steps) {
            printSteps(out, replay);
        }
        if (timings) {
            TimingsReport.print(out, json, replay);
        }
        if (replay.answers().isEmpty()) {
            if (!json) {
                out.println("no answer yet");
            }
        } else if (json) {
            out.println(Json.write(Json.answer(replay.answers().get(0)).put("type", "answer")));
        } else {
            printAnswer(out, replay.answers().get(0));
        }
        out.flush();
    }

    private static void printPrompt(final PrintWriter out, final PromptSubmitted p) {
        out.printf(Locale.ROOT, "prompt %s, submitted %s by %s:%n  %s%n", p.getPromptId(), p.getSubmittedAt(), p.getRequester(), p.getText());
        out.printf(Locale.ROOT, "strategy %s; budget %d model calls, %d tokens%s%n%n",
                strategy(p.getStrategy()), p.getBudget().getMaxModelCalls(),
                p.getBudget().getMaxTokens(), p.getBudget().getDeadline() == null ? "" : ", deadline " + p.getBudget().getDeadline());
    }

    /**
     * {@code beam (beam-width 3, branching 4, max-depth 12, max-revisions 1)}: every parameter the
     * registry resolves for the prompt; the fields as written when this version does not know the strategy.
     */
    static String strategy(final Strategy s) {
        try {
            final ResolvedStrategy resolved = StrategyRegistry.standard().resolve(s);
            final List<String> values = new ArrayList<>();
            resolved.parameters().values().forEach((name, value) -> values.add(name + " "
                    + resolved.descriptor().parameter(name).map(p -> p.format(value)).orElse(String.valueOf(value))));
            return resolved.name() + (values.isEmpty() ? "" : " (" + String.join(", ", values) + ")");
        } catch (RejectedInputException e) {
            return String.format(Locale.ROOT, "%s (as written: width %d, branching %d, max depth %d, max revisions %d%s; %s)",
                    s.getName(), s.getBeamWidth(), s.getBranching(), s.getMaxDepth(), s.getMaxRevisions(),
                    s.getParams() == null || s.getParams().isEmpty() ? "" : ", params " + new TreeMap<>(s.getParams()),
                    e.getMessage());
        }
    }

    private static void printDecision(final PrintWriter out, final SearchDecision d) {
        out.printf(Locale.ROOT, "#%-3d %-15s %-9s %s%n", d.getSequence(), d.getAction(),
                d.getDepth() == null ? "" : "depth " + d.getDepth(), d.getReason());
    }

    private static void printAnswer(final PrintWriter out, final AnswerPublished a) {
        out.println();
        out.println(a.getSummary());
        final List<String> facts = new ArrayList<>();
        final Map<String, Integer> calls = Json.callsByRole(a);
        if (!calls.isEmpty()) {
            final List<String> roles = new ArrayList<>();
            calls.forEach((role, n) -> roles.add(role + " " + n));
            facts.add("model calls by role: " + String.join(", ", roles));
        }
        if (a.getStopCause() != null && !a.getStopCause().isBlank()) {
            facts.add("stop cause: " + a.getStopCause());
        }
        if (!facts.isEmpty()) {
            out.println(String.join("; ", facts));
        }
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

    /**
     * How one step was verified for one kind: the requests for it (the first, then the ones asked again)
     * and the verdict that counts (the first; a retried request may be answered more than once).
     */
    record Verification(VerificationKind kind, List<VerificationRequested> requests, StepVerified verdict) {

        /** How many times the topology asked again because no verdict came in time. */
        int retries() {
            return requests.stream().mapToInt(VerificationRequested::getRetry).max().orElse(0);
        }

        /** Who asked, first asker first. */
        List<String> requestedBy() {
            return requests.stream().map(VerificationRequested::getRequestedBy).filter(r -> r != null && !r.isBlank())
                    .distinct().toList();
        }
    }

    /** Step id to its verifications by kind (STEP before OUTCOME). */
    static Map<String, Map<VerificationKind, Verification>> verifications(final List<VerificationRequested> requests,
                                                                          final List<StepVerified> verdicts) {
        final Map<String, Map<VerificationKind, List<VerificationRequested>>> asked = new HashMap<>();
        requests.forEach(r -> asked.computeIfAbsent(r.getStepId(), id -> new EnumMap<>(VerificationKind.class))
                .computeIfAbsent(r.getKind(), k -> new ArrayList<>()).add(r));
        final Map<String, Map<VerificationKind, StepVerified>> judged = new HashMap<>();
        verdicts.forEach(v -> judged.computeIfAbsent(v.getStepId(), id -> new EnumMap<>(VerificationKind.class))
                .putIfAbsent(v.getKind() == null ? VerificationKind.STEP : v.getKind(), v));
        final Map<String, Map<VerificationKind, Verification>> byStep = new HashMap<>();
        final Set<String> stepIds = new HashSet<>(asked.keySet());
        stepIds.addAll(judged.keySet());
        for (String stepId : stepIds) {
            final Map<VerificationKind, List<VerificationRequested>> stepAsked = asked.getOrDefault(stepId, Map.of());
            final Map<VerificationKind, StepVerified> stepJudged = judged.getOrDefault(stepId, Map.of());
            final Map<VerificationKind, Verification> kinds = new EnumMap<>(VerificationKind.class);
            for (VerificationKind kind : VerificationKind.values()) {
                if (stepAsked.containsKey(kind) || stepJudged.containsKey(kind)) {
                    kinds.put(kind, new Verification(kind, stepAsked.getOrDefault(kind, List.of()), stepJudged.get(kind)));
                }
            }
            byStep.put(stepId, kinds);
        }
        return byStep;
    }

    private void printSteps(final PrintWriter out, final Replay replay) {
        final Map<String, Map<VerificationKind, Verification>> byStep =
                verifications(replay.verificationRequests(), replay.verdicts());
        if (!json) {
            out.println();
            out.println("steps:");
        }
        for (StepProposed s : replay.proposed()) {
            final Map<VerificationKind, Verification> kinds = byStep.getOrDefault(s.getStepId(), Map.of());
            // The step's own verdict (a process reward); an outcome verdict only when that is all there is.
            final StepVerified v = kinds.values().stream().map(Verification::verdict).filter(Objects::nonNull)
                    .findFirst().orElse(null);
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
                final ArrayNode list = o.putArray("verifications");
                kinds.values().forEach(k -> list.add(verificationJson(k)));
                out.println(Json.write(o));
            } else {
                out.printf(Locale.ROOT, "  %-14s depth %-3d %-9s %s%s%n", s.getStepId(), s.getDepth(),
                        v == null ? "(no verdict)" : v.getVerdict().name(), s.getText(),
                        s.getRevisionOf() == null ? "" : "  [revises " + s.getRevisionOf() + "]");
                final boolean moreToSay = kinds.values().stream()
                        .anyMatch(k -> k.kind() != VerificationKind.STEP || !k.requests().isEmpty());
                if (moreToSay) {
                    final List<String> parts = new ArrayList<>();
                    kinds.values().forEach(k -> parts.add(verificationText(k)));
                    out.printf(Locale.ROOT, "  %-14s %s%n", "", String.join("; ", parts));
                }
            }
        }
    }

    /** {@code outcome ACCEPTED 0.90, asked 2x (1 retry) by proposer-1, topology}. */
    private static String verificationText(final Verification k) {
        final StringBuilder text = new StringBuilder(k.kind().name().toLowerCase(Locale.ROOT)).append(' ');
        text.append(k.verdict() == null ? "no verdict"
                : String.format(Locale.ROOT, "%s %.2f", k.verdict().getVerdict().name(), k.verdict().getScore()));
        if (!k.requests().isEmpty()) {
            text.append(", asked ").append(k.requests().size()).append('x');
            if (k.retries() > 0) {
                text.append(" (").append(k.retries()).append(k.retries() == 1 ? " retry)" : " retries)");
            }
            if (!k.requestedBy().isEmpty()) {
                text.append(" by ").append(String.join(", ", k.requestedBy()));
            }
        }
        return text.toString();
    }

    private static ObjectNode verificationJson(final Verification k) {
        final ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("kind", k.kind().name());
        if (k.verdict() != null) {
            o.put("verdict", k.verdict().getVerdict().name()).put("score", k.verdict().getScore())
                    .put("rationale", k.verdict().getRationale());
            if (k.verdict().getRequestId() != null) {
                o.put("request_id", k.verdict().getRequestId());
            }
        } else {
            o.putNull("verdict");
        }
        if (!o.has("request_id") && !k.requests().isEmpty()) {
            o.put("request_id", k.requests().get(0).getRequestId());
        }
        o.put("asked", k.requests().size()).put("retries", k.retries());
        k.requestedBy().forEach(o.putArray("requested_by")::add);
        return o;
    }
}
