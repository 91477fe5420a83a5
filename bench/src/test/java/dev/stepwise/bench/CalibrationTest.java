package dev.stepwise.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stepwise.bench.GridConfig.VerifierSpec;
import dev.stepwise.search.strategy.Auto;
import dev.stepwise.search.strategy.AutoCalibration;
import dev.stepwise.search.strategy.StrategyRegistry;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CalibrationTest {

    /** A problem in bucket 0 (all probe samples accepted and agreeing) where the candidates at {@code correct} are right. */
    private static Calibration.Row row(final String kind, final double estimate, final int calls, final int... correct) {
        final List<Outcome> outcomes = new ArrayList<>();
        for (int c = 0; c < Calibration.CANDIDATES.size(); c++) {
            boolean right = false;
            for (final int i : correct) {
                right |= i == c;
            }
            outcomes.add(new Outcome(right, true, calls * (c + 1), 0, 0, 0, 0, true, false, 0));
        }
        return new Calibration.Row(new Auto.Estimate(4, 4, 4, estimate, kind), outcomes,
                new Outcome(true, true, 700, 0, 0, 0, 0, true, false, 0));
    }

    @Test
    void eachGroupGetsTheCheapestCandidateThatReachesTheReference() {
        // Candidate 0 is cheapest but right on half; candidates 2 and up are right on all, like the reference.
        final List<Calibration.Row> rows = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            rows.add(i % 2 == 0 ? row("exact", 0.0, 10, 0, 2, 3, 4) : row("exact", 0.0, 10, 2, 3, 4));
        }

        final Calibration.Pick pick = Calibration.choose(rows).get(0);

        assertThat(pick.kind()).isEqualTo("exact");
        assertThat(pick.problems()).isEqualTo(40);
        assertThat(pick.chosen()).isEqualTo(2);
        // Only candidate 0 (10 calls + the probe's 8) fits in 16 calls, so a budget of 16 gets it, as the cheapest.
        assertThat(pick.tierChoice()[0]).isZero();
    }

    @Test
    void anEmptyGroupTakesTheChoiceOfTheBucketBefore() {
        final List<Calibration.Pick> picks = Calibration.choose(List.of(row("exact", 0.0, 10, 1)));

        assertThat(picks.get(1).problems()).isZero();
        assertThat(picks.get(1).chosen()).isEqualTo(picks.get(0).chosen());
    }

    @Test
    void theCalibrationFileNamesItsSeedsAndReadsBack() {
        final AutoCalibration calibration = Calibration.calibration(Calibration.choose(List.of(row("graded", 0.5, 10, 3))),
                "test", "1001-1004");

        final AutoCalibration back = AutoCalibration.fromJson(calibration.toJson());

        assertThat(back).isEqualTo(calibration);
        assertThat(back.seeds()).isEqualTo("1001-1004");
        assertThat(back.tables().get("graded")).hasSize(Calibration.EDGES.length)
                .allSatisfy(b -> assertThat(b.tiers()).hasSize(Calibration.TIERS.length));
    }

    @Test
    void theShippedCalibrationWasMadeOnSeedsTheEvaluationDoesNotUse() {
        final AutoCalibration shipped = AutoCalibration.shipped();
        final GridConfig grid = GridConfig.defaults();

        assertThat(shipped.seeds()).isNotBlank();
        assertThat(SeedRange.parse(shipped.seeds()).overlap(SeedRange.parse(grid.problems().seeds()))).isEmpty();
        assertThat(SeedRange.parse(shipped.seeds()).overlap(SeedRange.parse(grid.quick().seeds()))).isEmpty();
        assertThat(shipped.made()).contains("bench calibrate");
    }

    @Test
    void calibratingTheSameProblemsTwiceGivesTheSameFile() throws InterruptedException {
        final List<BenchProblem> problems = BenchProblem.of(SeedRange.parse("1001"), 4, 6);
        final List<VerifierSpec> verifiers = List.of(new VerifierSpec("noisy", 0.1, 0.1, 0.15));
        final List<String> profiles = List.of(BackendProfiles.REALISTIC);

        final List<Calibration.Row> one = new Calibration(StrategyRegistry.standard(), Progress.NONE)
                .run(profiles, verifiers, problems, 2);
        final List<Calibration.Row> two = new Calibration(StrategyRegistry.standard(), Progress.NONE)
                .run(profiles, verifiers, problems, 1);

        assertThat(Calibration.calibration(Calibration.choose(two), "m", "1001").toJson())
                .isEqualTo(Calibration.calibration(Calibration.choose(one), "m", "1001").toJson());
        assertThat(one).hasSize(4).allSatisfy(r -> assertThat(r.candidates()).hasSize(Calibration.CANDIDATES.size()));
    }
}
