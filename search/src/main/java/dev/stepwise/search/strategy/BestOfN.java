package dev.stepwise.search.strategy;

import dev.stepwise.schemas.avro.VerificationPlan;
import dev.stepwise.search.AnswerVote;
import dev.stepwise.search.Search;
import dev.stepwise.search.SearchTree.Request;
import dev.stepwise.search.SearchTree.Step;
import dev.stepwise.search.StopCause;
import java.util.List;

/**
 * Best-of-N against an outcome verifier (Snell et al. 2024, arXiv 2408.03314): {@code n} independent chains,
 * each finished chain's answer scored by the verifier (kind OUTCOME), and the highest-scoring chain's answer
 * wins. A step costs one call; each finished chain one more.
 */
public final class BestOfN implements SearchStrategy<BestOfN.State> {

    public static final String NAME = "best-of-n";

    static final Parameter N = Parameter.integer("n", 8, 1, 512, "Independent chains sampled.")
            .withAliases("beam-width");
    static final Parameter MAX_DEPTH = Parameter.integer("max-depth", 40, 1, 512,
            "Longest chain the search may build before it stops with the best so far.")
            .withLegacyField(Parameter.LegacyField.MAX_DEPTH);

    public static final StrategyDescriptor DESCRIPTOR = new StrategyDescriptor(NAME,
            "Best-of-N: n independent chains, each finished chain's answer scored by the verifier (outcome), the "
                    + "highest score wins.",
            List.of(N, MAX_DEPTH), State.class, BestOfN::new);

    /** Best-of-N's state: its chains. */
    public static final class State extends LanesState {
    }

    private final int n;
    private final int maxDepth;

    BestOfN(final StrategyParameters parameters) {
        this.n = parameters.intValue(N.name());
        this.maxDepth = parameters.intValue(MAX_DEPTH.name());
    }

    @Override
    public String describe() {
        return "Best-of-" + n + " by outcome score, chains of up to " + maxDepth + " steps";
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
                    + state.started + " finished; the highest outcome score wins.");
        }
    }

    @Override
    public AnswerVote.Result pick(final Search search, final State state) {
        return search.best(Lanes::outcomeScore);
    }
}
