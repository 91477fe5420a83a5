package dev.stepwise.models;

import java.util.List;
import java.util.Objects;

/**
 * Verify one step against the chain before it ({@link Kind#STEP}, a process reward), or the final answer of a
 * finished chain ({@link Kind#OUTCOME}, an outcome reward).
 *
 * @param promptId   the prompt
 * @param problem    the prompt text
 * @param priorSteps texts of the steps before the one to verify, root first
 * @param stepId     id of the step to verify (part of the seed of a noisy synthetic verifier); for OUTCOME, the last
 *                   step of the finished chain
 * @param stepText   the step to verify; for OUTCOME, the terminal step, which carries the chain's final answer
 * @param kind       what to score
 */
public record VerificationTask(String promptId, String problem, List<String> priorSteps, String stepId, String stepText,
                               Kind kind) {

    /**
     * What a verification scores. The models module does not depend on the event schemas, so it names the kinds
     * itself; the verifier agent maps the schema's {@code VerificationKind} onto these.
     */
    public enum Kind {
        /** Is this step right, given the problem and the steps before it? */
        STEP,
        /** Is the final answer of the chain that this (terminal) step ends the right answer to the problem? */
        OUTCOME
    }

    public VerificationTask {
        priorSteps = List.copyOf(priorSteps);
        Objects.requireNonNull(kind, "kind");
    }

    /** A {@link Kind#STEP} verification, the common case. */
    public VerificationTask(final String promptId, final String problem, final List<String> priorSteps, final String stepId,
                            final String stepText) {
        this(promptId, problem, priorSteps, stepId, stepText, Kind.STEP);
    }
}
