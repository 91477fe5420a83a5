package dev.stepwise.models.synthetic;

import java.util.Objects;

/**
 * Knobs of the synthetic backend. Every random choice is a pure function of {@code seed} and the ids of the
 * call, so a run with the same config reproduces exactly.
 *
 * <p>The four rates are the knobs of the {@link Profile#UNIFORM uniform} profile (the default); the
 * {@link Profile#REALISTIC realistic} profile does not use them and has its own, in {@code realistic}.
 *
 * @param seed             base seed of every random choice (default 42)
 * @param stepErrorRate    uniform: probability that a proposed step is wrong (default 0.10)
 * @param falseAcceptRate  uniform: probability that the verifier accepts a wrong step (default 0.0: exact)
 * @param falseRejectRate  uniform: probability that the verifier rejects a correct step (default 0.0: exact)
 * @param reviserErrorRate uniform: probability that a revision is wrong again (default 0.10)
 * @param profile          how the backend goes wrong (default {@link Profile#UNIFORM})
 * @param realistic        the knobs of the realistic profile (default {@link RealisticConfig#defaults()})
 */
public record SyntheticConfig(long seed, double stepErrorRate, double falseAcceptRate, double falseRejectRate,
                              double reviserErrorRate, Profile profile, RealisticConfig realistic) {

    public static final long DEFAULT_SEED = 42L;
    public static final double DEFAULT_STEP_ERROR_RATE = 0.10;
    public static final double DEFAULT_FALSE_ACCEPT_RATE = 0.0;
    public static final double DEFAULT_FALSE_REJECT_RATE = 0.0;
    public static final double DEFAULT_REVISER_ERROR_RATE = 0.10;
    public static final Profile DEFAULT_PROFILE = Profile.UNIFORM;

    public SyntheticConfig {
        requireRate("stepErrorRate", stepErrorRate);
        requireRate("falseAcceptRate", falseAcceptRate);
        requireRate("falseRejectRate", falseRejectRate);
        requireRate("reviserErrorRate", reviserErrorRate);
        Objects.requireNonNull(profile, "profile");
        Objects.requireNonNull(realistic, "realistic");
    }

    /** The uniform profile with these rates, as before profiles existed. */
    public SyntheticConfig(final long seed, final double stepErrorRate, final double falseAcceptRate,
                           final double falseRejectRate, final double reviserErrorRate) {
        this(seed, stepErrorRate, falseAcceptRate, falseRejectRate, reviserErrorRate, DEFAULT_PROFILE,
                RealisticConfig.defaults());
    }

    /** Seed 42, the uniform profile: 10% step errors, an exact verifier, 10% reviser errors. */
    public static SyntheticConfig defaults() {
        return new SyntheticConfig(DEFAULT_SEED, DEFAULT_STEP_ERROR_RATE, DEFAULT_FALSE_ACCEPT_RATE,
                DEFAULT_FALSE_REJECT_RATE, DEFAULT_REVISER_ERROR_RATE);
    }

    /** Seed 42, the realistic profile with its default knobs (a noisy graded verifier). */
    public static SyntheticConfig realisticDefaults() {
        return defaults().withProfile(Profile.REALISTIC);
    }

    public SyntheticConfig withSeed(final long newSeed) {
        return new SyntheticConfig(newSeed, stepErrorRate, falseAcceptRate, falseRejectRate, reviserErrorRate, profile,
                realistic);
    }

    public SyntheticConfig withStepErrorRate(final double rate) {
        return new SyntheticConfig(seed, rate, falseAcceptRate, falseRejectRate, reviserErrorRate, profile, realistic);
    }

    /** Uniform profile: the verifier's false-accept and false-reject rates. */
    public SyntheticConfig withVerifierNoise(final double newFalseAcceptRate, final double newFalseRejectRate) {
        return new SyntheticConfig(seed, stepErrorRate, newFalseAcceptRate, newFalseRejectRate, reviserErrorRate, profile,
                realistic);
    }

    public SyntheticConfig withReviserErrorRate(final double rate) {
        return new SyntheticConfig(seed, stepErrorRate, falseAcceptRate, falseRejectRate, rate, profile, realistic);
    }

    public SyntheticConfig withProfile(final Profile newProfile) {
        return new SyntheticConfig(seed, stepErrorRate, falseAcceptRate, falseRejectRate, reviserErrorRate, newProfile,
                realistic);
    }

    public SyntheticConfig withRealistic(final RealisticConfig newRealistic) {
        return new SyntheticConfig(seed, stepErrorRate, falseAcceptRate, falseRejectRate, reviserErrorRate, profile,
                newRealistic);
    }

    static void requireRate(final String name, final double value) {
        // The negated form also rejects NaN.
        if (!(value >= 0.0 && value <= 1.0)) {
            throw new IllegalArgumentException(name + " must be a probability in [0,1], got " + value);
        }
    }
}
