package dev.stepwise.models;

/** A model call failed in a way that may succeed if retried (timeout, HTTP 429 or 5xx, connection refused). */
public class ModelCallException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ModelCallException(final String message, final Throwable cause) {
        super(message, cause);
    }

    public ModelCallException(final String message) {
        super(message);
    }
}
