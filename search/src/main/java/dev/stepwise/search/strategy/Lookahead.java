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
 * Lookahead search (Snell et al. 2024, arXiv 2408.03314, §5): a beam whose candidate steps are judged by
 * where they lead. Each accepted candidate is rolled out {@code k} more steps (one sample each, verified), and
 * ranked by the weakest score along candidate and rollout; the best {@code beam-width} go on and the rollouts
 * are dropped. It pays {@code k} extra steps per candidate for a less myopic ranking; Snell found it the
 * weakest use of compute of the three PRM searches, which the benchmark lets one check here.
 */
public final class Lookahead implements SearchStrategy<LookaheadState> {

    public static final String NAME = "lookahead";

    static final Parameter BEAM_WIDTH = Parameter.integer("beam-width", 2, 1, 16, "Partial chains kept per depth.")
            .withLegacyField(Parameter.LegacyField.BEAM_WIDTH);
    static final Parameter BRANCHING = Parameter.integer("branching", 3, 1, 16,
            "Candidate next steps sampled per kept chain at each depth.")
            .withLegacyField(Parameter.LegacyField.BRANCHING);
    static final Parameter K = Parameter.integer("k", 2, 1, 8, "Rollout steps that judge each candidate.");
    static final Parameter MAX_DEPTH = Parameter.integer("max-depth", 40, 1, 512,
            "Longest chain the search may build before it stops with the best so far.")
            .withLegacyField(Parameter.LegacyField.MAX_DEPTH);

    public static final StrategyDescriptor DESCRIPTOR = new StrategyDescriptor(NAME,
            "Lookahead search: a beam whose candidates are ranked by the verifier's scores along a k-step rollout.",
            List.of(BEAM_WIDTH, BRANCHING, K, MAX_DEPTH), LookaheadState.class, Lookahead::new);

    private final int width;
    private final int branching;
    private final int k;
    private final int maxDepth;

    Lookahead(final StrategyParameters parameters) {
        this.width = parameters.intValue(BEAM_WIDTH.name());
        this.branching = parameters.intValue(BRANCHING.name());
        this.k = parameters.intValue(K.name());
        this.maxDepth = parameters.intValue(MAX_DEPTH.name());
    }

    @Override
    public String describe() {
        return "Lookahead search with width " + width + ", branching " + branching + " and " + k + "-step rollouts, up to "
                + maxDepth + " steps";
    }

    @Override
    public LookaheadState start(final Search search) {
        final LookaheadState state = new LookaheadState();
        final Request first = search.propose(search.promptId(), null, 0, branching * width, 0, VerificationPlan.STEP);
        if (first == null) {
            search.stop(StopCause.CALL_BUDGET);
        } else {
            state.pending.add(first.id());
        }
        return state;
    }

    @Override
    public void onRequestDone(final Search search, final LookaheadState state, final Request request, final List<Step> steps) {
        state.pending.remove(request.id());
        if (state.rollingOut) {
            steps.forEach(step -> rolledOut(search, state, step));
        }
        if (!state.pending.isEmpty()) {
            return;
        }
        if (state.rollingOut) {
            decide(search, state);
        } else {
            rollOut(search, state);
        }
    }

    /** The level's candidates are verified: roll each accepted, unfinished one out. */
    private void rollOut(final Search search, final LookaheadState state) {
        final List<Step> level = search.openSteps(state.level);
        for (final Step step : level) {
            if (!step.accepted()) {
                search.decide(SearchAction.PRUNE, List.of(step.id()), step.depth(), Reasons.rejection(step));
                search.prune(step);
                continue;
            }
            state.candidates.add(step.id());
            state.value.put(step.id(), step.chainScore());
            state.rolled.put(step.id(), 0);
            if (!step.terminal()) {
                extend(search, state, step.id(), step);
            }
        }
        state.rollingOut = true;
        if (state.pending.isEmpty()) {
            decide(search, state);
        }
    }

    private void extend(final Search search, final LookaheadState state, final String candidate, final Step tip) {
        final Request next = search.propose(tip.id(), tip.id(), tip.depth() + 1, 1, state.candidates.indexOf(candidate),
                VerificationPlan.STEP);
        if (next != null) {
            state.pending.add(next.id());
        }
    }

    private void rolledOut(final Search search, final LookaheadState state, final Step step) {
        final String candidate = state.candidates.get(step.lane());
        state.value.merge(candidate, step.accepted() ? step.score() : 0.0, Math::min);
        final int rolled = state.rolled.merge(candidate, 1, Integer::sum);
        if (step.accepted() && !step.terminal() && rolled < k) {
            extend(search, state, candidate, step);
        }
    }

    /** Every rollout is in: keep the best candidates by value, drop the rest and every rollout step. */
    private void decide(final Search search, final LookaheadState state) {
        final List<Step> ranked = state.candidates.stream().map(search::step)
                .sorted(Comparator.comparingDouble((Step s) -> state.value.get(s.id())).reversed().thenComparing(Step::id))
                .toList();
        final int slots = Math.max(0, width - search.finished().size());
        final List<Step> kept = ranked.subList(0, Math.min(slots, ranked.size()));
        for (final Step step : ranked.subList(kept.size(), ranked.size())) {
            search.decide(SearchAction.PRUNE, List.of(step.id()), step.depth(), "Below the beam of " + slots
                    + " by its rollout's weakest score (" + Search.score(state.value.get(step.id())) + ").");
            search.prune(step);
        }
        for (final Step step : search.openSteps(state.level + 1)) {
            search.prune(step);
        }
        for (int depth = state.level + 2; depth <= state.level + k; depth++) {
            search.openSteps(depth).forEach(search::prune);
        }
        if (!kept.isEmpty()) {
            search.decide(SearchAction.KEEP, kept.stream().map(Step::id).toList(), state.level, "Kept the best "
                    + kept.size() + " of " + ranked.size() + " candidates by the weakest score along their " + k
                    + "-step rollouts.");
        }
        state.candidates.clear();
        state.value.clear();
        state.rolled.clear();
        state.rollingOut = false;
        for (final Step step : kept) {
            search.keep(step);
            if (step.terminal()) {
                search.finishChain(step);
            }
        }
        final List<Step> active = kept.stream().filter(s -> !s.terminal()).toList();
        if (search.finished().size() >= width) {
            search.stop(StopCause.ENOUGH_FINISHED, Search.plural(search.finished().size(), "chain") + " finished.");
        } else if (active.isEmpty()) {
            search.stop(StopCause.NOTHING_TO_EXPAND, "No accepted chain is left to extend at depth " + state.level + ".");
        } else if (state.level + 1 >= maxDepth) {
            search.stop(StopCause.MAX_DEPTH, "Reached the maximum depth of " + maxDepth + " steps.");
        } else {
            state.level++;
            for (final Step chain : active) {
                final Request request = search.propose(chain.id(), chain.id(), state.level, branching, 0, VerificationPlan.STEP);
                if (request != null) {
                    state.pending.add(request.id());
                }
            }
            if (state.pending.isEmpty()) {
                search.stop(StopCause.CALL_BUDGET);
            }
        }
    }

    @Override
    public AnswerVote.Result pick(final Search search, final LookaheadState state) {
        return search.vote(Step::chainScore, Step::chainScore);
    }
}
