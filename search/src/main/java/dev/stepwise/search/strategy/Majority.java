package dev.stepwise.search.strategy;

import dev.stepwise.schemas.avro.VerificationPlan;
import dev.stepwise.search.AnswerVote;
import dev.stepwise.search.Search;
import java.util.List;

/**
 * Self-consistency (Wang et al. 2022, arXiv 2203.11171): {@code n} independent chains with no verifier, and the
 * answer most chains reach wins. One model call per step; it needs no verifier at all, and it fails when the
 * model is consistently wrong.
 */
public final class Majority extends IndependentChains<Majority.State> {

    public static final String NAME = "majority";

    static final Parameter N = Parameter.integer("n", 8, 1, 512, "Independent chains sampled.");
    static final Parameter MAX_DEPTH = maxDepthParameter();

    public static final StrategyDescriptor DESCRIPTOR = new StrategyDescriptor(NAME,
            "Self-consistency: n independent chains, no verifier, the most frequent answer wins.",
            List.of(N, MAX_DEPTH), State.class, Majority::new);

    /** Majority's state: its chains. */
    public static final class State extends LanesState {
    }

    Majority(final StrategyParameters parameters) {
        super(parameters, VerificationPlan.NONE, State::new, "the most frequent answer wins.");
    }

    @Override
    public String describe() {
        return "Majority vote over " + n() + " unverified chains of up to " + maxDepth() + " steps";
    }

    @Override
    public AnswerVote.Result pick(final Search search, final State state) {
        return search.vote(s -> 1.0, s -> 1.0);
    }
}
