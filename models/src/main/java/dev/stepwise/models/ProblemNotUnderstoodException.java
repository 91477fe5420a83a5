package dev.stepwise.models;

/**
 * The backend cannot work on this problem at all; retrying will not help. The message is meant for
 * the user: it says what the backend can solve and how to configure another one.
 */
public class ProblemNotUnderstoodException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ProblemNotUnderstoodException(final String message) {
        super(message);
    }
}
