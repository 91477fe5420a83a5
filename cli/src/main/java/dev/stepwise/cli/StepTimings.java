package dev.stepwise.cli;

import dev.stepwise.schemas.avro.AgentCall;
import dev.stepwise.schemas.avro.AnswerPublished;
import dev.stepwise.schemas.avro.SearchDecision;
import dev.stepwise.schemas.avro.StepProposed;
import dev.stepwise.schemas.avro.StepVerified;
import dev.stepwise.schemas.avro.VerificationKind;
import dev.stepwise.schemas.avro.VerificationRequested;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Where each step's time went, from the stamps its events carry (issue 9). A step's serial path is cut at each stamp:
 * <ul>
 *   <li>{@code queued}: the request's {@code requestedAt} to the step's {@code call.startedAt}: every hop and wait
 *       before the model call (the topology's commit, the agent's poll, a wait for a free call slot);</li>
 *   <li>{@code model}: the step's {@code call.latencyMs};</li>
 *   <li>{@code hop}: the end of the call ({@code startedAt + latencyMs}) to the step's {@code producedAt};</li>
 *   <li>{@code v.queued}, {@code v.model}, {@code v.hop}: the same for the verification that counts, from its
 *       {@code VerificationRequested.requestedAt} (the proposer stamps it with the step, so this holds the proposer's
 *       commit and the hop to the verifier) to the verdict's {@code verifiedAt};</li>
 *   <li>{@code decision}: the verdict (the step, when it has none) to the first decision about the step at its depth,
 *       or the first request extending it;</li>
 *   <li>{@code total}: the request to that decision.</li>
 * </ul>
 * The topology stamps its decisions and requests with the time of the record it acted on, not with its own clock, so
 * {@code decision} shows how long the verdict waited in its agent before being written, and the topology's own time
 * lands in the next step's {@code queued}. Events written before the agents stamped {@code call.startedAt} give no
 * queued or hop figures: those are absent here, never guessed.
 */
final class StepTimings {

    /** The figures of a step, in the order of its serial path; each is the time between two stamps. */
    enum Column {
        QUEUED("queued", "queued_ms"),
        MODEL("model", "model_ms"),
        HOP("hop", "hop_ms"),
        VERIFY_QUEUED("v.queued", "verify_queued_ms"),
        VERIFY_MODEL("v.model", "verify_model_ms"),
        VERIFY_HOP("v.hop", "verify_hop_ms"),
        DECISION("decision", "decision_ms"),
        TOTAL("total", "total_ms");

        final String label;
        final String jsonName;

        Column(final String label, final String jsonName) {
            this.label = label;
            this.jsonName = jsonName;
        }
    }

    /** One step's figures in milliseconds; a column the events cannot tell is absent. */
    record Timing(StepProposed step, Map<Column, Long> millis) {

        /** The figure, or null when the events do not tell it. */
        Long of(final Column column) {
            return millis.get(column);
        }
    }

    /**
     * The answer's chain: the median of each column over its serial steps (one per depth) and the sum; a column is
     * absent from the medians when no step tells it, and from the sums when not every step does.
     */
    record Summary(int steps, Map<Column, Double> medians, Map<Column, Long> sums) {
    }

    private final Map<String, List<Instant>> requestedAt = new HashMap<>();
    private final Map<String, Map<VerificationKind, ExplainCommand.Verification>> verifications;
    private final Map<String, List<Reaction>> reactions = new HashMap<>();

    /** A decision about a step, or a request extending it: when the topology acted on the step, at which depth. */
    private record Reaction(Integer depth, Instant at) {
    }

    private StepTimings(final ExplainCommand.Replay replay) {
        replay.proposalRequests().forEach(r -> asked(r.getRequestId(), r.getRequestedAt()));
        replay.revisionRequests().forEach(r -> asked(r.getRequestId(), r.getRequestedAt()));
        verifications = ExplainCommand.verifications(replay.verificationRequests(), replay.verdicts());
        for (final SearchDecision d : replay.decisions()) {
            d.getStepIds().forEach(id -> reactions.computeIfAbsent(id, k -> new ArrayList<>())
                    .add(new Reaction(d.getDepth(), d.getDecidedAt())));
        }
        replay.proposalRequests().stream().filter(r -> r.getParentStepId() != null)
                .forEach(r -> reactions.computeIfAbsent(r.getParentStepId(), k -> new ArrayList<>())
                        .add(new Reaction(r.getDepth() - 1, r.getRequestedAt())));
    }

    /** The figures of every step of the replay, in log order; a step written twice (a retried request) counts once. */
    static List<Timing> of(final ExplainCommand.Replay replay) {
        final StepTimings timings = new StepTimings(replay);
        final Map<String, Timing> byStep = new LinkedHashMap<>();
        replay.proposed().forEach(s -> byStep.computeIfAbsent(s.getStepId(), id -> timings.timing(s)));
        return List.copyOf(byStep.values());
    }

    /** The summary over the chain {@code answer} took; empty without an answer or a chain. */
    static Optional<Summary> summary(final List<Timing> timings, final List<AnswerPublished> answers) {
        if (answers.isEmpty() || answers.get(0).getWinningChain().isEmpty()) {
            return Optional.empty();
        }
        final Map<String, Timing> byStep = new HashMap<>();
        timings.forEach(t -> byStep.put(t.step().getStepId(), t));
        final List<Timing> chain = answers.get(0).getWinningChain().stream().map(byStep::get).filter(Objects::nonNull)
                .toList();
        if (chain.isEmpty()) {
            return Optional.empty();
        }
        final Map<Column, Double> medians = new EnumMap<>(Column.class);
        final Map<Column, Long> sums = new EnumMap<>(Column.class);
        for (final Column column : Column.values()) {
            final List<Long> known = chain.stream().map(t -> t.of(column)).filter(Objects::nonNull).sorted().toList();
            if (!known.isEmpty()) {
                medians.put(column, median(known));
            }
            if (known.size() == chain.size()) {
                sums.put(column, known.stream().mapToLong(Long::longValue).sum());
            }
        }
        return Optional.of(new Summary(chain.size(), medians, sums));
    }

    private void asked(final String requestId, final Instant at) {
        requestedAt.computeIfAbsent(requestId, id -> new ArrayList<>()).add(at);
    }

    private Timing timing(final StepProposed step) {
        final Map<Column, Long> millis = new EnumMap<>(Column.class);
        final AgentCall call = step.getCall();
        final Instant asked = sentFor(requestedAt.getOrDefault(step.getRequestId(), List.of()), call.getStartedAt());
        put(millis, Column.QUEUED, asked, call.getStartedAt());
        millis.put(Column.MODEL, call.getLatencyMs());
        put(millis, Column.HOP, ended(call), step.getProducedAt());
        Instant last = step.getProducedAt();
        final ExplainCommand.Verification check = verificationThatCounts(step.getStepId());
        if (check != null) {
            final StepVerified verdict = check.verdict();
            final Instant checkAsked = sentFor(check.requests().stream().map(VerificationRequested::getRequestedAt).toList(),
                    verdict.getCall().getStartedAt());
            put(millis, Column.VERIFY_QUEUED, checkAsked, verdict.getCall().getStartedAt());
            millis.put(Column.VERIFY_MODEL, verdict.getCall().getLatencyMs());
            put(millis, Column.VERIFY_HOP, ended(verdict.getCall()), verdict.getVerifiedAt());
            last = verdict.getVerifiedAt();
        }
        final Instant decided = firstReaction(step, last);
        put(millis, Column.DECISION, last, decided);
        put(millis, Column.TOTAL, asked, decided);
        return new Timing(step, millis);
    }

    /** The step's own verdict (a process reward); an outcome verdict only when that is all there is. */
    private ExplainCommand.Verification verificationThatCounts(final String stepId) {
        return verifications.getOrDefault(stepId, Map.of()).values().stream().filter(v -> v.verdict() != null)
                .findFirst().orElse(null);
    }

    /** The first time at or after {@code since} the topology decided about the step at its depth, or asked to extend it. */
    private Instant firstReaction(final StepProposed step, final Instant since) {
        return reactions.getOrDefault(step.getStepId(), List.of()).stream()
                .filter(r -> r.depth() == null || r.depth() == step.getDepth())
                .map(Reaction::at).filter(at -> !at.isBefore(since)).min(Comparator.naturalOrder()).orElse(null);
    }

    /**
     * Which sending of a request the agent answered: the last one before its call began. Without a start (an event
     * from before the stamp), or when every sending is later (clocks apart: the figure comes out negative, and says
     * so), the first.
     */
    private static Instant sentFor(final Collection<Instant> sendings, final Instant callStarted) {
        if (sendings.isEmpty()) {
            return null;
        }
        final Instant first = sendings.stream().min(Comparator.naturalOrder()).orElseThrow();
        if (callStarted == null) {
            return first;
        }
        return sendings.stream().filter(at -> !at.isAfter(callStarted)).max(Comparator.naturalOrder()).orElse(first);
    }

    private static Instant ended(final AgentCall call) {
        return call.getStartedAt() == null ? null : call.getStartedAt().plusMillis(call.getLatencyMs());
    }

    private static void put(final Map<Column, Long> millis, final Column column, final Instant from, final Instant to) {
        if (from != null && to != null) {
            millis.put(column, Duration.between(from, to).toMillis());
        }
    }

    /** The middle value of a sorted list; the mean of the two middle ones for an even count. */
    static double median(final List<Long> sorted) {
        final int middle = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2.0;
    }
}
