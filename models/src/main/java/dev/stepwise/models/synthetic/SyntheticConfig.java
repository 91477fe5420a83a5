package dev.stepwise.models.synthetic;

/**
 * Knobs of the synthetic backend. Every random choice is a pure function of {@code seed} and the ids of the
 * call, so a run with the same config reproduces exactly.
 *
 * @param seed             base seed of every random choice (default 42)
 * @param stepErrorRate    probability that a proposed step is wrong (default 0.10)
 * @param falseAcceptRate  probability that the verifier accepts a wrong step (default 0.0: exact)
 * @param falseRejectRate  probability that the verifier rejects a correct step (default 0.0: exact)
 * @param reviserErrorRate probability that a revision is wrong again (default 0.10)
 */
public record SyntheticConfig(long seed, double stepErrorRate, double falseAcceptRate, double falseRejectRate,
                              double reviserErrorRate) {

    public static final long DEFAULT_SEED = 42L;
    public static final double DEFAULT_STEP_ERROR_RATE = 0.10;
    public static final double DEFAULT_FALSE_ACCEPT_RATE = 0.0;
    public static final double DEFAULT_FALSE_REJECT_RATE = 0.0;
    public static final double DEFAULT_REVISER_ERROR_RATE = 0.10;

    public SyntheticConfig {
        requireRate("stepErrorRate", stepErrorRate);
        requireRate("falseAcceptRate", falseAcceptRate);
        requireRate("falseRejectRate", falseRejectRate);
        requireRate("reviserErrorRate", reviserErrorRate);
    }

    /** Seed 42, 10% step errors, an exact verifier, 10% reviser errors. */
    public static SyntheticConfig defaults() {
        return new SyntheticConfig(DEFAULT_SEED, DEFAULT_STEP_ERROR_RATE, DEFAULT_FALSE_ACCEPT_RATE,
                DEFAULT_FALSE_REJECT_RATE, DEFAULT_REVISER_ERROR_RATE);
    }

    public SyntheticConfig withSeed(final long newSeed) {
        return new SyntheticConfig(newSeed, stepErrorRate, falseAcceptRate, falseRejectRate, reviserErrorRate);
    }

    public SyntheticConfig withStepErrorRate(final double rate) {
        return new SyntheticConfig(seed, rate, falseAcceptRate, falseRejectRate, reviserErrorRate);
    }

    public SyntheticConfig withVerifierNoise(final double newFalseAcceptRate, final double newFalseRejectRate) {
        return new SyntheticConfig(seed, stepErrorRate, newFalseAcceptRate, newFalseRejectRate, reviserErrorRate);
    }

    public SyntheticConfig withReviserErrorRate(final double rate) {
        return new SyntheticConfig(seed, stepErrorRate, falseAcceptRate, falseRejectRate, rate);
    }

    private static void requireRate(final String name, final double value) {
        // The negated form also rejects NaN.
        if (!(value >= 0.0 && value <= 1.0)) {
            throw new IllegalArgumentException(name + " must be a probability in [0,1], got " + value);
        }
    }
}
