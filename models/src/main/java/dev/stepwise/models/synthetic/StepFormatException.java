package dev.stepwise.models.synthetic;

/** A step text does not state a state this problem can have. The message says why, for the verifier's rationale. */
final class StepFormatException extends Exception {
    private static final long serialVersionUID = 1L;

    StepFormatException(final String message) {
        super(message);
    }
}
