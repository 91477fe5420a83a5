package dev.stepwise.bench;

import dev.stepwise.bench.GridConfig.HeadlineSpec;
import dev.stepwise.bench.GridConfig.StrategySpec;
import dev.stepwise.bench.GridConfig.VerifierSpec;
import java.util.List;

/**
 * A run of {@code bench strategies} as resolved from the grid config and the flags: everything that decides its
 * results, recorded in every output.
 *
 * @param command          the command line that made it
 * @param quick            whether it is the quick variant
 * @param budgets          model-call budgets
 * @param strategies       strategies, with their knobs
 * @param verifiers        verifiers
 * @param profiles         backend profiles
 * @param perSeed          problems per seed
 * @param maxSteps         the longest problem, in serial steps
 * @param seeds            evaluation seeds (problem sets and backends)
 * @param calibrationSeeds seeds reserved for calibration, disjoint from {@code seeds}
 * @param passSamples      unverified chains per pass@1 estimate
 * @param headline         what the headlines compare
 * @param threads          worker threads
 * @param autoCalibration  how the calibration {@code auto} runs with was made (its {@code made} line)
 */
public record Plan(String command, boolean quick, List<Integer> budgets, List<StrategySpec> strategies,
                   List<VerifierSpec> verifiers, List<String> profiles, int perSeed, int maxSteps, SeedRange seeds,
                   SeedRange calibrationSeeds, int passSamples, HeadlineSpec headline, int threads,
                   String autoCalibration) {

    public Plan {
        budgets = List.copyOf(budgets);
        strategies = List.copyOf(strategies);
        verifiers = List.copyOf(verifiers);
        profiles = List.copyOf(profiles);
        final List<Long> overlap = seeds.overlap(calibrationSeeds);
        if (!overlap.isEmpty()) {
            throw new IllegalArgumentException("evaluation seeds (" + seeds + ") and calibration seeds (" + calibrationSeeds
                    + ") must be disjoint; both hold " + overlap);
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
    }

    /** Problems in the run. */
    public int problemCount() {
        return perSeed * seeds.seeds().size();
    }
}
