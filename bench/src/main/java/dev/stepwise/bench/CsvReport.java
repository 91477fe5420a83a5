package dev.stepwise.bench;

import dev.stepwise.bench.Results.BinSummary;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** The run as CSV: one row per cell ({@value #RESULTS}) and one per profile and bin ({@value #DIFFICULTY}). */
public final class CsvReport {

    public static final String RESULTS = "results.csv";
    public static final String DIFFICULTY = "difficulty.csv";

    static final List<String> RESULT_COLUMNS = List.of("profile", "verifier", "strategy", "budget", "params", "bin", "n",
            "correct", "accuracy", "ci_low", "ci_high", "mean_calls", "mean_proposer_calls", "mean_verifier_calls",
            "mean_reviser_calls", "mean_tokens", "calls_per_correct", "unanswered", "count_mismatches", "stalled",
            "mean_late_calls");

    static final List<String> DIFFICULTY_COLUMNS = List.of("profile", "bin", "n", "pass1_low", "pass1_high", "pass1_mean",
            "mean_steps", "mean_hidden_difficulty", "oracle_mean_calls", "oracle_correct", "oracle_calls_per_correct");

    private CsvReport() {
    }

    /** {@value #RESULTS}: a header and one row per cell. */
    public static String results(final List<CellSummary> cells) {
        final StringBuilder csv = new StringBuilder(row(RESULT_COLUMNS.stream()));
        for (final CellSummary c : cells) {
            csv.append(row(Stream.of(c.profile(), c.verifier(), c.strategy(), Integer.toString(c.budget()), c.params(),
                    bin(c.bin()), Integer.toString(c.n()), Integer.toString(c.correct()), num(c.accuracy()),
                    num(c.ci().low()), num(c.ci().high()), num(c.meanCalls()), num(c.meanProposer()),
                    num(c.meanVerifier()), num(c.meanReviser()), num(c.meanTokens()), num(c.callsPerCorrect()),
                    Integer.toString(c.unanswered()), Integer.toString(c.countMismatches()), Integer.toString(c.stalled()),
                    num(c.meanLateCalls()))));
        }
        return csv.toString();
    }

    /** {@value #DIFFICULTY}: a header and one row per profile and bin. */
    public static String difficulty(final List<BinSummary> bins) {
        final StringBuilder csv = new StringBuilder(row(DIFFICULTY_COLUMNS.stream()));
        for (final BinSummary b : bins) {
            csv.append(row(Stream.of(b.profile(), bin(b.bin()), Integer.toString(b.n()), num(b.passLow()),
                    num(b.passHigh()), num(b.meanPass()), num(b.meanSteps()), num(b.meanLatent()), num(b.oracleCalls()),
                    Integer.toString(b.oracleCorrect()), num(b.oracleFloor()))));
        }
        return csv.toString();
    }

    /** Bins as the CSV names them: 1 (easiest) to 5, or {@code all}. */
    static String bin(final int bin) {
        return bin == CellSummary.ALL ? "all" : Integer.toString(bin + 1);
    }

    static String num(final double value) {
        if (Double.isInfinite(value)) {
            return "inf";
        }
        return String.format(Locale.ROOT, "%.4f", value);
    }

    private static String row(final Stream<String> fields) {
        return fields.map(CsvReport::field).collect(Collectors.joining(",")) + "\n";
    }

    /** RFC 4180: a field with a comma, quote or line break is quoted, its quotes doubled. */
    static String field(final String value) {
        if (value.contains(",") || value.contains("\"") || value.contains("\n") || value.contains("\r")) {
            return '"' + value.replace("\"", "\"\"") + '"';
        }
        return value;
    }
}
