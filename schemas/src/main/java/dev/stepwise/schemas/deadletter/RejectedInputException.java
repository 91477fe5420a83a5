package dev.stepwise.schemas.deadletter;

/**
 * A record decoded but its content is not acceptable (empty text, budget out of range, unknown
 * strategy, ...). The code is a short, stable kebab-case name that goes into
 * {@code DeadLetter.errorType}, so dead letters can be counted and filtered by cause.
 */
public class RejectedInputException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String code;

    public RejectedInputException(final String code, final String message) {
        super(message);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
