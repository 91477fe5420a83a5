package dev.stepwise.models;

import java.util.List;

/**
 * Rewrite a rejected step.
 *
 * @param promptId     the prompt
 * @param problem      the prompt text
 * @param priorSteps   texts of the steps before the rejected one, root first
 * @param rejectedStep text of the rejected step
 * @param critique     what the verifier found wrong
 * @param stepId       unique, deterministic id of the revised step to produce
 * @param depth        depth of the rejected (and the revised) step
 * @param attempt      1 for the first revision at this place in the chain, 2 for the second, ...
 */
public record RevisionTask(String promptId, String problem, List<String> priorSteps, String rejectedStep,
                           String critique, String stepId, int depth, int attempt) {
    public RevisionTask {
        priorSteps = List.copyOf(priorSteps);
    }
}
