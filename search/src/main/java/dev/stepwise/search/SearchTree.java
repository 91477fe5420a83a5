package dev.stepwise.search;

import com.fasterxml.jackson.annotation.JsonAutoDetect.Visibility;
import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonView;
import dev.stepwise.search.strategy.StrategyState;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything the search remembers about one prompt: its settings, the requests it made, the steps
 * that came back with their verdicts, the calls it spent, and the state of its strategy. After the
 * answer it shrinks to a tombstone ({@link Status#ANSWERED}) that only says "done".
 *
 * <p>Stored as JSON (see {@link SearchTreeJson}) because it is internal state, not an event: no other
 * service reads it. Jackson with {@code ignoreUnknown} and field defaults lets fields be added and
 * removed between versions; {@link #format} marks layouts that cannot be read as this one.
 *
 * <p>It is stored in parts, so that an event writes what it changed and not the whole tree: a summary
 * (everything but the fields of the {@link Entries} view) and one entry per step, request and early verdict,
 * plus the problem's text. Every change to an entry therefore goes through this class ({@link #add},
 * {@link #touch}, ...), which records it in {@link TreeChanges} and keeps the index of {@link OpenWork} up to
 * date; the engine reads what is open from that index, so that an event does not scan the tree either.
 *
 * <p>Maps are {@link LinkedHashMap}s, iterated in insertion order, so that a replay of the same
 * input makes the same decisions in the same order. Mutated only by the engine and, through
 * {@link Search}, by the strategy.
 */
@JsonAutoDetect(fieldVisibility = Visibility.ANY, getterVisibility = Visibility.NONE,
        isGetterVisibility = Visibility.NONE, setterVisibility = Visibility.NONE)
@JsonIgnoreProperties(ignoreUnknown = true)
public final class SearchTree {

    /**
     * Version of this layout: 2 since strategies became plug-ins with their own state; 3 since steps, requests
     * and early verdicts are stored apart from the summary (a format-2 tree, stored whole, is read as a 3).
     */
    public static final int FORMAT = 3;

    /** The fields stored as entries of their own, not in the summary (a Jackson view). */
    static final class Entries {
        private Entries() {
        }
    }

    /** The view the summary is written with: every field but those of {@link Entries}. */
    static final class Summary {
        private Summary() {
        }
    }

    /** Where a prompt is. */
    public enum Status { SEARCHING, ANSWERED }

    /** What a request asked for. */
    public enum RequestKind { PROPOSAL, REVISION }

    /** What became of a step. */
    public enum Fate { OPEN, KEPT, PRUNED, FINISHED }

    int format = FORMAT;
    String promptId;
    Status status = Status.SEARCHING;

    @JsonView(Entries.class)
    String problem;
    String strategy;
    /** The strategy's resolved parameters, as text (the form of {@code Strategy.params}). */
    LinkedHashMap<String, String> params = new LinkedHashMap<>();
    int maxModelCalls;
    long maxTokens;
    long submittedAt;
    long deadlineAt;

    /** Next request number: request ids are {@code <promptId>/r<n>}, deterministic for replays. */
    int nextRequest;
    /** Next decision sequence number. */
    int nextDecision;
    CallLedger calls = new CallLedger();
    /** True once the budget made the search smaller than it asked for (fewer samples, a skipped revision or retry). */
    boolean budgetCut;

    @JsonView(Entries.class)
    LinkedHashMap<String, Request> requests = new LinkedHashMap<>();
    @JsonView(Entries.class)
    LinkedHashMap<String, Step> steps = new LinkedHashMap<>();
    /** Verdicts that came before their step, by {@code <stepId>/<kind>}. */
    @JsonView(Entries.class)
    LinkedHashMap<String, EarlyVerdict> earlyVerdicts = new LinkedHashMap<>();
    /** The next entry's place in the order entries were added (see {@link Step#seq}). */
    int nextEntry;
    /** Terminal step ids of finished chains, in the order they finished. */
    List<String> finished = new ArrayList<>();
    /** The strategy's own state; its class is declared with the strategy in the registry. */
    StrategyState state;

    int stepsProposed;
    int stepsRevised;
    int stepsRejected;
    int stepsPruned;
    /** Pruned steps that were identical to a kept one and counted as agreeing with it (included in stepsPruned). */
    int stepsMerged;
    /** Requests and verifications asked for again because no reply came in time. */
    int retries;
    /** Steps in the deepest chain that arrived so far. */
    int deepest;
    /** Requests still to complete, and revisions asked for: what progress reports. */
    int openRequests;
    int revisionsAsked;
    /** Replies that came more than once (a retry and the original both answered), counted as calls and ignored. */
    int duplicates;

    long answeredAt;
    /** The wake-up time this tree is indexed under in the timer store; kept so the old index entry can be removed. */
    long wakeAt;

    @JsonIgnore
    final transient TreeChanges changes = new TreeChanges();
    @JsonIgnore
    final transient OpenWork open = new OpenWork();

    public String promptId() {
        return promptId;
    }

    public Status status() {
        return status;
    }

    public String strategy() {
        return strategy;
    }

    public int format() {
        return format;
    }

    public long wakeAt() {
        return wakeAt;
    }

    public void wakeAt(final long at) {
        this.wakeAt = at;
    }

    public int callsMade() {
        return calls.made();
    }

    public int reservedCalls() {
        return calls.reserved();
    }

    public Map<String, Integer> callsByRole() {
        return calls.byRole();
    }

    public long tokens() {
        return calls.tokens();
    }

    public long deadlineAt() {
        return deadlineAt;
    }

    public long answeredAt() {
        return answeredAt;
    }

    public int retries() {
        return retries;
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
        return open.requests().stream().map(requests::get).filter(r -> !r.allArrived()).count();
    }

    /** The strategy's state, for tests and tools. */
    public StrategyState strategyState() {
        return state;
    }

    // ------------------------------------------------------------------ changing entries

    void problem(final String text) {
        problem = text;
        changes.problem();
    }

    void add(final Request request) {
        request.seq = nextEntry++;
        requests.put(request.id, request);
        touch(request);
    }

    void add(final Step step) {
        step.seq = nextEntry++;
        steps.put(step.id, step);
        touch(step);
    }

    /** Call after changing {@code request}: it is written with the tree, and its place in the index follows. */
    void touch(final Request request) {
        changes.request(request.id);
        open.update(request);
    }

    /** Call after changing {@code step}: it is written with the tree, and its place in the index follows. */
    void touch(final Step step) {
        changes.step(step.id);
        open.update(step);
    }

    void putEarlyVerdict(final String key, final EarlyVerdict early) {
        early.seq = nextEntry++;
        earlyVerdicts.put(key, early);
        changes.earlyVerdict(key);
    }

    EarlyVerdict removeEarlyVerdict(final String key) {
        final EarlyVerdict removed = earlyVerdicts.remove(key);
        if (removed != null) {
            changes.earlyVerdict(key);
        }
        return removed;
    }

    /** Drops every entry (the tree becomes a tombstone): each is deleted from the store with the tree. */
    void clearEntries() {
        touchAll();
        problem = null;
        requests.clear();
        steps.clear();
        earlyVerdicts.clear();
        open.clear();
    }

    /** Every entry as changed: a tree read from a layout that stored it whole is written in parts next time. */
    void touchAll() {
        changes.problem();
        requests.keySet().forEach(changes::request);
        steps.keySet().forEach(changes::step);
        earlyVerdicts.keySet().forEach(changes::earlyVerdict);
    }

    // ------------------------------------------------------------------ reading what is open

    /** The requests not done, in the order they were made. */
    List<Request> requestsNotDone() {
        return open.requests().stream().map(requests::get).toList();
    }

    /** The steps with a verification still to come, in no particular order. */
    List<Step> stepsAwaitingVerdicts() {
        return open.awaitingVerdicts().stream().map(steps::get).toList();
    }

    /** The steps no decision has kept, pruned or finished yet, in arrival order. */
    List<Step> openSteps() {
        return open.openSteps().stream().map(steps::get).toList();
    }

    /** True while a request's samples or a verification's verdict are still to come. */
    boolean anythingInFlight() {
        return open.anythingInFlight();
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

    /** The steps that answered {@code request}, in arrival order. */
    List<Step> stepsOf(final Request request) {
        return request.arrived.stream().map(steps::get).toList();
    }
}
