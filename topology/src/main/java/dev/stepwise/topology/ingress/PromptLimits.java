package dev.stepwise.topology.ingress;

/**
 * The largest search a prompt may ask for; anything beyond is dead-lettered rather than run, so
 * that one prompt cannot take the service down.
 */
public record PromptLimits(int maxBeamWidth, int maxBranching, int maxDepth, int maxRevisions, int maxModelCalls,
                           long maxTokens) {

    /** The defaults of {@code TopologyConfig}, for tests. */
    public static PromptLimits defaults() {
        return new PromptLimits(16, 16, 512, 16, 100_000, 100_000_000L);
    }
}
