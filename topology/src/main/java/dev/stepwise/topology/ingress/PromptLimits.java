package dev.stepwise.topology.ingress;

/**
 * The largest budget a prompt may ask for; anything beyond is dead-lettered rather than run, so that
 * one prompt cannot take the service down. (The strategy's own parameters have the ranges the
 * strategy registry declares.)
 */
public record PromptLimits(int maxModelCalls, long maxTokens) {

    /** The defaults of {@code TopologyConfig}, for tests. */
    public static PromptLimits defaults() {
        return new PromptLimits(100_000, 100_000_000L);
    }
}
