package dev.stepwise.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.stepwise.bench.GridConfig.HeadlineSpec;
import dev.stepwise.bench.GridConfig.StrategySpec;
import dev.stepwise.bench.GridConfig.VerifierSpec;
import dev.stepwise.search.strategy.StrategyRegistry;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StrategiesBenchTest {

    private static Plan plan(final int threads, final List<StrategySpec> strategies) {
        return new Plan("test", false, List.of(16, 64), strategies,
                List.of(new VerifierSpec("noisy", 0.1, 0.1, 0.15)), List.of("uniform", "realistic", "imaginary"), 10, 10,
                SeedRange.parse("1-2"), SeedRange.parse("3"), 4,
                new HeadlineSpec("auto", "weighted-best-of-n", 64, "adaptive-majority"), threads, "test");
    }

    private static final List<StrategySpec> STRATEGIES = List.of(
            new StrategySpec("beam", Map.of("beam-width", 1.0), 60, 3, Map.of()),
            new StrategySpec("weighted-best-of-n", Map.of("n", 1.0), 11, 3, Map.of()),
            new StrategySpec("tree-of-everything", Map.of(), 0, 1, Map.of()));

    @Test
    void theResultsAreAPureFunctionOfThePlanWhateverTheNumberOfThreads() throws Exception {
        final Results one = new StrategiesBench(StrategyRegistry.standard(), Progress.NONE).run(plan(1, STRATEGIES));
        final Results two = new StrategiesBench(StrategyRegistry.standard(), Progress.NONE).run(plan(2, STRATEGIES));
        assertThat(two.cells()).isEqualTo(one.cells());
        assertThat(two.bins()).isEqualTo(one.bins());
    }

    @Test
    void everyCellOfTheGridIsSummarisedAndWhatCannotRunIsNoted() throws Exception {
        final Results results = new StrategiesBench(StrategyRegistry.standard(), Progress.NONE).run(plan(2, STRATEGIES));
        // 2 strategies x 2 budgets x 1 verifier x 2 profiles x (5 bins + all).
        assertThat(results.cells()).hasSize(2 * 2 * 2 * 6);
        assertThat(results.profiles()).containsExactly("uniform", "realistic");
        assertThat(results.strategies()).containsExactly("beam", "weighted-best-of-n");
        assertThat(results.notes()).containsExactly(
                "strategy tree-of-everything left out: not in the strategy registry of this build",
                "profile imaginary left out: unknown profile 'imaginary' (known: uniform, realistic)");
        for (final CellSummary cell : results.cells(BackendProfiles.UNIFORM, "noisy", CellSummary.ALL)) {
            assertThat(cell.n()).isEqualTo(20);
            assertThat(cell.countMismatches()).as(cell.strategy()).isZero();
            assertThat(cell.meanCalls()).isCloseTo(cell.meanProposer() + cell.meanVerifier() + cell.meanReviser(),
                    within(1e-9));
        }
        assertThat(results.bin(BackendProfiles.REALISTIC, CellSummary.ALL).n()).isEqualTo(20);
        assertThat(results.stats().prompts()).isEqualTo(2L * 1 * 20 * 2 * 2);
    }
}
