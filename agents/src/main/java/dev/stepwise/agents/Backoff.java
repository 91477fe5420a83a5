package dev.stepwise.agents;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with a cap and jitter: the pause before a batch that failed on a Kafka error (or a registry
 * outage) is polled again. Model calls are not retried with it: the model backend retries them, in one place (see
 * {@link ModelCalls}). Written here because Kafka's own
 * ({@code org.apache.kafka.common.utils.internals.ExponentialBackoff}) is an internal class that may
 * change in any release, and four lines do not justify another dependency.
 *
 * @param initial delay after the first failure
 * @param max     upper bound of any delay
 */
public record Backoff(Duration initial, Duration max) {

    /** Delays vary by up to this fraction either way, so that many instances retrying a rate-limited model spread out. */
    private static final double JITTER = 0.2;

    public Backoff {
        if (initial.isNegative() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("need 0 <= initial <= max, got " + initial + " and " + max);
        }
    }

    /** The delay after {@code failures} consecutive failures (1 for the first), within [initial, max] up to jitter. */
    public Duration delay(final int failures) {
        if (failures < 1 || initial.isZero()) {
            return Duration.ZERO;
        }
        final double exponential = initial.toMillis() * Math.pow(2, Math.min(failures - 1, 30));
        final double capped = Math.min(exponential, max.toMillis());
        final double jittered = capped * (1 + JITTER * (2 * ThreadLocalRandom.current().nextDouble() - 1));
        return Duration.ofMillis(Math.round(Math.min(jittered, max.toMillis())));
    }
}
