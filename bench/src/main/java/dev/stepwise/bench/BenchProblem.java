package dev.stepwise.bench;

import dev.stepwise.models.synthetic.GeneratedProblem;
import dev.stepwise.models.synthetic.SyntheticTaskSuite;
import java.util.ArrayList;
import java.util.List;

/**
 * One problem of a run: a generated problem of the synthetic suite, the seed of its problem set (also the seed of
 * the backend that searches it), and its prompt id. The prompt id is the same for every strategy and budget, so the
 * strategies draw the same samples where they ask for the same things (common random numbers make the comparison
 * sharper), and the pass@1 estimate and the oracle draw from the same problem.
 *
 * @param promptId  {@code s<seed>-p<index>}
 * @param seed      seed of the problem set and of the backend
 * @param index     position in its problem set
 * @param problem   the generated problem, with its answer
 */
public record BenchProblem(String promptId, long seed, int index, GeneratedProblem problem) {

    public String text() {
        return problem.text();
    }

    /** Serial steps a right chain takes. */
    public int steps() {
        return problem.difficulty();
    }

    /** True when {@code answer} is this problem's answer. */
    public boolean isCorrect(final String answer) {
        return SyntheticTaskSuite.isCorrect(problem.text(), answer);
    }

    /** The problems of a run: {@code perSeed} mixed problems of up to {@code maxSteps} steps per seed. */
    public static List<BenchProblem> of(final SeedRange seeds, final int perSeed, final int maxSteps) {
        final List<BenchProblem> problems = new ArrayList<>();
        for (final long seed : seeds.seeds()) {
            final List<GeneratedProblem> generated = SyntheticTaskSuite.mixed(perSeed, maxSteps, seed);
            for (int i = 0; i < generated.size(); i++) {
                problems.add(new BenchProblem("s" + seed + "-p" + i, seed, i, generated.get(i)));
            }
        }
        return List.copyOf(problems);
    }
}
