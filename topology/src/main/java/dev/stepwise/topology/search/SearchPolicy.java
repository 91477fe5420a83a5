package dev.stepwise.topology.search;

import dev.stepwise.schemas.avro.AnswerPublished;
import dev.stepwise.schemas.avro.ChainContext;
import dev.stepwise.schemas.avro.PromptSubmitted;
import dev.stepwise.schemas.avro.RevisionRequested;
import dev.stepwise.schemas.avro.SearchAction;
import dev.stepwise.schemas.avro.SearchDecision;
import dev.stepwise.schemas.avro.StepProposalRequested;
import dev.stepwise.schemas.avro.StepProposed;
import dev.stepwise.schemas.avro.StepVerified;
import dev.stepwise.topology.search.SearchTree.Fate;
import dev.stepwise.topology.search.SearchTree.Judged;
import dev.stepwise.topology.search.SearchTree.Request;
import dev.stepwise.topology.search.SearchTree.RequestKind;
import dev.stepwise.topology.search.SearchTree.Status;
import dev.stepwise.topology.search.SearchTree.Step;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The search, as a pure function of events: each method takes a prompt's {@link SearchTree} and one
 * event (a prompt, a step, a verdict, or the clock passing a timeout), updates the tree, and
 * returns the {@link Commands} to send. No I/O and no Kafka types, so every rule here is unit-tested
 * directly; the stream processor only decodes, stores and forwards.
 *
 * <p>Strategies (Snell et al. 2024, "Scaling LLM Test-Time Compute Optimally", arXiv 2408.03314):
 * <ul>
 *   <li><b>beam</b>: level by level. A level is resolved when every request for it is closed (all
 *       steps came, or the proposal timeout passed) and every step has a verdict (or the verdict
 *       timeout passed). Chains with no accepted candidate first get revisions of their best rejected
 *       step. Then the accepted candidates that are the same step (same parent, same text up to
 *       whitespace, same answer) are merged into one group of <em>agreeing samples</em>; groups are
 *       ranked by chain score (the min of the chain's step scores: a chain is as good as its weakest
 *       step), then by the number of agreeing samples, then by step id. Down that ranking each group
 *       takes one of the {@code beamWidth - finished} free beam slots per agreeing sample (as many as
 *       are left); groups left without a slot are pruned. A kept group goes on as one representative
 *       that holds its slots: it is expanded with {@code branching} samples per slot, and if it is
 *       terminal it finishes its chain and fills that many slots of the beam width. Its duplicates
 *       are pruned but stay counted in it.
 *       <p>Why merge: without it, identical samples (common, as most samples are right) fill the beam
 *       with copies of one chain that are ranked, expanded and voted on as if unrelated, and with a
 *       coarse verifier (scores of 0 or 1) a falsely accepted step ties with the right one and wins or
 *       loses on its step id. Agreement between independent samples is the self-consistency evidence
 *       that separates them. Why slots per sample rather than one slot per group: the beam keeps the
 *       share of samples the majority earned; with one slot per group the slots that copies held go
 *       to the next-ranked groups, most often lone falsely accepted steps, which then survive to the
 *       vote (measured in {@code SyntheticSearchSimulationTest}: worse than not merging).</li>
 *   <li><b>best-of-n</b>: {@code beamWidth} independent chains, one sample per level each, no
 *       ranking between them. A rejected step gets up to {@code maxRevisions} revisions; after that
 *       its chain is <em>dropped</em> rather than carried on with a score of 0: a chain scored 0 adds
 *       nothing to the weighted vote, so carrying it on would only spend budget.</li>
 * </ul>
 * Both end with the verifier-weighted vote of {@link AnswerVote} over the finished chains. In beam
 * search a finished chain weighs its chain score plus those of the samples merged into its last step
 * (chain score times agreement when they scored alike): merging changes how the beam holds identical
 * samples, not how many of them the vote counts, as in Snell's weighted best-of-N.
 *
 * <p>Budget: every requested sample or revision reserves {@link #CALLS_PER_SAMPLE} model calls (the
 * call and its verification) and nothing is requested that the reservation cannot pay for, so the
 * calls made (steps and verdicts received, each counted once) never exceed the budget. Tokens are
 * counted as reported and stop the search once they reach the budget.
 *
 * <p>Times: {@code now} is the event time (the record's timestamp) for events and the wall clock for
 * {@link #onTick}; request and step ids are numbered from the tree, so a replay of the same input
 * log makes the same requests and decisions.
 */
public final class SearchPolicy {

    /** Model calls one sample costs: the proposal (or revision) and its verification. */
    public static final int CALLS_PER_SAMPLE = 2;

    /** Order of accepted candidates (and choice of a group's representative): best chain score first, ties by step id. */
    static final Comparator<Step> BY_CHAIN_SCORE = Comparator.comparingDouble((Step s) -> s.chainScore).reversed()
            .thenComparing(s -> s.id);
    /**
     * Ranking of groups of agreeing candidates in the beam: best chain score first, then more agreeing
     * samples (self-consistency evidence that separates candidates a coarse verifier scores alike),
     * then the representative's step id, so that a replay ranks the same way.
     */
    private static final Comparator<Agreeing> BY_RANK = Comparator
            .comparingDouble((Agreeing g) -> g.representative().chainScore).reversed()
            .thenComparing(Comparator.comparingInt(Agreeing::agreement).reversed())
            .thenComparing(g -> g.representative().id);
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");
    /** Separates the parts of a content key; NUL, which step texts and ids do not contain. */
    private static final char KEY_SEPARATOR = '\0';
    /** Choice of the step to revise: best score first, ties by step id. */
    private static final Comparator<Step> BY_SCORE = Comparator.comparingDouble((Step s) -> s.score).reversed()
            .thenComparing(s -> s.id);

    /** Why a search stopped. */
    enum StopCause {
        ENOUGH_FINISHED, NOTHING_TO_EXPAND, MAX_DEPTH, CALL_BUDGET, TOKEN_BUDGET, DEADLINE, ALL_CHAINS_DONE
    }

    private final SearchSettings settings;

    public SearchPolicy(final SearchSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    public SearchSettings settings() {
        return settings;
    }

    /** A new search and its first commands. */
    public record Started(SearchTree tree, Commands commands) {
    }

    // ------------------------------------------------------------------ events

    /** Starts the search for a validated prompt, at event time {@code now}. */
    public Started start(final PromptSubmitted prompt, final long now) {
        final SearchTree tree = new SearchTree();
        tree.promptId = prompt.getPromptId();
        tree.problem = prompt.getText();
        tree.strategy = prompt.getStrategy().getName();
        tree.beamWidth = prompt.getStrategy().getBeamWidth();
        tree.branching = prompt.getStrategy().getBranching();
        tree.maxDepth = prompt.getStrategy().getMaxDepth();
        tree.maxRevisions = prompt.getStrategy().getMaxRevisions();
        tree.maxModelCalls = prompt.getBudget().getMaxModelCalls();
        tree.maxTokens = prompt.getBudget().getMaxTokens();
        tree.submittedAt = prompt.getSubmittedAt().toEpochMilli();
        tree.deadlineAt = prompt.getBudget().getDeadline() != null
                ? prompt.getBudget().getDeadline().toEpochMilli()
                : tree.submittedAt + settings.defaultTimeoutMs();

        final Commands commands = new Commands();
        decide(tree, commands, SearchAction.START, List.of(), null, startReason(tree), now);
        if (now >= tree.deadlineAt) {
            finish(tree, commands, StopCause.DEADLINE, now);
            return new Started(tree, commands);
        }
        int issued = 0;
        if (isBeam(tree)) {
            issued = requestProposals(tree, commands, tree.promptId, null, 0, tree.branching, 0, now);
        } else {
            for (int lane = 0; lane < tree.beamWidth; lane++) {
                issued += requestProposals(tree, commands, tree.promptId, null, 0, 1, lane, now);
            }
        }
        if (issued == 0) {
            finish(tree, commands, StopCause.CALL_BUDGET, now);
        }
        return new Started(tree, commands);
    }

    /** A proposed or revised step arrived at event time {@code now}. */
    public Commands onStep(final SearchTree tree, final StepProposed event, final long now) {
        if (tree.status == Status.ANSWERED) {
            return Commands.ignoring("step " + event.getStepId() + " came after the answer");
        }
        final String stepId = event.getStepId();
        final Request request = tree.requests.get(event.getRequestId());
        if (request != null && event.getError() != null) {
            // The backend cannot work on this problem at all; more samples would fail the same way.
            final Commands commands = new Commands();
            tree.callsMade++;
            tree.tokens += event.getCall().getTokens();
            finishWithError(tree, commands, event.getError(), now);
            return commands;
        }
        if (tree.steps.containsKey(stepId)) {
            return Commands.ignoring("step " + stepId + " was already received");
        }
        if (request == null || !isSampleOf(stepId, request)) {
            return Commands.ignoring("step " + stepId + " answers no request of this prompt");
        }
        tree.callsMade++;
        tree.tokens += event.getCall().getTokens();
        final Commands commands = new Commands();
        if (request.closed) {
            tree.lateEvents++;
            commands.ignore("step " + stepId + " came after its request " + request.id + " was closed");
            return afterEvent(tree, commands, now);
        }
        final Step step = new Step();
        step.id = stepId;
        step.requestId = request.id;
        // The request, not the step, says where the step sits: a proposer cannot move it in the tree.
        step.chainId = request.chainId;
        step.parentStepId = request.parentStepId;
        step.depth = request.depth;
        step.lane = request.lane;
        step.revisionOf = request.kind == RequestKind.REVISION ? request.revisionOf : null;
        step.text = event.getText();
        step.terminal = event.getTerminal();
        step.answer = event.getAnswer();
        step.arrivedAt = now;
        tree.steps.put(stepId, step);
        if (step.revisionOf != null) {
            tree.stepsRevised++;
        } else {
            tree.stepsProposed++;
        }
        request.arrived++;
        if (request.arrived >= request.samples) {
            request.closed = true;
        }
        final SearchTree.EarlyVerdict early = tree.earlyVerdicts.remove(stepId);
        if (early != null) {
            judge(tree, step, early.score, early.verdict, early.rationale);
        }
        return afterEvent(tree, commands, now);
    }

    /** A verdict arrived at event time {@code now}; it may come before its step. */
    public Commands onVerdict(final SearchTree tree, final StepVerified event, final long now) {
        if (tree.status == Status.ANSWERED) {
            return Commands.ignoring("verdict on " + event.getStepId() + " came after the answer");
        }
        final String stepId = event.getStepId();
        final Step step = tree.steps.get(stepId);
        final Commands commands = new Commands();
        if (step != null) {
            if (step.judged == Judged.ACCEPTED || step.judged == Judged.REJECTED) {
                return Commands.ignoring("step " + stepId + " already has a verdict");
            }
            countCall(tree, event);
            if (step.judged == Judged.TIMED_OUT) {
                tree.lateEvents++;
                commands.ignore("verdict on " + stepId + " came after its verdict timeout");
                return afterEvent(tree, commands, now);
            }
            judge(tree, step, event.getScore(), event.getVerdict().name(), event.getRationale());
            return afterEvent(tree, commands, now);
        }
        final int dot = stepId.lastIndexOf('.');
        final Request request = dot < 0 ? null : tree.requests.get(stepId.substring(0, dot));
        if (request == null || !isSampleOf(stepId, request)) {
            return Commands.ignoring("verdict on " + stepId + " is about no step this prompt asked for");
        }
        if (tree.earlyVerdicts.containsKey(stepId)) {
            return Commands.ignoring("step " + stepId + " already has a verdict");
        }
        countCall(tree, event);
        final SearchTree.EarlyVerdict early = new SearchTree.EarlyVerdict();
        early.score = event.getScore();
        early.verdict = event.getVerdict().name();
        early.rationale = event.getRationale();
        tree.earlyVerdicts.put(stepId, early);
        if (request.closed) {
            tree.lateEvents++;
        }
        return afterEvent(tree, commands, now);
    }

    /**
     * The wall clock reached {@code now}: apply the deadline, verdict timeouts and proposal timeouts
     * that are due, and move the search on if that resolved anything.
     */
    public Commands onTick(final SearchTree tree, final long now) {
        if (tree.status == Status.ANSWERED) {
            return Commands.ignoring("prompt already answered");
        }
        final Commands commands = new Commands();
        if (now >= tree.deadlineAt) {
            finish(tree, commands, StopCause.DEADLINE, now);
            return commands;
        }
        final List<String> timedOut = new ArrayList<>();
        Integer depth = null;
        for (final Step step : tree.steps.values()) {
            if (step.judged == null && now >= step.arrivedAt + settings.verdictTimeoutMs()) {
                step.judged = Judged.TIMED_OUT;
                step.score = 0.0;
                step.chainScore = 0.0;
                step.rationale = "no verdict within " + settings.verdictTimeoutMs() + " ms";
                tree.verdictTimeouts++;
                timedOut.add(step.id);
                depth = depth == null ? step.depth : Math.min(depth, step.depth);
            }
        }
        if (!timedOut.isEmpty()) {
            decide(tree, commands, SearchAction.VERDICT_TIMEOUT, timedOut, depth,
                    "No verdict within " + settings.verdictTimeoutMs() + " ms for " + plural(timedOut.size(), "step")
                            + "; counted as unverified with score 0.", now);
        }
        for (final Request request : tree.requests.values()) {
            if (!request.closed && now >= request.requestedAt + settings.proposalTimeoutMs()) {
                request.closed = true;
                tree.requestTimeouts++;
            }
        }
        progress(tree, commands, now);
        return commands;
    }

    /** When the processor must next call {@link #onTick} (or purge the tombstone). */
    public long nextWakeUp(final SearchTree tree) {
        if (tree.status == Status.ANSWERED) {
            return tree.answeredAt + settings.tombstoneRetentionMs();
        }
        long at = tree.deadlineAt;
        for (final Step step : tree.steps.values()) {
            if (step.judged == null) {
                at = Math.min(at, step.arrivedAt + settings.verdictTimeoutMs());
            }
        }
        for (final Request request : tree.requests.values()) {
            if (!request.closed) {
                at = Math.min(at, request.requestedAt + settings.proposalTimeoutMs());
            }
        }
        return at;
    }

    /** True when {@code tree} is a tombstone older than the retention and can be deleted. */
    public boolean isExpired(final SearchTree tree, final long now) {
        return tree.status == Status.ANSWERED && now >= tree.answeredAt + settings.tombstoneRetentionMs();
    }

    // ------------------------------------------------------------------ progress

    private Commands afterEvent(final SearchTree tree, final Commands commands, final long now) {
        if (tree.status != Status.SEARCHING) {
            return commands;
        }
        if (tree.tokens >= tree.maxTokens) {
            finish(tree, commands, StopCause.TOKEN_BUDGET, now);
        } else if (now >= tree.deadlineAt) {
            finish(tree, commands, StopCause.DEADLINE, now);
        } else {
            progress(tree, commands, now);
        }
        return commands;
    }

    private void progress(final SearchTree tree, final Commands commands, final long now) {
        if (tree.status != Status.SEARCHING) {
            return;
        }
        if (isBeam(tree)) {
            progressBeam(tree, commands, now);
        } else {
            progressBestOfN(tree, commands, now);
        }
    }

    private void progressBeam(final SearchTree tree, final Commands commands, final long now) {
        final int level = tree.level;
        for (final Request request : tree.requests.values()) {
            if (request.depth == level && !request.closed) {
                return;
            }
        }
        final List<Step> candidates = openSteps(tree, level);
        for (final Step step : candidates) {
            if (step.judged == null) {
                return;
            }
        }
        if (requestBeamRevisions(tree, commands, candidates, level, now)) {
            return;
        }
        decideBeamLevel(tree, commands, candidates, level, now);
    }

    /** Asks for revisions for the chains with no accepted candidate; true if any was asked for. */
    private boolean requestBeamRevisions(final SearchTree tree, final Commands commands, final List<Step> candidates,
                                         final int level, final long now) {
        final Map<String, List<Step>> byChain = new LinkedHashMap<>();
        for (final Step step : candidates) {
            byChain.computeIfAbsent(step.chainId, c -> new ArrayList<>()).add(step);
        }
        boolean asked = false;
        for (final Map.Entry<String, List<Step>> chain : byChain.entrySet()) {
            if (chain.getValue().stream().anyMatch(Step::accepted)) {
                continue;
            }
            final String key = chain.getKey() + "@" + level;
            final int done = tree.revisions.getOrDefault(key, 0);
            final Step target = revisionTarget(chain.getValue());
            if (done < tree.maxRevisions && target != null) {
                asked |= requestRevision(tree, commands, target, done + 1, key, now);
            }
        }
        return asked;
    }

    /** The best verifier-rejected step, preferring one not revised yet; timed-out steps have no critique to work from. */
    private static Step revisionTarget(final List<Step> steps) {
        final List<Step> rejected = steps.stream().filter(s -> s.judged == Judged.REJECTED).sorted(BY_SCORE).toList();
        return rejected.stream().filter(s -> !s.revised).findFirst().orElse(rejected.isEmpty() ? null : rejected.get(0));
    }

    private void decideBeamLevel(final SearchTree tree, final Commands commands, final List<Step> candidates,
                                 final int level, final long now) {
        final List<Step> accepted = candidates.stream().filter(Step::accepted).sorted(BY_CHAIN_SCORE).toList();
        final List<Agreeing> groups = agreeing(accepted);
        final int slots = Math.max(0, tree.beamWidth - finishedSlots(tree));
        // Hand out the slots down the ranking, one per agreeing sample: the beam holds as many samples
        // as before merging, so merging changes how they are held (one chain, counted k times), not how
        // much of the beam the majority gets. Giving a merged group a single slot would hand the freed
        // slots to whatever ranks next, typically a lone falsely accepted step.
        final List<Agreeing> keptGroups = new ArrayList<>();
        int left = slots;
        for (final Agreeing group : groups) {
            if (left == 0) {
                break;
            }
            final int held = Math.min(group.agreement(), left);
            group.representative().slots = held;
            left -= held;
            keptGroups.add(group);
        }
        final List<Agreeing> beyond = groups.subList(keptGroups.size(), groups.size());
        final List<Step> kept = keptGroups.stream().map(Agreeing::representative).toList();

        if (!kept.isEmpty()) {
            decide(tree, commands, SearchAction.KEEP, ids(kept), level, keepReason(keptGroups, groups.size(),
                    accepted.size(), slots, level), now);
        }
        for (final Agreeing group : keptGroups) {
            final Step representative = group.representative();
            representative.agreement = group.agreement();
            representative.mergedScore = group.duplicates().stream().mapToDouble(d -> d.chainScore).sum();
            if (!group.duplicates().isEmpty()) {
                decide(tree, commands, SearchAction.PRUNE, ids(group.duplicates()), level, "Pruned "
                        + plural(group.duplicates().size(), "duplicate") + " of " + representative.id + " (same step as it;"
                        + " counted as " + group.agreement() + " agreeing samples).", now);
                group.duplicates().forEach(s -> prune(tree, s));
                tree.stepsMerged += group.duplicates().size();
            }
        }
        if (!beyond.isEmpty()) {
            final List<Step> below = beyond.stream().flatMap(g -> g.members().stream()).toList();
            final String distinct = beyond.size() < below.size() ? " as " + plural(beyond.size(), "distinct step") : "";
            decide(tree, commands, SearchAction.PRUNE, ids(below), level, "Pruned " + plural(below.size(),
                    "accepted candidate") + distinct + " below the beam of " + slots + " (chain scores "
                    + scores(beyond.stream().map(Agreeing::representative).toList()) + ").", now);
            below.forEach(s -> prune(tree, s));
        }
        for (final Step step : candidates) {
            if (!step.accepted()) {
                decide(tree, commands, SearchAction.PRUNE, List.of(step.id), level, rejectionReason(step), now);
                prune(tree, step);
            }
        }
        final List<Step> active = new ArrayList<>();
        for (final Step step : kept) {
            step.fate = Fate.KEPT;
            if (step.terminal) {
                finishChain(tree, commands, step, now);
            } else {
                active.add(step);
            }
        }
        if (finishedSlots(tree) >= tree.beamWidth) {
            finish(tree, commands, StopCause.ENOUGH_FINISHED, now);
        } else if (active.isEmpty()) {
            finish(tree, commands, StopCause.NOTHING_TO_EXPAND, now);
        } else if (level + 1 >= tree.maxDepth) {
            finish(tree, commands, StopCause.MAX_DEPTH, now);
        } else {
            int issued = 0;
            for (final Step chain : active) {
                final int wanted = tree.branching * chain.slots;
                final int samples = requestProposals(tree, commands, chain.id, chain.id, level + 1, wanted, 0, now);
                issued += samples;
                expandDecision(tree, commands, chain, samples, wanted, now);
            }
            if (issued == 0) {
                finish(tree, commands, StopCause.CALL_BUDGET, now);
            } else {
                tree.level = level + 1;
            }
        }
    }

    /** The beam slots the finished chains fill: one per slot their last step held. */
    private static int finishedSlots(final SearchTree tree) {
        return tree.finished.stream().mapToInt(id -> tree.steps.get(id).slots).sum();
    }

    private static String keepReason(final List<Agreeing> kept, final int distinct, final int accepted, final int slots,
                                     final int level) {
        final List<Step> representatives = kept.stream().map(Agreeing::representative).toList();
        final StringBuilder reason = new StringBuilder("Kept ").append(kept.size()).append(" of ")
                .append(plural(accepted, "accepted candidate"));
        if (distinct < accepted) {
            reason.append(" (").append(distinct).append(" distinct)");
        }
        reason.append(" at depth ").append(level).append(" by chain score, then agreeing samples (chain scores ")
                .append(scores(representatives));
        if (kept.stream().anyMatch(g -> g.agreement() > 1)) {
            reason.append("; agreeing samples ")
                    .append(String.join(", ", kept.stream().map(g -> Integer.toString(g.agreement())).toList()))
                    .append("; beam slots ")
                    .append(String.join(", ", representatives.stream().map(s -> Integer.toString(s.slots)).toList()))
                    .append(" of ").append(slots);
        }
        return reason.append(").").toString();
    }

    /**
     * Accepted candidates of one level that are the same step extending the same chain: samples that
     * agree. The representative is the member with the best chain score (ties: smallest step id).
     */
    private record Agreeing(Step representative, List<Step> duplicates) {

        int agreement() {
            return 1 + duplicates.size();
        }

        List<Step> members() {
            final List<Step> all = new ArrayList<>(duplicates.size() + 1);
            all.add(representative);
            all.addAll(duplicates);
            return all;
        }
    }

    /**
     * Groups {@code accepted} (sorted by {@link #BY_CHAIN_SCORE}) into agreeing samples and ranks the
     * groups by {@link #BY_RANK}.
     *
     * <p>Two candidates agree when they have the same parent step and the same normalised text (and,
     * for terminal steps, the same answer). Comparing parents by id is enough; no content key over
     * the whole chain is needed: the kept steps of a level are pairwise different in content (they
     * start at the one empty chain, and each level keeps one representative per group), so two
     * different parent ids at one level always mean two different chains.
     */
    private static List<Agreeing> agreeing(final List<Step> accepted) {
        final Map<String, List<Step>> byContent = new LinkedHashMap<>();
        for (final Step step : accepted) {
            byContent.computeIfAbsent(contentKey(step), k -> new ArrayList<>()).add(step);
        }
        final List<Agreeing> groups = new ArrayList<>();
        for (final List<Step> members : byContent.values()) {
            groups.add(new Agreeing(members.get(0), List.copyOf(members.subList(1, members.size()))));
        }
        groups.sort(BY_RANK);
        return groups;
    }

    /** What makes two sibling samples the same step: parent, text up to whitespace, and for terminal steps the answer. */
    private static String contentKey(final Step step) {
        final String parent = step.parentStepId == null ? "" : step.parentStepId;
        final String text = step.text == null ? "" : WHITESPACE.matcher(step.text.strip()).replaceAll(" ");
        final String answer = step.terminal ? AnswerVote.normalise(answerOf(step)) : "";
        return parent + KEY_SEPARATOR + text + KEY_SEPARATOR + step.terminal + KEY_SEPARATOR + answer;
    }

    private void progressBestOfN(final SearchTree tree, final Commands commands, final long now) {
        for (final Request request : List.copyOf(tree.requests.values())) {
            if (request.handled || !request.closed) {
                continue;
            }
            final List<Step> mine = tree.steps.values().stream().filter(s -> s.requestId.equals(request.id)).toList();
            if (mine.stream().anyMatch(s -> s.judged == null)) {
                continue;
            }
            request.handled = true;
            if (mine.isEmpty()) {
                decide(tree, commands, SearchAction.PRUNE, List.of(), request.depth, "Dropped chain " + request.lane
                        + ": no step arrived within " + settings.proposalTimeoutMs() + " ms for request " + request.id
                        + ".", now);
            }
            for (final Step step : mine) {
                advanceLane(tree, commands, step, now);
            }
        }
        if (tree.status == Status.SEARCHING && tree.requests.values().stream().allMatch(r -> r.handled)) {
            finish(tree, commands, StopCause.ALL_CHAINS_DONE, now);
        }
    }

    private void advanceLane(final SearchTree tree, final Commands commands, final Step step, final long now) {
        if (!step.accepted()) {
            final String key = "lane" + step.lane + "@" + step.depth;
            final int done = tree.revisions.getOrDefault(key, 0);
            if (step.judged == Judged.REJECTED && done < tree.maxRevisions
                    && requestRevision(tree, commands, step, done + 1, key, now)) {
                prune(tree, step);
                return;
            }
            decide(tree, commands, SearchAction.PRUNE, List.of(step.id), step.depth,
                    rejectionReason(step) + " Chain " + step.lane + " dropped.", now);
            prune(tree, step);
            return;
        }
        step.fate = Fate.KEPT;
        if (step.terminal) {
            finishChain(tree, commands, step, now);
            return;
        }
        decide(tree, commands, SearchAction.KEEP, List.of(step.id), step.depth, "Accepted with score "
                + score(step.score) + "; chain " + step.lane + " continues (chain score " + score(step.chainScore) + ").", now);
        if (step.depth + 1 >= tree.maxDepth) {
            decide(tree, commands, SearchAction.PRUNE, List.of(step.id), step.depth, "Chain " + step.lane
                    + " reached the maximum depth of " + tree.maxDepth + " without an answer.", now);
            step.fate = Fate.PRUNED;
            tree.stepsPruned++;
            return;
        }
        final int samples = requestProposals(tree, commands, step.id, step.id, step.depth + 1, 1, step.lane, now);
        expandDecision(tree, commands, step, samples, 1, now);
    }

    // ------------------------------------------------------------------ requests

    /** Requests up to {@code wanted} samples, as many as the budget pays for; returns how many. */
    private int requestProposals(final SearchTree tree, final Commands commands, final String chainId,
                                 final String parentStepId, final int depth, final int wanted, final int lane,
                                 final long now) {
        final int affordable = tree.tokens >= tree.maxTokens ? 0
                : (tree.maxModelCalls - tree.reservedCalls) / CALLS_PER_SAMPLE;
        final int samples = Math.min(wanted, affordable);
        if (samples < wanted) {
            tree.budgetCut = true;
        }
        if (samples <= 0) {
            return 0;
        }
        final Request request = newRequest(tree, RequestKind.PROPOSAL, chainId, parentStepId, depth, samples, lane, now);
        commands.add(StepProposalRequested.newBuilder()
                .setPromptId(tree.promptId)
                .setRequestId(request.id)
                .setChainId(chainId)
                .setParentStepId(parentStepId)
                .setDepth(depth)
                .setSamples(samples)
                .setContext(context(tree, parentStepId))
                .setRequestedAt(Instant.ofEpochMilli(now))
                .build());
        return samples;
    }

    private boolean requestRevision(final SearchTree tree, final Commands commands, final Step step, final int attempt,
                                    final String revisionKey, final long now) {
        if (tree.tokens >= tree.maxTokens) {
            return false;
        }
        if (tree.maxModelCalls - tree.reservedCalls < CALLS_PER_SAMPLE) {
            tree.budgetCut = true;
            return false;
        }
        final Request request = newRequest(tree, RequestKind.REVISION, step.chainId, step.parentStepId, step.depth, 1,
                step.lane, now);
        request.revisionOf = step.id;
        request.attempt = attempt;
        tree.revisions.put(revisionKey, attempt);
        step.revised = true;
        final String critique = step.rationale == null || step.rationale.isBlank()
                ? "The verifier rejected this step (score " + score(step.score) + ") without saying why."
                : step.rationale;
        commands.add(RevisionRequested.newBuilder()
                .setPromptId(tree.promptId)
                .setRequestId(request.id)
                .setChainId(step.chainId)
                .setStepId(step.id)
                .setParentStepId(step.parentStepId)
                .setDepth(step.depth)
                .setRejectedText(step.text == null ? "" : step.text)
                .setCritique(critique)
                .setAttempt(attempt)
                .setContext(context(tree, step.parentStepId))
                .setRequestedAt(Instant.ofEpochMilli(now))
                .build());
        decide(tree, commands, SearchAction.REVISE, List.of(step.id), step.depth, "Asked for revision " + attempt
                + " of " + tree.maxRevisions + " of the rejected step (score " + score(step.score) + "): " + critique, now);
        return true;
    }

    private static Request newRequest(final SearchTree tree, final RequestKind kind, final String chainId,
                                      final String parentStepId, final int depth, final int samples, final int lane,
                                      final long now) {
        final Request request = new Request();
        request.id = tree.promptId + "/r" + tree.nextRequest++;
        request.kind = kind;
        request.chainId = chainId;
        request.parentStepId = parentStepId;
        request.depth = depth;
        request.samples = samples;
        request.lane = lane;
        request.requestedAt = now;
        tree.requests.put(request.id, request);
        tree.reservedCalls += samples * CALLS_PER_SAMPLE;
        return request;
    }

    private static ChainContext context(final SearchTree tree, final String parentStepId) {
        return ChainContext.newBuilder().setProblem(tree.problem).setPriorSteps(tree.chainTexts(parentStepId)).build();
    }

    // ------------------------------------------------------------------ verdicts, pruning, finishing

    private void judge(final SearchTree tree, final Step step, final double rawScore, final String verdict,
                       final String rationale) {
        final double score = Double.isNaN(rawScore) ? 0.0 : Math.max(0.0, Math.min(1.0, rawScore));
        // The threshold is the topology's policy; an explicit REJECTED from the verifier rejects whatever the score.
        final boolean accepted = score >= settings.acceptThreshold() && !"REJECTED".equals(verdict);
        step.judged = accepted ? Judged.ACCEPTED : Judged.REJECTED;
        step.score = score;
        step.rationale = rationale;
        step.chainScore = Math.min(score, tree.chainScore(step.parentStepId));
        if (!accepted) {
            tree.stepsRejected++;
        }
    }

    private static void countCall(final SearchTree tree, final StepVerified verdict) {
        tree.callsMade++;
        tree.tokens += verdict.getCall().getTokens();
    }

    /**
     * Marks the step pruned and drops its text and rationale, most of a step's size; the rest stays
     * so that a late duplicate of the step or of its verdict is still recognised and not counted.
     * Called after the decision that quotes the rationale.
     */
    private static void prune(final SearchTree tree, final Step step) {
        step.fate = Fate.PRUNED;
        step.text = null;
        step.rationale = null;
        tree.stepsPruned++;
    }

    private void finishChain(final SearchTree tree, final Commands commands, final Step step, final long now) {
        step.fate = Fate.FINISHED;
        tree.finished.add(step.id);
        final List<String> chain = tree.chainIds(step.id);
        decide(tree, commands, SearchAction.FINISH_CHAIN, chain, step.depth, "Chain finished with answer '"
                + answerOf(step) + "' after " + plural(chain.size(), "step") + " (chain score "
                + score(step.chainScore) + ").", now);
    }

    private void expandDecision(final SearchTree tree, final Commands commands, final Step chain, final int samples,
                                final int wanted, final long now) {
        if (samples == 0) {
            decide(tree, commands, SearchAction.PRUNE, List.of(chain.id), chain.depth,
                    "No model-call budget left to extend the chain ending in " + chain.id + ".", now);
            return;
        }
        final String held = chain.slots > 1 ? ", " + chain.slots + " beam slots" : "";
        decide(tree, commands, SearchAction.EXPAND, List.of(chain.id), chain.depth + 1, "Extending the chain ending in "
                + chain.id + " (chain score " + score(chain.chainScore) + held + ") with "
                + (samples == wanted ? plural(samples, "sample") : samples + " of " + wanted
                + " samples: the budget pays for no more") + ".", now);
    }

    private void finish(final SearchTree tree, final Commands commands, final StopCause cause, final long now) {
        decide(tree, commands, SearchAction.STOP, List.copyOf(tree.finished), null, stopReason(tree, cause), now);
        final List<AnswerVote.Chain> chains = tree.finished.stream()
                .map(id -> tree.steps.get(id))
                .map(s -> new AnswerVote.Chain(answerOf(s), s.chainScore, s.voteWeight(), tree.chainIds(s.id)))
                .toList();
        final AnswerVote.Result vote = AnswerVote.tally(chains);
        final boolean budgetExhausted = cause == StopCause.CALL_BUDGET || cause == StopCause.TOKEN_BUDGET || tree.budgetCut;
        commands.answer(AnswerPublished.newBuilder()
                .setPromptId(tree.promptId)
                .setAnswer(vote.answer())
                .setSummary(Summaries.of(tree, cause, vote, budgetExhausted, now))
                .setConfidence(vote.confidence())
                .setVotes(vote.votes())
                .setWinningChain(vote.winningChain())
                .setModelCalls(tree.callsMade)
                .setTokens(tree.tokens)
                .setLatencyMs(Math.max(0, now - tree.submittedAt))
                .setStrategy(tree.strategy)
                .setBudgetExhausted(budgetExhausted)
                .setDeadlineReached(cause == StopCause.DEADLINE)
                .setError(null)
                .setAnsweredAt(Instant.ofEpochMilli(now))
                .build());
        tombstone(tree, now);
    }

    private void finishWithError(final SearchTree tree, final Commands commands, final String error, final long now) {
        decide(tree, commands, SearchAction.STOP, List.of(), null,
                "The proposer could not work on the problem: " + error, now);
        commands.answer(AnswerPublished.newBuilder()
                .setPromptId(tree.promptId)
                .setAnswer(null)
                .setSummary(Summaries.ofError(tree, error, now))
                .setConfidence(0.0)
                .setVotes(List.of())
                .setWinningChain(List.of())
                .setModelCalls(tree.callsMade)
                .setTokens(tree.tokens)
                .setLatencyMs(Math.max(0, now - tree.submittedAt))
                .setStrategy(tree.strategy)
                .setBudgetExhausted(false)
                .setDeadlineReached(false)
                .setError(error)
                .setAnsweredAt(Instant.ofEpochMilli(now))
                .build());
        tombstone(tree, now);
    }

    /** What is left of an answered prompt: enough to ignore what still comes for it. */
    private static void tombstone(final SearchTree tree, final long now) {
        tree.status = Status.ANSWERED;
        tree.answeredAt = now;
        tree.problem = null;
        tree.requests.clear();
        tree.steps.clear();
        tree.earlyVerdicts.clear();
        tree.finished.clear();
        tree.revisions.clear();
    }

    private static void decide(final SearchTree tree, final Commands commands, final SearchAction action,
                               final List<String> stepIds, final Integer depth, final String reason, final long now) {
        commands.add(SearchDecision.newBuilder()
                .setPromptId(tree.promptId)
                .setSequence(tree.nextDecision++)
                .setAction(action)
                .setStepIds(List.copyOf(stepIds))
                .setDepth(depth)
                .setReason(reason)
                .setModelCalls(tree.callsMade)
                .setTokens(tree.tokens)
                .setDecidedAt(Instant.ofEpochMilli(now))
                .build());
    }

    // ------------------------------------------------------------------ helpers

    static boolean isBeam(final SearchTree tree) {
        return Strategies.BEAM.equals(tree.strategy);
    }

    /** Step ids are {@code <requestId>.<sample>} with sample in [0, samples). */
    private static boolean isSampleOf(final String stepId, final Request request) {
        final String prefix = request.id + ".";
        if (stepId == null || !stepId.startsWith(prefix)) {
            return false;
        }
        try {
            final int sample = Integer.parseInt(stepId.substring(prefix.length()));
            return sample >= 0 && sample < request.samples;
        } catch (final NumberFormatException e) {
            return false;
        }
    }

    private static List<Step> openSteps(final SearchTree tree, final int depth) {
        return tree.steps.values().stream().filter(s -> s.depth == depth && s.fate == Fate.OPEN).toList();
    }

    static String answerOf(final Step step) {
        if (step.answer != null && !step.answer.isBlank()) {
            return step.answer.strip();
        }
        return step.text == null ? "" : step.text.strip();
    }

    private static List<String> ids(final List<Step> steps) {
        return steps.stream().map(s -> s.id).toList();
    }

    private static String scores(final List<Step> steps) {
        return String.join(", ", steps.stream().map(s -> score(s.chainScore)).toList());
    }

    static String score(final double value) {
        return String.format(Locale.ROOT, "%.2f", value);
    }

    static String plural(final int n, final String noun) {
        return n + " " + (n == 1 ? noun : noun + "s");
    }

    private String rejectionReason(final Step step) {
        if (step.judged == Judged.TIMED_OUT) {
            return "Unverified: no verdict within " + settings.verdictTimeoutMs() + " ms.";
        }
        final String why = step.rationale == null || step.rationale.isBlank() ? "no rationale given" : step.rationale;
        return "Rejected by the verifier (score " + score(step.score) + "): " + why;
    }

    private static String startReason(final SearchTree tree) {
        final String how = isBeam(tree)
                ? "Beam search with width " + tree.beamWidth + " and branching " + tree.branching
                : "Best-of-" + tree.beamWidth + " with one sample per step";
        return how + ", up to " + tree.maxDepth + " steps and " + tree.maxRevisions + " revisions per step; budget "
                + tree.maxModelCalls + " model calls and " + tree.maxTokens + " tokens.";
    }

    private static String stopReason(final SearchTree tree, final StopCause cause) {
        return switch (cause) {
            case ENOUGH_FINISHED -> plural(tree.finished.size(), "chain") + " finished, filling the beam width of "
                    + tree.beamWidth + ".";
            case NOTHING_TO_EXPAND -> "No accepted chain is left to extend at depth " + tree.level + ".";
            case MAX_DEPTH -> "Reached the maximum depth of " + tree.maxDepth + " steps.";
            case CALL_BUDGET -> "The model-call budget (" + tree.maxModelCalls + ") cannot pay for another sample.";
            case TOKEN_BUDGET -> "The token budget (" + tree.maxTokens + ") is spent.";
            case DEADLINE -> "The deadline passed.";
            case ALL_CHAINS_DONE -> "Every chain has finished or been dropped.";
        };
    }
}
