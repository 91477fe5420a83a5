package dev.stepwise.search.strategy;

import dev.stepwise.schemas.avro.VerificationPlan;
import dev.stepwise.search.AnswerVote;
import dev.stepwise.search.Search;
import java.util.List;

/**
 * Weighted best-of-N (Snell et al. 2024, arXiv 2408.03314, their best aggregation): {@code n} independent
 * chains, each finished chain's answer scored by the verifier (kind OUTCOME), and the answer with the largest
 * sum of scores wins: majority voting weighted by the verifier.
 */
public final class WeightedBestOfN extends IndependentChains<WeightedBestOfN.State> {

    public static final String NAME = "weighted-best-of-n";

    static final Parameter N = Parameter.integer("n", 8, 1, 512, "Independent chains sampled.");
    static final Parameter MAX_DEPTH = maxDepthParameter();

    public static final StrategyDescriptor DESCRIPTOR = new StrategyDescriptor(NAME,
            "Weighted best-of-N: n independent chains, each finished answer scored by the verifier (outcome), the "
                    + "answer with the largest sum of scores wins.",
            List.of(N, MAX_DEPTH), State.class, WeightedBestOfN::new);

    /** Weighted best-of-N's state: its chains. */
    public static final class State extends LanesState {
    }

    WeightedBestOfN(final StrategyParameters parameters) {
        super(parameters, VerificationPlan.OUTCOME, State::new, "the answer with the most verifier weight wins.");
    }

    @Override
    public String describe() {
        return "Weighted best-of-" + n() + " by outcome score, chains of up to " + maxDepth() + " steps";
    }

    @Override
    public AnswerVote.Result pick(final Search search, final State state) {
        return search.vote(Lanes::outcomeScore, Lanes::outcomeScore);
    }
}
