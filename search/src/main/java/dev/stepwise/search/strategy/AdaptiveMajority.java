package dev.stepwise.search.strategy;

import dev.stepwise.schemas.avro.VerificationPlan;
import dev.stepwise.search.AnswerVote;
import dev.stepwise.search.Request;
import dev.stepwise.search.Search;
import dev.stepwise.search.Step;
import dev.stepwise.search.StopCause;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Adaptive-Consistency (Aggarwal et al. 2023, arXiv 2305.11860): sample unverified chains a few at a time and
 * stop as soon as the vote is settled. With the two most frequent answers counted {@code v1 >= v2}, the vote is
 * settled when a Beta(v1 + 1, v2 + 1) posterior gives the leader a probability of at least {@code confidence}
 * of being the more likely answer; that probability is {@code P(Binomial(v1 + v2 + 1, 1/2) <= v1)}, computed
 * exactly. At most {@code max-n} chains; {@code parallel} are in flight at a time (more is faster, and wastes
 * the chains still running when the vote settles). The baseline the compute-optimal strategy must beat.
 */
public final class AdaptiveMajority implements SearchStrategy<AdaptiveMajority.State> {

    public static final String NAME = "adaptive-majority";

    static final Parameter MAX_N = Parameter.integer("max-n", 64, 1, 512, "Most chains sampled.");
    static final Parameter PARALLEL = Parameter.integer("parallel", 2, 1, 64, "Chains in flight at a time.");
    static final Parameter CONFIDENCE = Parameter.real("confidence", 0.95, 0.5, 0.9999,
            "Stop when the leading answer leads with at least this posterior probability.");
    static final Parameter MAX_DEPTH = Parameter.integer("max-depth", 40, 1, 512,
            "Longest chain the search may build before it stops with the best so far.")
            .withLegacyField(Parameter.LegacyField.MAX_DEPTH);

    public static final StrategyDescriptor DESCRIPTOR = new StrategyDescriptor(NAME,
            "Adaptive-Consistency: unverified chains a few at a time until the majority is settled (a Beta "
                    + "posterior on the two leading answers), at most max-n.",
            List.of(MAX_N, PARALLEL, CONFIDENCE, MAX_DEPTH), State.class, AdaptiveMajority::new);

    /** Adaptive majority's state: its chains. */
    public static final class State extends LanesState {
    }

    private final int maxN;
    private final int parallel;
    private final double confidence;
    private final int maxDepth;

    AdaptiveMajority(final StrategyParameters parameters) {
        this.maxN = parameters.intValue(MAX_N.name());
        this.parallel = parameters.intValue(PARALLEL.name());
        this.confidence = parameters.doubleValue(CONFIDENCE.name());
        this.maxDepth = parameters.intValue(MAX_DEPTH.name());
    }

    @Override
    public String describe() {
        return "Adaptive majority vote: up to " + maxN + " unverified chains, " + parallel + " at a time, until the "
                + "leader's posterior reaches " + Search.score(confidence);
    }

    @Override
    public State start(final Search search) {
        final State state = new State();
        if (Lanes.start(search, state, Math.min(parallel, maxN), VerificationPlan.NONE) == 0) {
            search.stop(StopCause.CALL_BUDGET);
        }
        return state;
    }

    @Override
    public void onRequestDone(final Search search, final State state, final Request request, final List<Step> steps) {
        for (final Step step : steps) {
            if (Lanes.advance(search, state, step, maxDepth, VerificationPlan.NONE) == Lanes.Fate.GOING) {
                continue;
            }
            final double settled = settled(search);
            if (settled >= confidence) {
                search.stop(StopCause.ENOUGH_FINISHED, "The vote is settled after " + search.finished().size()
                        + " finished chains: the leader leads with posterior probability " + Search.score(settled) + ".");
                return;
            }
            if (state.started < maxN) {
                Lanes.startNext(search, state, VerificationPlan.NONE);
            }
        }
        if (state.active.isEmpty()) {
            search.stop(StopCause.ALL_CHAINS_DONE, "Stopped after " + state.started + " chains (at most " + maxN
                    + ") without a settled vote; the most frequent answer wins.");
        }
    }

    /** The posterior probability that the most frequent answer so far is the more likely of the top two. */
    static double settled(final Search search) {
        final List<Long> counts = search.finished().stream()
                .collect(Collectors.groupingBy(s -> AnswerVote.normalise(s.answer()), Collectors.counting()))
                .values().stream().sorted(Comparator.reverseOrder()).toList();
        if (counts.isEmpty()) {
            return 0.0;
        }
        final int v1 = counts.get(0).intValue();
        final int v2 = counts.size() > 1 ? counts.get(1).intValue() : 0;
        return leaderProbability(v1, v2);
    }

    /** P(X > 1/2) for X ~ Beta(v1 + 1, v2 + 1), which equals P(Binomial(v1 + v2 + 1, 1/2) <= v1). */
    static double leaderProbability(final int v1, final int v2) {
        final int trials = v1 + v2 + 1;
        double term = Math.pow(0.5, trials);
        double sum = 0.0;
        for (int k = 0; k <= v1; k++) {
            sum += term;
            term = term * (trials - k) / (k + 1);
        }
        return Math.min(1.0, sum);
    }

    @Override
    public AnswerVote.Result pick(final Search search, final State state) {
        return search.vote(s -> 1.0, s -> 1.0);
    }
}
