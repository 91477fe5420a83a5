package dev.stepwise.models;

/**
 * A verifier's judgement of one step, or of the final answer of a finished chain.
 *
 * @param score     probability in [0,1] that the step is right given the chain before it (or that the answer is right)
 * @param accepted  the verifier's decision
 * @param rationale why, in a sentence; the topology passes it to the reviser as the critique
 * @param tokens    tokens the call consumed
 */
public record Judgement(double score, boolean accepted, String rationale, int tokens) {
    public Judgement {
        if (!(score >= 0.0 && score <= 1.0)) {
            throw new IllegalArgumentException("score must be in [0,1], got " + score);
        }
    }
}
