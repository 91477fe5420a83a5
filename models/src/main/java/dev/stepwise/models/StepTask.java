package dev.stepwise.models;

import java.util.List;

/**
 * Propose the step at {@code depth} of a chain.
 *
 * @param promptId   the prompt, part of the synthetic backend's seed so that runs and replays reproduce
 * @param problem    the prompt text
 * @param priorSteps texts of the steps before this one, root first
 * @param stepId     unique, deterministic id of the step to propose (also part of the seed)
 * @param depth      depth of the step to propose, 0 for the first
 */
public record StepTask(String promptId, String problem, List<String> priorSteps, String stepId, int depth) {
    public StepTask {
        priorSteps = List.copyOf(priorSteps);
    }
}
