package dev.stepwise.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.stepwise.bench.Curves.Match;
import dev.stepwise.bench.Curves.Point;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CurvesTest {

    static Point point(final double calls, final double accuracy) {
        return new Point((int) calls, calls, accuracy, Math.max(0, accuracy - 0.1), Math.min(1, accuracy + 0.1));
    }

    @Test
    void accuracyIsInterpolatedLinearlyInLogCalls() {
        final List<Point> curve = List.of(point(10, 0.5), point(100, 0.9));
        final Match match = Curves.callsToMatch(curve, 0.7).orElseThrow();
        assertThat(match.calls()).isCloseTo(Math.sqrt(10 * 100), within(1e-9));
        assertThat(match.atMost()).isFalse();
    }

    @Test
    void aTargetTheCheapestPointAlreadyReachesIsMatchedAtMostThere() {
        final Match match = Curves.callsToMatch(List.of(point(12, 0.8), point(50, 0.95)), 0.6).orElseThrow();
        assertThat(match.calls()).isEqualTo(12);
        assertThat(match.atMost()).isTrue();
    }

    @Test
    void aTargetAboveTheCurveIsNeverMatchedAndNothingIsExtrapolated() {
        assertThat(Curves.callsToMatch(List.of(point(10, 0.5), point(100, 0.9)), 0.95)).isEmpty();
        assertThat(Curves.callsToMatch(List.of(), 0.1)).isEmpty();
    }

    @Test
    void theFirstCrossingCountsOnACurveThatDipsAndRises() {
        final List<Point> curve = List.of(point(10, 0.5), point(20, 0.8), point(40, 0.6), point(80, 0.9));
        assertThat(Curves.callsToMatch(curve, 0.7).orElseThrow().calls()).isCloseTo(10 * Math.pow(2, 2.0 / 3), within(1e-9));
        assertThat(Curves.callsToMatch(curve, 0.85).orElseThrow().calls()).isCloseTo(40 * Math.pow(2, 5.0 / 6), within(1e-9));
    }

    @Test
    void theIntervalBoundsGiveTheRangeOfCallsToMatch() {
        final List<Point> curve = List.of(point(10, 0.5), point(100, 0.9));
        final Optional<Match> fewest = Curves.callsToMatch(curve, 0.7, Point::high);
        final Optional<Match> most = Curves.callsToMatch(curve, 0.7, Point::low);
        assertThat(fewest.orElseThrow().calls()).isLessThan(Curves.callsToMatch(curve, 0.7).orElseThrow().calls());
        assertThat(most.orElseThrow().calls()).isGreaterThan(Curves.callsToMatch(curve, 0.7).orElseThrow().calls());
    }

    @Test
    void aCurveIsOrderedByCallsWhateverTheBudgets() {
        final Wilson ci = Wilson.interval95(1, 2);
        final CellSummary cheap = new CellSummary("uniform", "exact", "s", 64, "", CellSummary.ALL, 2, 1, ci, 10, 5, 5, 0,
                100, 0, 0, 0, 0);
        final CellSummary dear = new CellSummary("uniform", "exact", "s", 16, "", CellSummary.ALL, 2, 1, ci, 30, 15, 15, 0,
                300, 0, 0, 0, 0);
        assertThat(Curves.of(List.of(dear, cheap))).extracting(Point::budget).containsExactly(64, 16);
        assertThat(Curves.bestAccuracy(Curves.of(List.of(dear, cheap)))).isEqualTo(0.5);
    }
}
