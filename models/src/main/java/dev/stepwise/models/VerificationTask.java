package dev.stepwise.models;

import java.util.List;

/**
 * Verify one step against the chain before it.
 *
 * @param promptId   the prompt
 * @param problem    the prompt text
 * @param priorSteps texts of the steps before the one to verify, root first
 * @param stepId     id of the step to verify (part of the seed of a noisy synthetic verifier)
 * @param stepText   the step to verify
 */
public record VerificationTask(String promptId, String problem, List<String> priorSteps, String stepId, String stepText) {
    public VerificationTask {
        priorSteps = List.copyOf(priorSteps);
    }
}
