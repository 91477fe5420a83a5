package dev.stepwise.bench;

import java.util.List;
import java.util.function.ToIntFunction;

/**
 * One cell of the report: a strategy at a budget, on one profile and verifier, over the problems of one difficulty
 * bin (or all of them).
 *
 * @param profile        backend profile
 * @param verifier       verifier name
 * @param strategy       strategy name
 * @param budget         the prompt's max-model-calls
 * @param params         the strategy parameters the budget set, as {@code name=value} text
 * @param bin            difficulty bin, 0 (easiest) to {@link Difficulty#BINS} - 1, or {@link #ALL}
 * @param n              problems
 * @param correct        problems answered right
 * @param ci             95% Wilson interval of the accuracy
 * @param meanCalls      model calls per problem
 * @param meanProposer   proposer calls per problem
 * @param meanVerifier   verifier calls per problem
 * @param meanReviser    reviser calls per problem
 * @param meanTokens     tokens per problem
 * @param unanswered     problems without an answer
 * @param countMismatches problems where the runner's count of calls and the answer's disagree (should be 0)
 * @param stalled        problems answered only at their deadline because nothing was in flight
 * @param meanLateCalls  calls per problem whose replies came after the answer (spent, not in the answer)
 */
public record CellSummary(String profile, String verifier, String strategy, int budget, String params, int bin, int n,
                          int correct, Wilson ci, double meanCalls, double meanProposer, double meanVerifier,
                          double meanReviser, double meanTokens, int unanswered, int countMismatches, int stalled,
                          double meanLateCalls) {

    /** The bin of the cells over all problems. */
    public static final int ALL = -1;

    public double accuracy() {
        return n == 0 ? 0.0 : (double) correct / n;
    }

    /** Model calls per right answer: what an answer costs at this accuracy (infinite when none is right). */
    public double callsPerCorrect() {
        return correct == 0 ? Double.POSITIVE_INFINITY : meanCalls * n / correct;
    }

    /** Summarises {@code outcomes}. */
    static CellSummary of(final String profile, final String verifier, final String strategy, final int budget,
                          final String params, final int bin, final List<Outcome> outcomes) {
        final int n = outcomes.size();
        final int correct = (int) outcomes.stream().filter(Outcome::correct).count();
        return new CellSummary(profile, verifier, strategy, budget, params, bin, n, correct, Wilson.interval95(correct, n),
                mean(outcomes, Outcome::calls), mean(outcomes, Outcome::proposer), mean(outcomes, Outcome::verifier),
                mean(outcomes, Outcome::reviser), outcomes.stream().mapToLong(Outcome::tokens).average().orElse(0),
                (int) outcomes.stream().filter(o -> !o.answered()).count(),
                (int) outcomes.stream().filter(o -> !o.countsAgree()).count(),
                (int) outcomes.stream().filter(Outcome::stalled).count(), mean(outcomes, Outcome::lateCalls));
    }

    private static double mean(final List<Outcome> outcomes, final ToIntFunction<Outcome> value) {
        return outcomes.stream().mapToInt(value).average().orElse(0.0);
    }
}
