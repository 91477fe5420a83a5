package dev.stepwise.modelserver;

import dev.stepwise.models.latency.Latency;
import java.time.Duration;
import java.util.SplittableRandom;

/**
 * The seeded draws of each request, in arrival order: how long it takes, whether a fault replaces its answer, and the
 * seed of its samples when the request brings none. The same seed and the same order of requests give the same
 * draws.
 */
final class Chaos {

    /** What happens instead of an answer. */
    enum Fault { NONE, SERVER_ERROR, RATE_LIMITED, TIMEOUT, MALFORMED }

    /** One request's draws. */
    record Plan(Duration latency, Fault fault, long sampleSeed) {
    }

    private final Latency latency;
    /** Cumulative rates of SERVER_ERROR, RATE_LIMITED, TIMEOUT and MALFORMED. */
    private final double[] upTo;
    private final SplittableRandom root;

    Chaos(final long seed, final Latency latency, final double serverError, final double rateLimited,
          final double timeout, final double malformed) {
        this.latency = latency;
        this.upTo = new double[] {serverError, serverError + rateLimited, serverError + rateLimited + timeout,
            serverError + rateLimited + timeout + malformed};
        this.root = new SplittableRandom(seed);
    }

    static Chaos of(final ModelServerConfig config) {
        return new Chaos(config.seed(), config.latency(), config.getDouble(ModelServerConfig.FAULT_SERVER_ERROR_RATE),
                config.getDouble(ModelServerConfig.FAULT_RATE_LIMIT_RATE),
                config.getDouble(ModelServerConfig.FAULT_TIMEOUT_RATE),
                config.getDouble(ModelServerConfig.FAULT_MALFORMED_RATE));
    }

    Plan next() {
        final SplittableRandom random;
        synchronized (root) {
            random = root.split();
        }
        final Duration wait = latency.draw(random);
        final double draw = random.nextDouble();
        Fault fault = Fault.NONE;
        for (int i = 0; i < upTo.length; i++) {
            if (draw < upTo[i]) {
                fault = Fault.values()[i + 1];
                break;
            }
        }
        return new Plan(wait, fault, random.nextLong());
    }
}
