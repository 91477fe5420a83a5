package dev.stepwise.search.strategy;

import dev.stepwise.schemas.avro.VerificationPlan;
import dev.stepwise.search.Request;
import dev.stepwise.search.Search;
import dev.stepwise.search.Step;
import dev.stepwise.search.StopCause;
import java.util.List;
import java.util.function.Supplier;

/**
 * What majority voting and the two best-of-N strategies share: {@code n} independent chains sampled side by side,
 * each extended until it ends or reaches {@code max-depth}, verified as {@code plan} says, and the search stopped
 * once no chain is left running. They differ only in how the finished chains' answers are weighed ({@link #pick}).
 *
 * @param <S> the strategy's own state type, so that stored trees name the strategy they belong to
 */
abstract class IndependentChains<S extends LanesState> implements SearchStrategy<S> {

    /** The {@code max-depth} parameter every one of them takes. */
    static Parameter maxDepthParameter() {
        return Parameter.integer("max-depth", 40, 1, 512,
                "Longest chain the search may build before it stops with the best so far.")
                .withLegacyField(Parameter.LegacyField.MAX_DEPTH);
    }

    private final int n;
    private final int maxDepth;
    private final VerificationPlan plan;
    private final Supplier<S> newState;
    private final String winnerRule;

    /**
     * @param winnerRule how the answer is picked, for the stop decision, e.g. "the most frequent answer wins."
     */
    IndependentChains(final StrategyParameters parameters, final VerificationPlan plan, final Supplier<S> newState,
                      final String winnerRule) {
        this.n = parameters.intValue("n");
        this.maxDepth = parameters.intValue("max-depth");
        this.plan = plan;
        this.newState = newState;
        this.winnerRule = winnerRule;
    }

    final int n() {
        return n;
    }

    final int maxDepth() {
        return maxDepth;
    }

    @Override
    public final S start(final Search search) {
        final S state = newState.get();
        if (Lanes.start(search, state, n, plan) == 0) {
            search.stop(StopCause.CALL_BUDGET);
        }
        return state;
    }

    @Override
    public final void onRequestDone(final Search search, final S state, final Request request, final List<Step> steps) {
        steps.forEach(step -> Lanes.advance(search, state, step, maxDepth, plan));
        if (state.active.isEmpty()) {
            search.stop(StopCause.ALL_CHAINS_DONE, Search.plural(search.finished().size(), "chain") + " of "
                    + state.started + " finished; " + winnerRule);
        }
    }
}
