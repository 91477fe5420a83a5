package dev.stepwise.models.latency;

import java.time.Duration;
import java.util.SplittableRandom;

/**
 * How long a model takes to answer one call: a constant, or lognormal with a given median and 99th percentile.
 * Shared by the model server (before it answers over HTTP) and the embedded synthetic backend (before it returns),
 * so that the pipeline can be measured model-bound with either.
 */
public sealed interface Latency {

    /** The 99th percentile of the standard normal distribution. */
    double Z_99 = 2.3263478740408408;

    /** No latency at all: what the synthetic backend has unless configured otherwise. */
    Latency NONE = constant(Duration.ZERO);

    Duration draw(SplittableRandom random);

    /** True when every draw is zero, so callers can skip drawing and sleeping altogether. */
    default boolean isNone() {
        return this instanceof Constant c && c.value().isZero();
    }

    static Latency constant(final Duration value) {
        if (value.isNegative()) {
            throw new IllegalArgumentException("A latency cannot be negative: " + value);
        }
        return new Constant(value);
    }

    /**
     * Lognormal, as model latencies are: most replies near the median, a long tail. With median m and 99th percentile
     * p, mu = ln m and sigma = ln(p / m) / z(0.99).
     */
    static Latency logNormal(final Duration median, final Duration p99) {
        if (median.toMillis() < 1 || p99.compareTo(median) < 0) {
            throw new IllegalArgumentException("A lognormal latency needs a median of at least 1 ms and a p99 of at "
                    + "least the median: median " + median.toMillis() + " ms, p99 " + p99.toMillis() + " ms");
        }
        return new LogNormal(Math.log(median.toMillis()), Math.log((double) p99.toMillis() / median.toMillis()) / Z_99);
    }

    /**
     * The latency a configuration names: {@code constant} ({@code constantMs}) or {@code lognormal} ({@code medianMs},
     * {@code p99Ms}).
     */
    static Latency of(final String kind, final long constantMs, final long medianMs, final long p99Ms) {
        return switch (kind) {
            case "constant" -> constant(Duration.ofMillis(constantMs));
            case "lognormal" -> logNormal(Duration.ofMillis(medianMs), Duration.ofMillis(p99Ms));
            default -> throw new IllegalArgumentException("Unknown latency '" + kind + "': constant or lognormal");
        };
    }

    /** Always the same. */
    record Constant(Duration value) implements Latency {
        @Override
        public Duration draw(final SplittableRandom random) {
            return value;
        }
    }

    /** exp(mu + sigma * N(0,1)) milliseconds. */
    record LogNormal(double mu, double sigma) implements Latency {
        @Override
        public Duration draw(final SplittableRandom random) {
            return Duration.ofMillis(Math.round(Math.exp(mu + sigma * random.nextGaussian())));
        }
    }
}
