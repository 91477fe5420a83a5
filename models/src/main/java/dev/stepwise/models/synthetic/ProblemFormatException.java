package dev.stepwise.models.synthetic;

/** A problem text does not follow its family's grammar; the suite turns it into a ProblemNotUnderstoodException. */
final class ProblemFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ProblemFormatException(final String message) {
        super(message);
    }
}
