package dev.stepwise.search.strategy;

import dev.stepwise.schemas.avro.VerificationPlan;
import dev.stepwise.search.AnswerVote;
import dev.stepwise.search.Search;
import dev.stepwise.search.SearchTree.Request;
import dev.stepwise.search.SearchTree.Step;
import dev.stepwise.search.StopCause;
import java.util.List;

/**
 * Weighted best-of-N (Snell et al. 2024, arXiv 2408.03314, their best aggregation): {@code n} independent
 * chains, each finished chain's answer scored by the verifier (kind OUTCOME), and the answer with the largest
 * sum of scores wins: majority voting weighted by the verifier.
 */
public final class WeightedBestOfN implements SearchStrategy<WeightedBestOfN.State> {

    public static final String NAME = "weighted-best-of-n";

    static final Parameter N = Parameter.integer("n", 8, 1, 512, "Independent chains sampled.");
    static final Parameter MAX_DEPTH = Parameter.integer("max-depth", 40, 1, 512,
            "Longest chain the search may build before it stops with the best so far.")
            .withLegacyField(Parameter.LegacyField.MAX_DEPTH);

    public static final StrategyDescriptor DESCRIPTOR = new StrategyDescriptor(NAME,
            "Weighted best-of-N: n independent chains, each finished answer scored by the verifier (outcome), the "
                    + "answer with the largest sum of scores wins.",
            List.of(N, MAX_DEPTH), State.class, WeightedBestOfN::new);

    /** Weighted best-of-N's state: its chains. */
    public static final class State extends LanesState {
    }

    private final int n;
    private final int maxDepth;

    WeightedBestOfN(final StrategyParameters parameters) {
        this.n = parameters.intValue(N.name());
        this.maxDepth = parameters.intValue(MAX_DEPTH.name());
    }

    @Override
    public String describe() {
        return "Weighted best-of-" + n + " by outcome score, chains of up to " + maxDepth + " steps";
    }

    @Override
    public State start(final Search search) {
        final State state = new State();
        if (Lanes.start(search, state, n, VerificationPlan.OUTCOME) == 0) {
            search.stop(StopCause.CALL_BUDGET);
        }
        return state;
    }

    @Override
    public void onRequestDone(final Search search, final State state, final Request request, final List<Step> steps) {
        steps.forEach(step -> Lanes.advance(search, state, step, maxDepth, VerificationPlan.OUTCOME));
        if (state.active.isEmpty()) {
            search.stop(StopCause.ALL_CHAINS_DONE, Search.plural(search.finished().size(), "chain") + " of "
                    + state.started + " finished; the answer with the most verifier weight wins.");
        }
    }

    @Override
    public AnswerVote.Result pick(final Search search, final State state) {
        return search.vote(Lanes::outcomeScore, Lanes::outcomeScore);
    }
}
