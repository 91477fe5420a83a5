package dev.stepwise.search;

/**
 * The service-wide knobs of the search (the per-prompt ones travel with the prompt).
 *
 * @param acceptThreshold    a step is accepted when its verifier score is at least this
 * @param defaultTimeoutMs   deadline after submission for a prompt whose budget sets none
 * @param verdictTimeoutMs   a verification without a verdict this long after it was asked for is asked for again
 *                           (the wait doubles with every retry)
 * @param proposalTimeoutMs  a request whose steps have not all arrived this long after it was sent is sent again
 *                           (the wait doubles with every retry)
 * @param tombstoneRetentionMs how long an answered prompt's tombstone is kept
 */
public record SearchSettings(double acceptThreshold, long defaultTimeoutMs, long verdictTimeoutMs,
                             long proposalTimeoutMs, long tombstoneRetentionMs) {

    public SearchSettings {
        if (!(acceptThreshold >= 0.0 && acceptThreshold <= 1.0)) {
            throw new IllegalArgumentException("acceptThreshold must be in [0,1], got " + acceptThreshold);
        }
        if (defaultTimeoutMs < 1 || verdictTimeoutMs < 1 || proposalTimeoutMs < 1 || tombstoneRetentionMs < 0) {
            throw new IllegalArgumentException("timeouts must be positive");
        }
    }

    /** The defaults of {@code TopologyConfig}, for tests. */
    public static SearchSettings defaults() {
        return new SearchSettings(0.5, 120_000L, 15_000L, 30_000L, 3_600_000L);
    }
}
