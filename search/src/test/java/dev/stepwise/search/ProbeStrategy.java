package dev.stepwise.search;

import dev.stepwise.schemas.avro.VerificationKind;
import dev.stepwise.schemas.avro.VerificationPlan;
import dev.stepwise.search.strategy.BeamSearch;
import dev.stepwise.search.strategy.Parameter;
import dev.stepwise.search.strategy.SearchStrategy;
import dev.stepwise.search.strategy.StrategyDescriptor;
import dev.stepwise.search.strategy.StrategyParameters;
import dev.stepwise.search.strategy.StrategyRegistry;
import dev.stepwise.search.strategy.StrategyState;
import java.util.ArrayList;
import java.util.List;

/**
 * A strategy for the engine's tests: it asks for {@code samples} samples of the empty chain under the
 * plan its parameter names, finishes every terminal one, asks for an outcome score of the finished
 * chains when told to, and stops when nothing it asked for is left. It records what the engine told it.
 */
final class ProbeStrategy implements SearchStrategy<ProbeStrategy.State> {

    static final String NAME = "probe";

    static final StrategyDescriptor DESCRIPTOR = new StrategyDescriptor(NAME, "Test probe.", List.of(
            Parameter.integer("samples", 2, 1, 8, "Samples of the empty chain."),
            Parameter.integer("plan", 0, 0, 2, "0 STEP, 1 OUTCOME, 2 NONE."),
            Parameter.flag("verify-outcome", false, "Ask for an outcome score of each finished chain.")),
            State.class, ProbeStrategy::new);

    /** The standard strategies and this one. */
    static final StrategyRegistry REGISTRY = new StrategyRegistry(List.of(BeamSearch.DESCRIPTOR, DESCRIPTOR),
            BeamSearch.NAME);

    /** What the engine told the probe. */
    static final class State implements StrategyState {
        List<String> done = new ArrayList<>();
        List<String> verified = new ArrayList<>();
        int open;
    }

    private final int samples;
    private final VerificationPlan plan;
    private final boolean verifyOutcome;

    ProbeStrategy(final StrategyParameters parameters) {
        this.samples = parameters.intValue("samples");
        this.plan = List.of(VerificationPlan.STEP, VerificationPlan.OUTCOME, VerificationPlan.NONE)
                .get(parameters.intValue("plan"));
        this.verifyOutcome = parameters.flag("verify-outcome");
    }

    @Override
    public State start(final Search search) {
        final State state = new State();
        search.propose(search.promptId(), null, 0, samples, 0, plan);
        state.open = 1;
        return state;
    }

    @Override
    public void onRequestDone(final Search search, final State state, final Request request, final List<Step> steps) {
        state.open--;
        for (final Step step : steps) {
            state.done.add(step.id());
            if (step.terminal()) {
                search.finishChain(step);
                if (verifyOutcome && search.verify(step, VerificationKind.OUTCOME)) {
                    state.open++;
                }
            }
        }
        if (state.open == 0) {
            search.stop(StopCause.ALL_CHAINS_DONE);
        }
    }

    @Override
    public void onVerified(final Search search, final State state, final Step step, final VerificationKind kind) {
        state.verified.add(step.id() + ":" + kind + ":" + step.outcome().score());
        if (--state.open == 0) {
            search.stop(StopCause.ALL_CHAINS_DONE);
        }
    }

    @Override
    public AnswerVote.Result pick(final Search search, final State state) {
        return search.vote(s -> s.outcome() != null && s.outcome().isDone() ? s.outcome().score() : s.chainScore(),
                s -> 0.0);
    }

    @Override
    public String describe() {
        return "Probe of " + samples + " samples verified " + plan;
    }
}
