package dev.stepwise.topology.search;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonAutoDetect.Visibility;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything the topology remembers about one prompt's search: its settings, the requests it made,
 * the steps that came back with their verdicts, and the counters the answer's summary reports.
 * After the answer it shrinks to a tombstone ({@link Status#ANSWERED}) that only says "done".
 *
 * <p>Stored as JSON (see {@code SearchTreeSerde}) because it is internal state, not an event: no
 * other service reads it, so it needs no registry subject or compatibility rules; Jackson with
 * {@code ignoreUnknown} and field defaults lets fields be added and removed between versions, and
 * the changelog stays readable when debugging. {@link #format} is there for a migration that
 * renames or reinterprets a field.
 *
 * <p>Maps are {@link LinkedHashMap}s, iterated in insertion order, so that a replay of the same
 * input makes the same decisions in the same order. Mutated only by {@link SearchPolicy}.
 */
@JsonAutoDetect(fieldVisibility = Visibility.ANY, getterVisibility = Visibility.NONE,
        isGetterVisibility = Visibility.NONE, setterVisibility = Visibility.NONE)
@JsonIgnoreProperties(ignoreUnknown = true)
public final class SearchTree {

    /** Version of this layout. */
    public static final int FORMAT = 1;

    /** Where a prompt is. */
    public enum Status { SEARCHING, ANSWERED }

    /** What a request asked for. */
    public enum RequestKind { PROPOSAL, REVISION }

    /** The topology's reading of a step's verdict. */
    public enum Judged { ACCEPTED, REJECTED, TIMED_OUT }

    /** What became of a step. */
    public enum Fate { OPEN, KEPT, PRUNED, FINISHED }

    int format = FORMAT;
    String promptId;
    Status status = Status.SEARCHING;

    String problem;
    String strategy;
    int beamWidth;
    int branching;
    int maxDepth;
    int maxRevisions;
    int maxModelCalls;
    long maxTokens;
    long submittedAt;
    long deadlineAt;

    /** Next request number: request ids are {@code <promptId>/r<n>}, deterministic for replays. */
    int nextRequest;
    /** Next decision sequence number. */
    int nextDecision;
    /** Model calls committed: 2 per requested sample or revision (the call and its verification). */
    int reservedCalls;
    /** Model calls made: steps and verdicts received. */
    int callsMade;
    long tokens;
    /** Beam: the depth being resolved. */
    int level;
    /** True once the budget made the search smaller than it asked for (fewer samples, a skipped revision). */
    boolean budgetCut;

    LinkedHashMap<String, Request> requests = new LinkedHashMap<>();
    LinkedHashMap<String, Step> steps = new LinkedHashMap<>();
    /** Verdicts that came before their step, by step id. */
    LinkedHashMap<String, EarlyVerdict> earlyVerdicts = new LinkedHashMap<>();
    /** Terminal step ids of finished chains, in the order they finished. */
    List<String> finished = new ArrayList<>();
    /** Revisions requested per chain and depth ({@code <chainKey>@<depth>}). */
    LinkedHashMap<String, Integer> revisions = new LinkedHashMap<>();

    int stepsProposed;
    int stepsRevised;
    int stepsRejected;
    int stepsPruned;
    /** Beam: pruned steps that were identical to a kept one and counted as agreeing with it (included in stepsPruned). */
    int stepsMerged;
    int verdictTimeouts;
    int requestTimeouts;
    int lateEvents;

    long answeredAt;

    /** The wake-up time this tree is indexed under in the timer store; kept so the old index entry can be removed. */
    long wakeAt;

    /** One request for steps (a proposal) or for a revision of a rejected step. */
    @JsonAutoDetect(fieldVisibility = Visibility.ANY, getterVisibility = Visibility.NONE,
            isGetterVisibility = Visibility.NONE, setterVisibility = Visibility.NONE)
    @JsonIgnoreProperties(ignoreUnknown = true)
    static final class Request {
        String id;
        RequestKind kind = RequestKind.PROPOSAL;
        String chainId;
        String parentStepId;
        int depth;
        int samples;
        /** Best-of-n: the independent chain this request extends. */
        int lane;
        /** Revisions: the rejected step. */
        String revisionOf;
        int attempt;
        long requestedAt;
        int arrived;
        boolean closed;
        /** Best-of-n: the outcome of the request has been acted on. */
        boolean handled;
    }

    /** One proposed or revised step and what the verifier and the search made of it. */
    @JsonAutoDetect(fieldVisibility = Visibility.ANY, getterVisibility = Visibility.NONE,
            isGetterVisibility = Visibility.NONE, setterVisibility = Visibility.NONE)
    @JsonIgnoreProperties(ignoreUnknown = true)
    static final class Step {
        String id;
        String requestId;
        String chainId;
        String parentStepId;
        int depth;
        int lane;
        /** Dropped (with the rationale) once the step is pruned: nothing needs it any more. */
        String text;
        boolean terminal;
        String answer;
        String revisionOf;
        long arrivedAt;
        Judged judged;
        double score;
        /** The min of the step scores from the root to this step. */
        double chainScore;
        String rationale;
        Fate fate = Fate.OPEN;
        /** True once a revision of this step has been requested. */
        boolean revised;
        /**
         * Beam: the accepted samples this step stands for, itself and the identical ones (same parent,
         * same normalised text) merged into it when its level was decided; 1 when none was. The
         * default keeps trees written before the field was added valid.
         */
        int agreement = 1;
        /**
         * Beam: the beam slots this kept step holds, one per agreeing sample up to the slots that were
         * left ({@code <= agreement}); it is expanded with {@code branching} samples per slot, and when it
         * finishes its chain it fills that many slots of the beam width. 1 for every step of a tree
         * written before the field was added, which is how those trees were searched.
         */
        int slots = 1;
        /**
         * Beam: the sum of the chain scores of the identical samples merged into this step (0 when none
         * was), so that {@link #voteWeight()} counts every agreeing sample as Snell's weighted vote does.
         */
        double mergedScore;

        boolean accepted() {
            return judged == Judged.ACCEPTED;
        }

        /** The weight of the chain ending here in the vote: its chain score plus those of the samples merged into it. */
        double voteWeight() {
            return chainScore + mergedScore;
        }
    }

    /** A verdict whose step has not arrived yet. */
    @JsonAutoDetect(fieldVisibility = Visibility.ANY, getterVisibility = Visibility.NONE,
            isGetterVisibility = Visibility.NONE, setterVisibility = Visibility.NONE)
    @JsonIgnoreProperties(ignoreUnknown = true)
    static final class EarlyVerdict {
        double score;
        String verdict;
        String rationale;
    }

    public String promptId() {
        return promptId;
    }

    public Status status() {
        return status;
    }

    public String strategy() {
        return strategy;
    }

    public long wakeAt() {
        return wakeAt;
    }

    public void wakeAt(final long at) {
        this.wakeAt = at;
    }

    public int callsMade() {
        return callsMade;
    }

    public int reservedCalls() {
        return reservedCalls;
    }

    public long tokens() {
        return tokens;
    }

    public long deadlineAt() {
        return deadlineAt;
    }

    public long answeredAt() {
        return answeredAt;
    }

    public int level() {
        return level;
    }

    /** Step ids of the finished chains' last steps, in the order they finished. */
    public List<String> finishedSteps() {
        return List.copyOf(finished);
    }

    /** Number of steps held (all of them; the tombstone holds none). */
    public int stepCount() {
        return steps.size();
    }

    /** Number of requests whose steps are still awaited. */
    public long openRequests() {
        return requests.values().stream().filter(r -> !r.closed).count();
    }

    Optional<Step> step(final String stepId) {
        return Optional.ofNullable(stepId == null ? null : steps.get(stepId));
    }

    /** The step ids from the root to {@code stepId}, root first. */
    List<String> chainIds(final String stepId) {
        final Deque<String> ids = new ArrayDeque<>();
        for (Step s = steps.get(stepId); s != null; s = s.parentStepId == null ? null : steps.get(s.parentStepId)) {
            ids.addFirst(s.id);
        }
        return List.copyOf(ids);
    }

    /** The texts of the chain ending in {@code stepId} (inclusive), root first; empty for null. */
    List<String> chainTexts(final String stepId) {
        final Deque<String> texts = new ArrayDeque<>();
        for (Step s = stepId == null ? null : steps.get(stepId); s != null;
             s = s.parentStepId == null ? null : steps.get(s.parentStepId)) {
            texts.addFirst(s.text == null ? "" : s.text);
        }
        return List.copyOf(texts);
    }

    /** The chain score of the chain ending in {@code stepId}, 1.0 for the empty chain. */
    double chainScore(final String stepId) {
        final Step s = stepId == null ? null : steps.get(stepId);
        return s == null ? 1.0 : s.chainScore;
    }

    Map<String, Step> stepsView() {
        return steps;
    }
}
