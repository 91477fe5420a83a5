package dev.stepwise.bench;

import dev.stepwise.bench.Curves.Match;
import dev.stepwise.bench.Curves.Point;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The headline lines of one profile, verifier and bin, and the numbers behind them. Each function takes the curves of
 * the strategies that ran (by name) and copes with a strategy that did not ("auto not in this run"), so the report
 * works before every strategy exists.
 */
public final class Headlines {

    /** What the oracle is, in the headlines. */
    static final String ORACLE = "exact verifier: propose one step, verify it, redo it until accepted";

    private Headlines() {
    }

    /**
     * One headline.
     *
     * @param text  the line
     * @param ratio the "x fewer" factor it states, NaN when it states none
     */
    public record Headline(String text, double ratio) {

        static Headline note(final String text) {
            return new Headline(text, Double.NaN);
        }

        public boolean hasRatio() {
            return !Double.isNaN(ratio);
        }
    }

    /**
     * {@code <candidate> needs X calls to match <reference label> (Y x fewer)}: X is where the candidate's curve
     * reaches the accuracy of the reference at that budget, with the range where its 95% interval reaches it, and Y
     * is the reference's mean calls over X.
     *
     * @param curves     by strategy
     * @param reference  the reference's cell at {@code budget}, if it ran
     */
    public static Headline toMatchReference(final String candidate, final String referenceName, final String label,
                                            final Map<String, List<Point>> curves, final Optional<CellSummary> reference) {
        if (!curves.containsKey(candidate)) {
            return Headline.note(candidate + " not in this run");
        }
        if (!curves.containsKey(referenceName)) {
            return Headline.note(referenceName + " not in this run");
        }
        if (reference.isEmpty()) {
            return Headline.note(label + " did not run");
        }
        final CellSummary ref = reference.get();
        final double target = ref.accuracy();
        final List<Point> curve = curves.get(candidate);
        final Optional<Match> match = Curves.callsToMatch(curve, target);
        final String refText = label + " (accuracy " + acc(target) + " with " + calls(ref.meanCalls()) + " calls)";
        if (match.isEmpty()) {
            final Point best = curve.stream().max(Comparator.comparingDouble(Point::accuracy)).orElseThrow();
            return new Headline(candidate + " does not reach the accuracy of " + refText + ": its best is "
                    + acc(best.accuracy()) + " with " + calls(best.calls()) + " calls", 0.0);
        }
        final double ratio = ref.meanCalls() / match.get().calls();
        final Optional<Match> fewest = Curves.callsToMatch(curve, target, Point::high);
        final Optional<Match> most = Curves.callsToMatch(curve, target, Point::low);
        final String range = " [95%: " + fewest.map(Headlines::calls).orElse("?") + " to "
                + most.map(Headlines::calls).orElse("> " + calls(curve.get(curve.size() - 1).calls())) + "]";
        final String bound = match.get().atMost() ? "at most " : "";
        return new Headline(candidate + " needs " + bound + calls(match.get()) + " calls" + range + " to match " + refText
                + " (" + (match.get().atMost() ? "at least " : "") + ratio(ratio) + " fewer)", ratio);
    }

    /**
     * {@code <candidate> vs <baseline>: Z x fewer calls at equal accuracy}: at the highest accuracy both curves
     * reach, the baseline's calls over the candidate's.
     */
    public static Headline versusAtEqualAccuracy(final String candidate, final String baseline,
                                                 final Map<String, List<Point>> curves) {
        if (!curves.containsKey(candidate)) {
            return Headline.note(candidate + " not in this run");
        }
        if (!curves.containsKey(baseline)) {
            return Headline.note(baseline + " not in this run");
        }
        final double level = Math.min(Curves.bestAccuracy(curves.get(candidate)), Curves.bestAccuracy(curves.get(baseline)));
        final Optional<Match> ours = Curves.callsToMatch(curves.get(candidate), level);
        final Optional<Match> theirs = Curves.callsToMatch(curves.get(baseline), level);
        if (level <= 0.0 || ours.isEmpty() || theirs.isEmpty()) {
            return Headline.note(candidate + " vs " + baseline + ": no accuracy above 0 that both reach");
        }
        final double ratio = theirs.get().calls() / ours.get().calls();
        return new Headline(candidate + " vs " + baseline + ": " + ratio(ratio) + " fewer calls at equal accuracy ("
                + acc(level) + ": " + calls(ours.get()) + " vs " + calls(theirs.get()) + " calls)", ratio);
    }

    /**
     * Calls per correct answer of {@code candidate} at its most efficient budget, against the oracle's floor (its
     * calls per correct answer on the same problems). The ratio is how many times the floor the candidate pays.
     *
     * @param cells       the candidate's cells, one per budget
     * @param oracleFloor the oracle's calls per correct answer
     */
    public static Headline callsPerCorrect(final String candidate, final List<CellSummary> cells, final double oracleFloor) {
        if (cells.isEmpty()) {
            return Headline.note(candidate + " not in this run");
        }
        final CellSummary best = cells.stream().min(Comparator.comparingDouble(CellSummary::callsPerCorrect)).orElseThrow();
        if (Double.isInfinite(best.callsPerCorrect())) {
            return new Headline(candidate + " answers none right at any budget", Double.POSITIVE_INFINITY);
        }
        final double ratio = best.callsPerCorrect() / oracleFloor;
        return new Headline(candidate + ": " + calls(best.callsPerCorrect()) + " calls per correct answer (budget "
                + best.budget() + ", accuracy " + acc(best.accuracy()) + "), " + ratio(ratio) + " the oracle's "
                + calls(oracleFloor) + " (" + ORACLE + ")", ratio);
    }

    static String acc(final double accuracy) {
        return String.format(Locale.ROOT, "%.2f", accuracy);
    }

    static String calls(final double calls) {
        return calls >= 100 ? String.format(Locale.ROOT, "%.0f", calls) : String.format(Locale.ROOT, "%.1f", calls);
    }

    private static String calls(final Match match) {
        return calls(match.calls());
    }

    static String ratio(final double ratio) {
        return String.format(Locale.ROOT, "%.1fx", ratio);
    }
}
