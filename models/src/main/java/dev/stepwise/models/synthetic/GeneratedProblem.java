package dev.stepwise.models.synthetic;

import java.util.Objects;

/**
 * A generated problem with its exact answer.
 *
 * @param family         the family
 * @param difficulty     number of serial steps a correct chain takes
 * @param text           the problem text, as a user would submit it
 * @param expectedAnswer the normalised exact answer (a decimal integer, {@code 0}/{@code 1} for circuits,
 *                       {@code [a,b,c,d,e]} for permutations), computed independently of the step machinery
 */
public record GeneratedProblem(Family family, int difficulty, String text, String expectedAnswer) {
    public GeneratedProblem {
        Objects.requireNonNull(family, "family");
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(expectedAnswer, "expectedAnswer");
        if (difficulty < 1) {
            throw new IllegalArgumentException("difficulty must be at least 1, got " + difficulty);
        }
    }
}
