package dev.stepwise.search.strategy;

import dev.stepwise.schemas.avro.VerificationPlan;
import dev.stepwise.search.AnswerVote;
import dev.stepwise.search.Search;
import java.util.List;

/**
 * Best-of-N against an outcome verifier (Snell et al. 2024, arXiv 2408.03314): {@code n} independent chains,
 * each finished chain's answer scored by the verifier (kind OUTCOME), and the highest-scoring chain's answer
 * wins. A step costs one call; each finished chain one more.
 */
public final class BestOfN extends IndependentChains<BestOfN.State> {

    public static final String NAME = "best-of-n";

    static final Parameter N = Parameter.integer("n", 8, 1, 512, "Independent chains sampled.")
            .withAliases("beam-width");
    static final Parameter MAX_DEPTH = maxDepthParameter();

    public static final StrategyDescriptor DESCRIPTOR = new StrategyDescriptor(NAME,
            "Best-of-N: n independent chains, each finished chain's answer scored by the verifier (outcome), the "
                    + "highest score wins.",
            List.of(N, MAX_DEPTH), State.class, BestOfN::new);

    /** Best-of-N's state: its chains. */
    public static final class State extends LanesState {
    }

    BestOfN(final StrategyParameters parameters) {
        super(parameters, VerificationPlan.OUTCOME, State::new, "the highest outcome score wins.");
    }

    @Override
    public String describe() {
        return "Best-of-" + n() + " by outcome score, chains of up to " + maxDepth() + " steps";
    }

    @Override
    public AnswerVote.Result pick(final Search search, final State state) {
        return search.best(Lanes::outcomeScore);
    }
}
