package dev.stepwise.search.strategy;

import dev.stepwise.schemas.avro.VerificationPlan;
import dev.stepwise.search.AnswerVote;
import dev.stepwise.search.Search;
import dev.stepwise.search.SearchTree.Request;
import dev.stepwise.search.SearchTree.Step;
import dev.stepwise.search.StopCause;
import java.util.List;

/**
 * Self-consistency (Wang et al. 2022, arXiv 2203.11171): {@code n} independent chains with no verifier, and the
 * answer most chains reach wins. One model call per step; it needs no verifier at all, and it fails when the
 * model is consistently wrong.
 */
public final class Majority implements SearchStrategy<Majority.State> {

    public static final String NAME = "majority";

    static final Parameter N = Parameter.integer("n", 8, 1, 512, "Independent chains sampled.");
    static final Parameter MAX_DEPTH = Parameter.integer("max-depth", 40, 1, 512,
            "Longest chain the search may build before it stops with the best so far.")
            .withLegacyField(Parameter.LegacyField.MAX_DEPTH);

    public static final StrategyDescriptor DESCRIPTOR = new StrategyDescriptor(NAME,
            "Self-consistency: n independent chains, no verifier, the most frequent answer wins.",
            List.of(N, MAX_DEPTH), State.class, Majority::new);

    /** Majority's state: its chains. */
    public static final class State extends LanesState {
    }

    private final int n;
    private final int maxDepth;

    Majority(final StrategyParameters parameters) {
        this.n = parameters.intValue(N.name());
        this.maxDepth = parameters.intValue(MAX_DEPTH.name());
    }

    @Override
    public String describe() {
        return "Majority vote over " + n + " unverified chains of up to " + maxDepth + " steps";
    }

    @Override
    public State start(final Search search) {
        final State state = new State();
        if (Lanes.start(search, state, n, VerificationPlan.NONE) == 0) {
            search.stop(StopCause.CALL_BUDGET);
        }
        return state;
    }

    @Override
    public void onRequestDone(final Search search, final State state, final Request request, final List<Step> steps) {
        steps.forEach(step -> Lanes.advance(search, state, step, maxDepth, VerificationPlan.NONE));
        if (state.active.isEmpty()) {
            search.stop(StopCause.ALL_CHAINS_DONE, Search.plural(search.finished().size(), "chain") + " of "
                    + state.started + " finished; the most frequent answer wins.");
        }
    }

    @Override
    public AnswerVote.Result pick(final Search search, final State state) {
        return search.vote(s -> 1.0, s -> 1.0);
    }
}
