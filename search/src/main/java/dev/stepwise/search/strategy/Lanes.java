package dev.stepwise.search.strategy;

import dev.stepwise.schemas.avro.SearchAction;
import dev.stepwise.schemas.avro.VerificationPlan;
import dev.stepwise.search.Request;
import dev.stepwise.search.Search;
import dev.stepwise.search.Step;
import java.util.List;

/**
 * Independent chains, one sample per step each, verified as a plan says: what majority voting and
 * best-of-n sample. A chain's step is kept as it comes (there is nothing to rank it against), the chain
 * is extended until a step is terminal, and it ends when it reaches the maximum depth or the budget
 * cannot pay for its next step. Decisions are written when a chain finishes or ends, not per step: with
 * dozens of chains a decision per step would bury the ones that matter.
 */
final class Lanes {

    /** What became of a chain after its newest step. */
    enum Fate { GOING, FINISHED, ENDED }

    private Lanes() {
    }

    /** Starts chain number {@code state.started}; false when the budget cannot pay for its first step. */
    static boolean startNext(final Search search, final LanesState state, final VerificationPlan plan) {
        final int lane = state.started;
        if (search.propose(search.promptId(), null, 0, 1, lane, plan) == null) {
            return false;
        }
        state.started++;
        state.active.add(lane);
        return true;
    }

    /** Starts {@code count} chains; returns how many the budget paid for. */
    static int start(final Search search, final LanesState state, final int count, final VerificationPlan plan) {
        int started = 0;
        while (started < count && startNext(search, state, plan)) {
            started++;
        }
        return started;
    }

    /** The chain's new step arrived, with what {@code plan} asked for: finish the chain, extend it or end it. */
    static Fate advance(final Search search, final LanesState state, final Step step, final int maxDepth,
                        final VerificationPlan plan) {
        search.keep(step);
        if (step.terminal()) {
            search.finishChain(step);
            state.active.remove(step.lane());
            return Fate.FINISHED;
        }
        if (step.depth() + 1 >= maxDepth) {
            search.decide(SearchAction.PRUNE, List.of(step.id()), step.depth(), "Chain " + step.lane()
                    + " reached the maximum depth of " + maxDepth + " without an answer.");
            search.prune(step);
            state.active.remove(step.lane());
            return Fate.ENDED;
        }
        final Request next = search.propose(step.id(), step.id(), step.depth() + 1, 1, step.lane(), plan);
        if (next == null) {
            search.decide(SearchAction.PRUNE, List.of(step.id()), step.depth(),
                    "No model-call budget left to extend chain " + step.lane() + ".");
            state.active.remove(step.lane());
            return Fate.ENDED;
        }
        return Fate.GOING;
    }

    /** A finished chain's outcome score, 0 when it has none. */
    static double outcomeScore(final Step step) {
        return step.outcome() != null && step.outcome().isDone() ? step.outcome().score() : 0.0;
    }
}
