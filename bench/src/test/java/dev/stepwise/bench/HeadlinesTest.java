package dev.stepwise.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.stepwise.bench.Curves.Point;
import dev.stepwise.bench.Headlines.Headline;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class HeadlinesTest {

    /** weighted-best-of-n at budget 64: 8 of 10 right with 64 calls on average. */
    private static final CellSummary REFERENCE = cell("weighted-best-of-n", 64, 8, 10, 64.0);

    private static CellSummary cell(final String strategy, final int budget, final int correct, final int n,
                                    final double calls) {
        return new CellSummary("uniform", "noisy", strategy, budget, "", CellSummary.ALL, n, correct,
                Wilson.interval95(correct, n), calls, calls / 2, calls / 2, 0, calls * 10, 0, 0, 0, 0);
    }

    private static final Map<String, List<Point>> CURVES = Map.of(
            "auto", List.of(CurvesTest.point(10, 0.6), CurvesTest.point(40, 1.0)),
            "weighted-best-of-n", List.of(CurvesTest.point(32, 0.6), CurvesTest.point(64, 0.8)),
            "adaptive-majority", List.of(CurvesTest.point(20, 0.5), CurvesTest.point(200, 0.9)));

    @Test
    void theCandidateMatchesTheReferenceWhereItsCurveReachesTheReferencesAccuracy() {
        final Headline line = Headlines.toMatchReference("auto", "weighted-best-of-n", "weighted-best-of-n@64", CURVES, Optional.of(REFERENCE));
        // 0.8 is halfway from 0.6 to 1.0: sqrt(10 x 40) = 20 calls, against 64.
        assertThat(line.ratio()).isCloseTo(64.0 / 20.0, within(1e-9));
        assertThat(line.text()).startsWith("auto needs 20.0 calls [95%: ").contains("to match weighted-best-of-n@64 "
                + "(accuracy 0.80 with 64.0 calls) (3.2x fewer)");
    }

    @Test
    void aCandidateThatNeverReachesTheReferenceSaysHowFarItGot() {
        final Map<String, List<Point>> weak = Map.of("auto", List.of(CurvesTest.point(10, 0.3), CurvesTest.point(40, 0.5)),
                "weighted-best-of-n", List.of(CurvesTest.point(64, 0.8)));
        final Headline line = Headlines.toMatchReference("auto", "weighted-best-of-n", "weighted-best-of-n@64", weak, Optional.of(REFERENCE));
        assertThat(line.text()).isEqualTo("auto does not reach the accuracy of weighted-best-of-n@64 (accuracy 0.80 with "
                + "64.0 calls): its best is 0.50 with 40.0 calls");
        assertThat(line.ratio()).isZero();
    }

    @Test
    void missingStrategiesAndBudgetsAreSaidPlainly() {
        final Map<String, List<Point>> withoutAuto = Map.of("weighted-best-of-n", List.of(CurvesTest.point(64, 0.8)));
        assertThat(Headlines.toMatchReference("auto", "weighted-best-of-n", "weighted-best-of-n@64", withoutAuto, Optional.of(REFERENCE)).text())
                .isEqualTo("auto not in this run");
        assertThat(Headlines.toMatchReference("auto", "weighted-best-of-n", "weighted-best-of-n@64", CURVES, Optional.empty()).text())
                .isEqualTo("weighted-best-of-n@64 did not run");
        assertThat(Headlines.toMatchReference("auto", "lookahead", "lookahead@64", CURVES, Optional.empty()).text())
                .isEqualTo("lookahead not in this run");
        assertThat(Headlines.versusAtEqualAccuracy("auto", "self-refine", CURVES).text())
                .isEqualTo("self-refine not in this run");
        assertThat(Headlines.callsPerCorrect("auto", List.of(), 22.0).text()).isEqualTo("auto not in this run");
        assertThat(Headlines.versusAtEqualAccuracy("auto", "self-refine", CURVES).hasRatio()).isFalse();
    }

    @Test
    void versusTheAdaptiveBaselineComparesAtTheHighestAccuracyBothReach() {
        final Headline line = Headlines.versusAtEqualAccuracy("auto", "adaptive-majority", CURVES);
        // Both reach 0.9: auto at 10 x 4^0.75 calls, adaptive-majority at 200.
        assertThat(line.ratio()).isCloseTo(200.0 / (10 * Math.pow(4, 0.75)), within(1e-9));
        assertThat(line.text()).isEqualTo("auto vs adaptive-majority: 7.1x fewer calls at equal accuracy (0.90: 28.3 vs "
                + "200 calls)");
    }

    @Test
    void callsPerCorrectAnswerTakeTheMostEfficientBudgetAgainstTheOracle() {
        final List<CellSummary> cells = List.of(cell("auto", 16, 5, 10, 10.0), cell("auto", 64, 10, 10, 30.0));
        final Headline line = Headlines.callsPerCorrect("auto", cells, 22.0);
        // 10 calls for half right is 20 per right answer; 30 for all right is 30.
        assertThat(line.ratio()).isCloseTo(20.0 / 22.0, within(1e-9));
        assertThat(line.text()).startsWith("auto: 20.0 calls per correct answer (budget 16, accuracy 0.50)");
    }
}
