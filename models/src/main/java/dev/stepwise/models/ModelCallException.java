package dev.stepwise.models;

/**
 * A model call failed. {@link #retriable()} says whether trying again may help: by default it may (a timeout, HTTP 408,
 * 429 or 5xx, a refused connection, an unreadable reply). A call that cannot succeed until an operator changes the
 * configuration (a wrong API key, base URL or model name: HTTP 400, 401, 403, 404 ...) is built with
 * {@link #notRetriable(String)}, so that callers answer with the error at once instead of retrying forever.
 */
public class ModelCallException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final boolean retriable;

    /** A retriable failure. */
    public ModelCallException(final String message, final Throwable cause) {
        this(message, cause, true);
    }

    /** A retriable failure. */
    public ModelCallException(final String message) {
        this(message, null, true);
    }

    /** For subclasses that carry more about the failure, e.g. the HTTP status. */
    protected ModelCallException(final String message, final Throwable cause, final boolean retriable) {
        super(message, cause);
        this.retriable = retriable;
    }

    /** A failure that retrying will not fix; the message should say what to check. */
    public static ModelCallException notRetriable(final String message) {
        return new ModelCallException(message, null, false);
    }

    /** Whether the same call may succeed if tried again. */
    public boolean retriable() {
        return retriable;
    }
}
