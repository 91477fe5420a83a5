package dev.stepwise.models.synthetic;

/**
 * Knobs of the {@link Profile#REALISTIC realistic} profile; the {@link Profile#UNIFORM uniform} profile ignores them.
 * Each problem has a hidden difficulty d in [0,1), drawn from the seed and the problem text, and every rate below is
 * a fixed function of d scaled by one knob:
 * <ul>
 *   <li>an ordinary step is wrong with probability {@code stepErrorScale * d^2}, each wrong sample a random
 *       corruption of its own;</li>
 *   <li>a state is a trap with probability {@code trapRate * d^2}; there a step is wrong with probability
 *       {@code trapErrorRate * (3 + 5d) / 8} (0.3 + 0.5d at the default 0.8), and every wrong sample takes the same
 *       plausible wrong value;</li>
 *   <li>the verifier scores a right step about 0.85, a plausible (trap) wrong step about 0.55 and any other wrong step
 *       about 0.15, plus Gaussian noise of standard deviation {@code verifierNoise}; an outcome about 0.8, 0.5 and 0.2.
 *       A {@code verifierNoise} of 0 makes the verifier exact: 1.0 for right, 0.0 for wrong;</li>
 *   <li>a reviser given a critique that names the expected step writes it with probability
 *       {@code informedRevisionRate - 0.3d}; otherwise, and given a vaguer critique, it does as well as a fresh
 *       sample.</li>
 * </ul>
 *
 * @param verifierNoise        standard deviation of the verifier's Gaussian score noise, in [0,1] (default 0.15; 0
 *                             is an exact verifier)
 * @param stepErrorScale       error rate of an ordinary step of the hardest problem, in [0,1] (default 0.4)
 * @param trapRate             share of the states that are traps in the hardest problem, in [0,1] (default 0.3)
 * @param trapErrorRate        error rate at a trap of the hardest problem, in [0,1] (default 0.8)
 * @param informedRevisionRate probability that a reviser told the expected step writes it, on the easiest problem,
 *                             in [0,1] (default 0.95); when it does not, it writes a fresh sample
 */
public record RealisticConfig(double verifierNoise, double stepErrorScale, double trapRate, double trapErrorRate,
                              double informedRevisionRate) {

    public static final double DEFAULT_VERIFIER_NOISE = 0.15;
    public static final double DEFAULT_STEP_ERROR_SCALE = 0.4;
    public static final double DEFAULT_TRAP_RATE = 0.3;
    public static final double DEFAULT_TRAP_ERROR_RATE = 0.8;
    public static final double DEFAULT_INFORMED_REVISION_RATE = 0.95;

    /** How much less often a reviser heeds a critique naming the expected step on the hardest problem than the easiest. */
    static final double INFORMED_REVISION_DECLINE = 0.3;

    public RealisticConfig {
        // The negated form also rejects NaN. Beyond 1, the noise would only push scores to 0 and 1.
        if (!(verifierNoise >= 0.0 && verifierNoise <= 1.0)) {
            throw new IllegalArgumentException("verifierNoise must be a standard deviation in [0,1], got " + verifierNoise);
        }
        SyntheticConfig.requireRate("stepErrorScale", stepErrorScale);
        SyntheticConfig.requireRate("trapRate", trapRate);
        SyntheticConfig.requireRate("trapErrorRate", trapErrorRate);
        SyntheticConfig.requireRate("informedRevisionRate", informedRevisionRate);
    }

    /** A noisy verifier (0.15), and the rates that spread pass@1 from near 1 to near 0 across problems. */
    public static RealisticConfig defaults() {
        return new RealisticConfig(DEFAULT_VERIFIER_NOISE, DEFAULT_STEP_ERROR_SCALE, DEFAULT_TRAP_RATE,
                DEFAULT_TRAP_ERROR_RATE, DEFAULT_INFORMED_REVISION_RATE);
    }

    public RealisticConfig withVerifierNoise(final double sigma) {
        return new RealisticConfig(sigma, stepErrorScale, trapRate, trapErrorRate, informedRevisionRate);
    }

    public RealisticConfig withStepErrorScale(final double scale) {
        return new RealisticConfig(verifierNoise, scale, trapRate, trapErrorRate, informedRevisionRate);
    }

    public RealisticConfig withTrapRate(final double rate) {
        return new RealisticConfig(verifierNoise, stepErrorScale, rate, trapErrorRate, informedRevisionRate);
    }

    public RealisticConfig withTrapErrorRate(final double rate) {
        return new RealisticConfig(verifierNoise, stepErrorScale, trapRate, rate, informedRevisionRate);
    }

    public RealisticConfig withInformedRevisionRate(final double rate) {
        return new RealisticConfig(verifierNoise, stepErrorScale, trapRate, trapErrorRate, rate);
    }

    /** Error rate of an ordinary step of a problem of difficulty d. */
    double stepErrorAt(final double difficulty) {
        return stepErrorScale * difficulty * difficulty;
    }

    /** Probability that a state of a problem of difficulty d is a trap. */
    double trapChanceAt(final double difficulty) {
        return trapRate * difficulty * difficulty;
    }

    /** Error rate at a trap of a problem of difficulty d. */
    double trapErrorAt(final double difficulty) {
        return trapErrorRate * (3 + 5 * difficulty) / 8;
    }

    /** Probability that a reviser told the expected step writes it, on a problem of difficulty d. */
    double informedRevisionAt(final double difficulty) {
        return Math.max(0.0, informedRevisionRate - INFORMED_REVISION_DECLINE * difficulty);
    }
}
