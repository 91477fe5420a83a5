package dev.stepwise.models;

/**
 * One step as a model wrote it.
 *
 * @param text     the step
 * @param terminal true when the step ends the chain with a final answer
 * @param answer   the final answer extracted from a terminal step, else null
 * @param tokens   tokens the call consumed
 */
public record ProposedStep(String text, boolean terminal, String answer, int tokens) {
}
