package dev.stepwise.bench;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/**
 * Accuracy-versus-calls curves of one strategy (its budgets, on one profile, verifier and bin), and the calls such a
 * curve needs to reach an accuracy. Between two measured budgets accuracy is interpolated linearly in log(calls), the
 * scale the plots use and on which these curves are close to straight; nothing is extrapolated past either end.
 */
public final class Curves {

    private Curves() {
    }

    /**
     * One budget of a strategy.
     *
     * @param budget   the prompt's max-model-calls
     * @param calls    mean model calls it used
     * @param accuracy share answered right
     * @param low      lower bound of the accuracy's 95% interval
     * @param high     upper bound of the accuracy's 95% interval
     */
    public record Point(int budget, double calls, double accuracy, double low, double high) {

        static Point of(final CellSummary cell) {
            return new Point(cell.budget(), cell.meanCalls(), cell.accuracy(), cell.ci().low(), cell.ci().high());
        }
    }

    /**
     * Calls at which a curve reaches an accuracy.
     *
     * @param calls  the calls
     * @param atMost true when the cheapest point measured already reaches it, so fewer calls might do
     */
    public record Match(double calls, boolean atMost) {
    }

    /** The curve of {@code cells} (one strategy's budgets), in order of mean calls. */
    public static List<Point> of(final List<CellSummary> cells) {
        return cells.stream().map(Point::of).sorted(Comparator.comparingDouble(Point::calls)).toList();
    }

    /**
     * The fewest calls at which {@code curve} (in order of calls) first reaches {@code target}, reading accuracy with
     * {@code accuracy} (the point estimate, or a bound of its interval); empty when it never does.
     */
    public static Optional<Match> callsToMatch(final List<Point> curve, final double target,
                                               final ToDoubleFunction<Point> accuracy) {
        for (int i = 0; i < curve.size(); i++) {
            final Point point = curve.get(i);
            final double reached = accuracy.applyAsDouble(point);
            if (reached < target) {
                continue;
            }
            if (i == 0) {
                return Optional.of(new Match(point.calls(), true));
            }
            final Point before = curve.get(i - 1);
            final double from = accuracy.applyAsDouble(before);
            final double t = reached == from ? 1.0 : (target - from) / (reached - from);
            final double logCalls = log(before.calls()) + t * (log(point.calls()) - log(before.calls()));
            return Optional.of(new Match(Math.exp(logCalls), false));
        }
        return Optional.empty();
    }

    /** A point that used no calls (a budget too small to start) sits at 1 call on the log scale. */
    private static double log(final double calls) {
        return Math.log(Math.max(1.0, calls));
    }

    /** The calls at which {@code curve} reaches {@code target} by its point estimates. */
    public static Optional<Match> callsToMatch(final List<Point> curve, final double target) {
        return callsToMatch(curve, target, Point::accuracy);
    }

    /** The highest accuracy on the curve, 0 for an empty one. */
    public static double bestAccuracy(final List<Point> curve) {
        return curve.stream().mapToDouble(Point::accuracy).max().orElse(0.0);
    }
}
