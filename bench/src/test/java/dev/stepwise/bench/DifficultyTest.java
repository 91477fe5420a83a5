package dev.stepwise.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.stepwise.models.synthetic.Family;
import dev.stepwise.models.synthetic.SyntheticConfig;
import dev.stepwise.models.synthetic.SyntheticModelBackend;
import dev.stepwise.models.synthetic.SyntheticTaskSuite;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class DifficultyTest {

    private static BenchProblem problem(final int steps, final long seed) {
        return new BenchProblem("t-" + steps + "-" + seed, seed, 0,
                SyntheticTaskSuite.generate(Family.ITERATED_SQUARING, steps, seed));
    }

    @Test
    void passAtOneOfUniformStepErrorsIsTheChanceThatEveryStepIsRight() {
        // 0.9^6 = 0.53; 800 chains put the estimate within about 0.05 of it.
        assertThat(Difficulty.passAtOne(SyntheticConfig.defaults(), problem(6, 1L), 800)).isCloseTo(Math.pow(0.9, 6),
                within(0.06));
        assertThat(Difficulty.passAtOne(SyntheticConfig.defaults().withStepErrorRate(0.0), problem(6, 1L), 20))
                .isEqualTo(1.0);
        assertThat(Difficulty.latent(SyntheticConfig.defaults(), problem(6, 1L))).isZero();
    }

    @Test
    void binsAreQuintilesOfPassAtOneEasiestFirst() {
        final double[] pass = {0.1, 0.9, 0.5, 0.5, 0.3, 1.0, 0.0, 0.7, 0.2, 0.6};
        final int[] bins = Difficulty.bins(pass);
        assertThat(bins).containsExactly(4, 0, 2, 2, 3, 0, 4, 1, 3, 1);
        for (int bin = 0; bin < Difficulty.BINS; bin++) {
            final int b = bin;
            assertThat(Arrays.stream(bins).filter(x -> x == b).count()).isEqualTo(2);
        }
    }

    @Test
    void binsOfUnevenCountsDifferInSizeByAtMostOne() {
        final int[] bins = Difficulty.bins(new double[] {0.5, 0.4, 0.3, 0.2, 0.1, 0.0, 0.9});
        assertThat(Arrays.stream(bins).max().orElseThrow()).isEqualTo(Difficulty.BINS - 1);
        assertThat(bins[6]).isZero();
    }

    @Test
    void theOracleCostsTwoCallsPerStepOverOneMinusTheStepErrorRateAndIsAlwaysRight() {
        final List<BenchProblem> problems = BenchProblem.of(SeedRange.parse("1-4"), 50, 16);
        final SyntheticModelBackend exact = new SyntheticModelBackend(SyntheticConfig.defaults());
        double calls = 0;
        double expected = 0;
        for (final BenchProblem p : problems) {
            final Oracle.Run run = Oracle.run(exact, p);
            assertThat(run.correct()).as(p.text()).isTrue();
            calls += run.calls();
            expected += Oracle.expectedCalls(p.steps(), 0.1);
        }
        assertThat(calls / expected).isCloseTo(1.0, within(0.03));
        assertThat(Oracle.expectedCalls(1, 0.1)).isCloseTo(Oracle.UNIFORM_CALLS_PER_STEP_AT_10_PERCENT, within(1e-12));
    }
}
