package dev.stepwise.models.synthetic;

import java.util.SplittableRandom;

/**
 * A parsed problem of one family, seen as a state machine: a chain of steps moves from {@link #initial()} to a
 * final state, one {@link #next} per step. Step texts carry the whole state after the step (see
 * {@link #describe}), so a chain can be continued, and checked, from what its last step says.
 *
 * @param <S> the state after some number of steps; an immutable value with structural equality
 */
sealed interface SerialProblem<S> permits ModularArithmetic, PermutationComposition, IteratedSquaring,
        BooleanCircuit, IntegerArithmetic {

    Family family();

    /** Number of serial steps from the initial state to the final one. */
    int steps();

    S initial();

    boolean isFinal(S state);

    /** The normalised answer a final state gives. */
    String answer(S state);

    /** The correct step from a non-final state. */
    Transition<S> next(S state);

    /**
     * A realistic wrong step from a non-final state (an off-by-one, a wrong operand, a dropped term, ...).
     * Its state always differs from that of {@link #next}, so an exact verifier can tell.
     */
    Transition<S> corrupt(S state, SplittableRandom random);

    /** The state clause of a step text, e.g. {@code now (5+5)*2 mod 7}; {@link #parseState} reads it back. */
    String describe(S state);

    /**
     * Reads the state that a step text (without its {@code answer:} clause) claims.
     *
     * @throws StepFormatException saying what could not be read
     */
    S parseState(String stepBody) throws StepFormatException;

    /** The exact answer, computed directly from the problem rather than through {@link #next}. */
    String solve();

    /** The answer in normal form, or null when {@code raw} is not an answer of this family. */
    String normalizeAnswer(String raw);

    /**
     * One step: what was computed and the resulting state.
     *
     * @param work  the computation, e.g. {@code 3*4 = 12 = 5 (mod 7)}
     * @param state the state after the step
     */
    record Transition<S>(String work, S state) {
    }
}
