package dev.stepwise.search.strategy;

import dev.stepwise.schemas.avro.SearchAction;
import dev.stepwise.schemas.avro.VerificationPlan;
import dev.stepwise.search.AnswerVote;
import dev.stepwise.search.Request;
import dev.stepwise.search.Search;
import dev.stepwise.search.Step;
import dev.stepwise.search.StopCause;
import java.util.Comparator;
import java.util.List;

/**
 * Sequential revision (Snell et al. 2024, arXiv 2408.03314, §6; on easy prompts it beats parallel sampling):
 * one chain at a time, every step verified as it comes, and a rejected step rewritten by the reviser with the
 * verifier's critique, up to {@code max-revisions} times; a step that still fails abandons the chain, and the
 * next attempt starts afresh. It collects {@code attempts} finished chains (at most {@code max-attempts} are
 * started) and picks the answer across all of them by verifier-weighted vote, since a revision can also turn
 * a right answer wrong (Snell: about 38% of the time), so the last one is not trusted by default.
 *
 * <p>With an exact verifier this is the cheapest search there is: about 2 calls per step, plus 2 per
 * rejection. With {@code hand-over} set, an abandoned attempt is not retried: the strategy leaves the search
 * idle and says so ({@link ReviseState#wantsHandOver()}), for a caller such as {@code auto} to escalate.
 */
public final class Revise implements SearchStrategy<ReviseState> {

    public static final String NAME = "revise";

    static final Parameter ATTEMPTS = Parameter.integer("attempts", 1, 1, 64,
            "Finished chains to collect before the vote.");
    static final Parameter MAX_ATTEMPTS = Parameter.integer("max-attempts", 4, 1, 128,
            "Most chains started (abandoned ones included).");
    static final Parameter MAX_REVISIONS = Parameter.integer("max-revisions", 2, 0, 16,
            "Revisions of a rejected step before its chain is abandoned.")
            .withLegacyField(Parameter.LegacyField.MAX_REVISIONS);
    static final Parameter SAMPLES = Parameter.integer("samples", 1, 1, 16,
            "Candidates sampled for a chain's first step (the best accepted one is kept).");
    static final Parameter MAX_DEPTH = Parameter.integer("max-depth", 40, 1, 512,
            "Longest chain the search may build before it stops with the best so far.")
            .withLegacyField(Parameter.LegacyField.MAX_DEPTH);
    static final Parameter HAND_OVER = Parameter.flag("hand-over", false,
            "Leave the search idle instead of starting another attempt after one is abandoned (for auto).");

    public static final StrategyDescriptor DESCRIPTOR = new StrategyDescriptor(NAME,
            "Sequential revision: one chain at a time, each step verified, a rejected step revised with the "
                    + "verifier's critique; collects the asked-for number of finished chains and votes across them.",
            List.of(ATTEMPTS, MAX_ATTEMPTS, MAX_REVISIONS, SAMPLES, MAX_DEPTH, HAND_OVER), ReviseState.class, Revise::new);

    /** Best candidate first: verifier score, then step id. */
    private static final Comparator<Step> BY_SCORE = Comparator.comparingDouble(Step::score).reversed()
            .thenComparing(Step::id);

    private final int attempts;
    private final int maxAttempts;
    private final int maxRevisions;
    private final int samples;
    private final int maxDepth;
    private final boolean handOver;

    Revise(final StrategyParameters parameters) {
        this.attempts = parameters.intValue(ATTEMPTS.name());
        this.maxAttempts = parameters.intValue(MAX_ATTEMPTS.name());
        this.maxRevisions = parameters.intValue(MAX_REVISIONS.name());
        this.samples = parameters.intValue(SAMPLES.name());
        this.maxDepth = parameters.intValue(MAX_DEPTH.name());
        this.handOver = parameters.flag(HAND_OVER.name());
    }

    @Override
    public String describe() {
        return "Sequential revision: " + Search.plural(attempts, "finished chain") + " (at most " + maxAttempts
                + " started), each step verified, up to " + maxRevisions + " revisions per step, " + maxDepth
                + " steps";
    }

    @Override
    public ReviseState start(final Search search) {
        final ReviseState state = new ReviseState();
        if (search.propose(search.promptId(), null, 0, samples, 0, VerificationPlan.STEP) == null) {
            search.stop(StopCause.CALL_BUDGET);
        }
        return state;
    }

    @Override
    public ReviseState adopt(final Search search, final Request first) {
        // The first request becomes this strategy's first attempt (chain 0).
        return new ReviseState();
    }

    @Override
    public void onRequestDone(final Search search, final ReviseState state, final Request request, final List<Step> steps) {
        final List<Step> accepted = steps.stream().filter(Step::accepted).sorted(BY_SCORE).toList();
        final List<Step> rejected = steps.stream().filter(s -> !s.accepted()).sorted(BY_SCORE).toList();
        state.rejections += rejected.size();
        if (!accepted.isEmpty()) {
            // The chain leaves this depth for good: its revisions here are no longer counted.
            state.revisions.clear();
            final Step best = accepted.get(0);
            prune(search, accepted.subList(1, accepted.size()), rejected);
            go(search, state, best);
            return;
        }
        final Step target = rejected.get(0);
        final String key = state.attempt + "@" + target.depth();
        final int done = state.revisions.getOrDefault(key, 0);
        if (done < maxRevisions && search.revise(target, done + 1, maxRevisions, VerificationPlan.STEP) != null) {
            state.revisions.put(key, done + 1);
            prune(search, List.of(), rejected);
            return;
        }
        prune(search, List.of(), rejected);
        state.abandoned++;
        search.decide(SearchAction.PRUNE, List.of(target.id()), target.depth(), "Chain " + state.attempt
                + " abandoned: its step at depth " + target.depth() + " was still rejected after "
                + Search.plural(done, "revision") + ".");
        nextAttempt(search, state);
    }

    private void go(final Search search, final ReviseState state, final Step step) {
        search.keep(step);
        if (step.terminal()) {
            search.finishChain(step);
            state.finished++;
            if (state.finished >= attempts) {
                search.stop(StopCause.ENOUGH_FINISHED, Search.plural(state.finished, "chain") + " finished, as many "
                        + "as asked for.");
            } else {
                nextAttempt(search, state);
            }
            return;
        }
        if (step.depth() + 1 >= maxDepth) {
            search.decide(SearchAction.PRUNE, List.of(step.id()), step.depth(), "Chain " + state.attempt
                    + " reached the maximum depth of " + maxDepth + " without an answer.");
            state.abandoned++;
            nextAttempt(search, state);
            return;
        }
        search.decide(SearchAction.KEEP, List.of(step.id()), step.depth(), "Accepted with score "
                + Search.score(step.score()) + "; chain " + state.attempt + " continues.");
        if (search.propose(step.id(), step.id(), step.depth() + 1, 1, state.attempt, VerificationPlan.STEP) == null) {
            search.stop(StopCause.CALL_BUDGET);
        }
    }

    private void nextAttempt(final Search search, final ReviseState state) {
        if (handOver && state.abandoned > 0) {
            state.handOver = true;
            return;
        }
        if (state.attempt + 1 >= maxAttempts) {
            search.stop(StopCause.ALL_CHAINS_DONE, "Started " + maxAttempts + " chains, the most allowed; "
                    + Search.plural(state.finished, "chain") + " finished.");
            return;
        }
        state.attempt++;
        state.revisions.clear();
        if (search.propose(search.promptId(), null, 0, samples, state.attempt, VerificationPlan.STEP) == null) {
            search.stop(StopCause.CALL_BUDGET);
        } else {
            search.decide(SearchAction.EXPAND, List.of(), 0, "Started chain " + state.attempt + ".");
        }
    }

    /** Prunes what will not go on: candidates beyond the best accepted one, and rejected steps (with their reasons). */
    private static void prune(final Search search, final List<Step> extraAccepted, final List<Step> rejected) {
        for (final Step step : extraAccepted) {
            search.decide(SearchAction.PRUNE, List.of(step.id()), step.depth(), "Accepted (score "
                    + Search.score(step.score()) + "), but a better candidate goes on.");
            search.prune(step);
        }
        for (final Step step : rejected) {
            search.decide(SearchAction.PRUNE, List.of(step.id()), step.depth(), Reasons.rejection(step));
            search.prune(step);
        }
    }

    @Override
    public AnswerVote.Result pick(final Search search, final ReviseState state) {
        return search.vote(Step::chainScore, Step::chainScore);
    }
}
