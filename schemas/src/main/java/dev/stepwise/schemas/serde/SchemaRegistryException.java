package dev.stepwise.schemas.serde;

/** A schema registry refused a request or could not be reached. */
public class SchemaRegistryException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** HTTP status of the refusal, or 0 when the registry could not be reached at all. */
    private final int status;
    /** Confluent error code (e.g. 40403 unknown schema id, 409 incompatible), or 0 when there was none. */
    private final int errorCode;

    public SchemaRegistryException(final String message, final int status, final int errorCode, final Throwable cause) {
        super(message, cause);
        this.status = status;
        this.errorCode = errorCode;
    }

    public SchemaRegistryException(final String message, final int status, final int errorCode) {
        this(message, status, errorCode, null);
    }

    public int status() {
        return status;
    }

    public int errorCode() {
        return errorCode;
    }

    /** True when the registry answered that the subject, version or schema id does not exist. */
    public boolean isNotFound() {
        return status == 404;
    }

    /**
     * True when the registry could not be reached, failed on its side, or asked to slow down (429,
     * which Confluent Cloud sends under rate limiting); a retry may succeed.
     */
    public boolean isRetriable() {
        return status == 0 || status >= 500 || status == 429;
    }
}
