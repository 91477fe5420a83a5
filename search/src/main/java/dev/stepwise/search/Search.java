package dev.stepwise.search;

import dev.stepwise.schemas.avro.AnswerPublished;
import dev.stepwise.schemas.avro.SearchAction;
import dev.stepwise.schemas.avro.SearchDecision;
import dev.stepwise.schemas.avro.SearchProgress;
import dev.stepwise.schemas.avro.VerificationKind;
import dev.stepwise.schemas.avro.VerificationPlan;
import dev.stepwise.search.SearchTree.Fate;
import dev.stepwise.search.SearchTree.RequestKind;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.ToDoubleFunction;

/**
 * What a strategy can see and do during one event of one prompt's search: read the tree, ask for
 * samples, revisions and verifications (within the budget), keep, prune and finish chains, write
 * decisions, and stop. The engine made it for this event and acts on what the strategy did once
 * the strategy returns; the budget, ids, decision numbering and event building stay here, so a
 * strategy cannot get them wrong.
 */
public final class Search {

    private final SearchTree tree;
    private final Commands commands;
    private final SearchSettings settings;
    private final long now;
    private final long wallClock;
    private StopCause stop;
    private String stopReason;

    Search(final SearchTree tree, final Commands commands, final SearchSettings settings, final long now,
           final long wallClock) {
        this.tree = tree;
        this.commands = commands;
        this.settings = settings;
        this.now = now;
        this.wallClock = wallClock;
    }

    // ------------------------------------------------------------------ reading

    public String promptId() {
        return tree.promptId;
    }

    /** The time of the event being handled. */
    public long now() {
        return now;
    }

    /**
     * When what the search asks for now is sent: the later of the event's time and the wall clock of the
     * service handling it. They differ when the topology is catching up: a request made on an event that
     * waited in the log is sent now, and its reply can only be overdue a timeout after that.
     */
    long sentAt() {
        return Math.max(now, wallClock);
    }

    public SearchSettings settings() {
        return settings;
    }

    public int maxModelCalls() {
        return tree.maxModelCalls;
    }

    public long maxTokens() {
        return tree.maxTokens;
    }

    public int callsMade() {
        return tree.calls.made();
    }

    /** The step with this id, or null. */
    public Step step(final String stepId) {
        return stepId == null ? null : tree.steps.get(stepId);
    }

    /** The steps at {@code depth} that no decision has kept, pruned or finished yet, in arrival order. */
    public List<Step> openSteps(final int depth) {
        return tree.openSteps().stream().filter(s -> s.depth == depth && s.fate == Fate.OPEN).toList();
    }

    /** The last steps of the finished chains, in the order they finished. */
    public List<Step> finished() {
        return tree.finished.stream().map(tree.steps::get).toList();
    }

    /** The step ids from the root to {@code stepId}, root first. */
    public List<String> chainIds(final String stepId) {
        return tree.chainIds(stepId);
    }

    /** True when {@code calls} more model calls fit in the budget (and tokens are left). */
    public boolean affords(final int calls) {
        return tree.calls.affords(calls, tree.maxModelCalls, tree.maxTokens);
    }

    // ------------------------------------------------------------------ asking

    /**
     * Asks for up to {@code wanted} candidate steps extending the chain that ends in {@code parentStepId}
     * (null: the empty chain), as many as the budget pays for.
     *
     * @param chainId the chain's name: its last step id, or the prompt id for the empty chain
     * @param lane    the independent chain this extends, for strategies that run several (0 otherwise)
     * @param plan    how the samples are to be verified
     * @return the request, whose {@link Request#samples()} may be below {@code wanted}; null when the
     *         budget pays for no sample
     */
    public Request propose(final String chainId, final String parentStepId, final int depth, final int wanted,
                           final int lane, final VerificationPlan plan) {
        final int perSample = Requests.callsPerSample(plan);
        final int affordable = tree.calls.tokens() >= tree.maxTokens ? 0
                : Math.max(0, tree.maxModelCalls - tree.calls.reserved()) / perSample;
        final int samples = Math.min(wanted, affordable);
        if (samples < wanted) {
            tree.budgetCut = true;
        }
        if (samples <= 0) {
            return null;
        }
        final Request request = newRequest(RequestKind.PROPOSAL, chainId, parentStepId, depth, samples, lane, plan);
        commands.add(Requests.proposal(tree, request, now));
        return request;
    }

    /**
     * Asks for a revision of the rejected {@code step}: one sample that takes its place in its chain,
     * verified as {@code plan} says, with the verifier's rationale as the critique.
     *
     * @param attempt    which revision of this chain at this depth it is, from 1
     * @param ofAttempts how many the strategy allows, for the decision's reason
     * @return the request, or null when the budget cannot pay for it
     */
    public Request revise(final Step step, final int attempt, final int ofAttempts, final VerificationPlan plan) {
        if (tree.calls.tokens() >= tree.maxTokens) {
            return null;
        }
        if (!affords(Requests.callsPerSample(plan))) {
            tree.budgetCut = true;
            return null;
        }
        final Request request = newRequest(RequestKind.REVISION, step.chainId, step.parentStepId, step.depth, 1,
                step.lane, plan);
        request.revisionOf = step.id;
        request.attempt = attempt;
        request.rejectedText = step.text == null ? "" : step.text;
        final String rationale = step.check == null ? null : step.check.rationale;
        request.critique = rationale == null || rationale.isBlank()
                ? "The verifier rejected this step (score " + score(step.score()) + ") without saying why."
                : rationale;
        step.revised = true;
        tree.touch(step);
        commands.add(Requests.revision(tree, request, now));
        decide(SearchAction.REVISE, List.of(step.id), step.depth, "Asked for revision " + attempt + " of " + ofAttempts
                + " of the rejected step (score " + score(step.score()) + "): " + request.critique);
        return request;
    }

    /**
     * Asks a verifier to score {@code step} (STEP) or the answer of the chain it ends (OUTCOME); the
     * strategy hears of the verdict through {@code onVerified}. Costs one model call.
     *
     * @return false when the budget cannot pay for it, or the step already has that verification
     */
    public boolean verify(final Step step, final VerificationKind kind) {
        if (step.check(kind) != null || !affords(1)) {
            if (!affords(1)) {
                tree.budgetCut = true;
            }
            return false;
        }
        final Check check = new Check();
        check.kind = kind;
        check.askedAt = sentAt();
        check.byStrategy = true;
        if (kind == VerificationKind.OUTCOME) {
            step.outcome = check;
        } else {
            step.check = check;
        }
        tree.touch(step);
        tree.calls.reserve(1);
        commands.add(Requests.verification(tree, step, kind, 0, now));
        decide(SearchAction.VERIFY, List.of(step.id), step.depth, "Asked for " + (kind == VerificationKind.OUTCOME
                ? "a score of the answer '" + step.answer() + "' of the chain ending in " + step.id
                : "a verification of step " + step.id) + ".");
        return true;
    }

    private Request newRequest(final RequestKind kind, final String chainId, final String parentStepId, final int depth,
                               final int samples, final int lane, final VerificationPlan plan) {
        final Request request = new Request();
        request.id = tree.promptId + "/r" + tree.nextRequest++;
        request.kind = kind;
        request.chainId = chainId;
        request.parentStepId = parentStepId;
        request.depth = depth;
        request.samples = samples;
        request.lane = lane;
        request.verification = plan;
        request.askedAt = sentAt();
        tree.add(request);
        tree.openRequests++;
        if (kind == RequestKind.REVISION) {
            tree.revisionsAsked++;
        }
        tree.calls.reserve(samples * Requests.callsPerSample(plan));
        return request;
    }

    // ------------------------------------------------------------------ deciding

    /** Writes a decision to the log, with the calls and tokens spent so far. */
    public void decide(final SearchAction action, final List<String> stepIds, final Integer depth, final String reason) {
        commands.add(SearchDecision.newBuilder()
                .setPromptId(tree.promptId)
                .setSequence(tree.nextDecision++)
                .setAction(action)
                .setStepIds(List.copyOf(stepIds))
                .setDepth(depth)
                .setReason(reason)
                .setModelCalls(tree.calls.made())
                .setTokens(tree.calls.tokens())
                .setProgress(SearchProgress.newBuilder()
                        .setDepth(tree.deepest)
                        .setChainsAlive(Math.max(0, tree.openRequests))
                        .setFinishedChains(tree.finished.size())
                        .setModelCalls(tree.calls.made())
                        .setTokens(tree.calls.tokens())
                        .setRevisions(tree.revisionsAsked)
                        .setRetries(tree.retries)
                        .build())
                .setDecidedAt(Instant.ofEpochMilli(now))
                .build());
    }

    /** The step goes on as part of a chain. */
    public void keep(final Step step) {
        step.fate = Fate.KEPT;
        tree.touch(step);
    }

    /**
     * The step is dropped. Its text and rationale, most of its size, are dropped too; the rest stays so
     * that a late duplicate of it or of its verdict is still recognised. Call after the decision that
     * quotes the rationale.
     */
    public void prune(final Step step) {
        step.fate = Fate.PRUNED;
        step.text = null;
        if (step.check != null) {
            step.check.rationale = null;
        }
        tree.touch(step);
        tree.stepsPruned++;
    }

    /** {@code count} pruned steps were identical to a kept one and count as agreeing with it. */
    public void merged(final int count) {
        tree.stepsMerged += count;
    }

    /** The terminal {@code step} finishes its chain; says so in the log. */
    public void finishChain(final Step step) {
        step.fate = Fate.FINISHED;
        tree.touch(step);
        tree.finished.add(step.id);
        final List<String> chain = tree.chainIds(step.id);
        decide(SearchAction.FINISH_CHAIN, chain, step.depth, "Chain finished with answer '" + step.answer() + "' after "
                + plural(chain.size(), "step") + " (chain score " + score(step.chainScore) + ").");
    }

    /** Ends the search once the strategy returns: the engine writes the STOP decision and the answer. */
    public void stop(final StopCause cause) {
        stop(cause, null);
    }

    /** As {@link #stop(StopCause)}, with the sentence the STOP decision and the summary give as the reason. */
    public void stop(final StopCause cause, final String reason) {
        if (stop == null) {
            stop = Objects.requireNonNull(cause, "cause");
            stopReason = reason;
        }
    }

    /** The strategy's reason for stopping, or null when it gave none. */
    String stopReason() {
        return stopReason;
    }

    boolean stopped() {
        return stop != null;
    }

    StopCause stopCause() {
        return stop;
    }

    // ------------------------------------------------------------------ answering

    /**
     * The weighted vote over the finished chains (Snell et al. 2024: the sum of weights per distinct
     * answer). A chain's {@code score} ranks it among the chains giving the same answer (the best one is
     * the winning chain); its {@code weight} (at least its score) is what it adds to its answer's vote.
     */
    public AnswerVote.Result vote(final ToDoubleFunction<Step> score, final ToDoubleFunction<Step> weight) {
        return AnswerVote.tally(finished().stream()
                .map(s -> {
                    final double own = score.applyAsDouble(s);
                    return new AnswerVote.Chain(s.answer(), own, Math.max(own, weight.applyAsDouble(s)), tree.chainIds(s.id));
                })
                .toList());
    }

    /** Best-of-N by {@code score}: the highest-scoring finished chain's answer wins. */
    public AnswerVote.Result best(final ToDoubleFunction<Step> score) {
        return AnswerVote.best(finished().stream()
                .map(s -> new AnswerVote.Chain(s.answer(), score.applyAsDouble(s), tree.chainIds(s.id)))
                .toList());
    }

    /** Model calls reserved so far (asked for, whether or not their results came). */
    public int reservedCalls() {
        return tree.calls.reserved();
    }

    void commandsAnswer(final AnswerPublished answer) {
        commands.answer(answer);
    }

    /** A score as written in decisions and summaries: two decimals. */
    public static String score(final double value) {
        return String.format(Locale.ROOT, "%.2f", value);
    }

    /** {@code 1 step}, {@code 2 steps}. */
    public static String plural(final int n, final String noun) {
        return n + " " + (n == 1 ? noun : noun + "s");
    }
}
