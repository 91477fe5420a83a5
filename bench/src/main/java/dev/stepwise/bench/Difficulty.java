package dev.stepwise.bench;

import dev.stepwise.models.synthetic.SyntheticConfig;
import dev.stepwise.models.synthetic.SyntheticDifficulty;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * How hard a problem is, as the bench estimates it: pass@1, the share of single unverified chains sampled from the
 * backend that end in the right answer, and five quantile bins of it; and, to explain the bins, the difficulty the
 * realistic profile hides. For reporting only: no strategy sees any of it.
 */
public final class Difficulty {

    /** Difficulty bins per run: quintiles of the estimated pass@1. */
    public static final int BINS = 5;

    private Difficulty() {
    }

    /**
     * Estimates the pass@1 of {@code problem} under {@code config} from {@code samples} unverified chains, as the
     * models module samples them ({@link SyntheticDifficulty#sampledPassAtOne}; chains of their own prompt ids, so
     * draws apart from the search's).
     */
    public static double passAtOne(final SyntheticConfig config, final BenchProblem problem, final int samples) {
        return SyntheticDifficulty.sampledPassAtOne(config, problem.text(), samples);
    }

    /** The backend's hidden difficulty of {@code problem} (realistic profile; 0 in the uniform one), for reports. */
    public static double latent(final SyntheticConfig config, final BenchProblem problem) {
        return SyntheticDifficulty.of(config, problem.text()).latent();
    }

    /**
     * The bin of each problem: problems sorted by estimated pass@1, highest first (ties in their order), cut into
     * {@value #BINS} groups of (nearly) equal size. Bin 0 is the easiest.
     *
     * @return the bin of problem {@code i} at index {@code i}
     */
    public static int[] bins(final double[] passAtOne) {
        final int n = passAtOne.length;
        final List<Integer> order = IntStream.range(0, n).boxed()
                .sorted(Comparator.comparingDouble((Integer i) -> -passAtOne[i]).thenComparingInt(i -> i))
                .toList();
        final int[] bins = new int[n];
        for (int rank = 0; rank < n; rank++) {
            bins[order.get(rank)] = (int) ((long) rank * BINS / n);
        }
        return bins;
    }
}
