package dev.stepwise.bench;

/**
 * The Wilson score interval of a binomial proportion: unlike the normal approximation it stays inside [0, 1] and
 * keeps its coverage at accuracies near 0 or 1 and for small n, which is where strategies are compared.
 *
 * @param low  lower bound
 * @param high upper bound
 */
public record Wilson(double low, double high) {

    /** z for a two-sided 95% interval. */
    public static final double Z95 = 1.959963984540054;

    /** The 95% interval of {@code successes} out of {@code n}; [0, 1] when n is 0. */
    public static Wilson interval95(final int successes, final int n) {
        return interval(successes, n, Z95);
    }

    /** The interval of {@code successes} out of {@code n} at normal quantile {@code z}. */
    public static Wilson interval(final int successes, final int n, final double z) {
        if (successes < 0 || n < 0 || successes > n) {
            throw new IllegalArgumentException("need 0 <= successes <= n, got " + successes + " of " + n);
        }
        if (n == 0) {
            return new Wilson(0.0, 1.0);
        }
        final double p = (double) successes / n;
        final double z2 = z * z;
        final double denominator = 1 + z2 / n;
        final double centre = (p + z2 / (2.0 * n)) / denominator;
        final double half = z / denominator * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n));
        // At 0 and n the bound on that side is exactly 0 or 1 (the formula gives it up to rounding).
        return new Wilson(successes == 0 ? 0.0 : Math.max(0.0, centre - half),
                successes == n ? 1.0 : Math.min(1.0, centre + half));
    }
}
