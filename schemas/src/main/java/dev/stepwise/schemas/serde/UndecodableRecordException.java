package dev.stepwise.schemas.serde;

import org.apache.kafka.common.errors.SerializationException;

/**
 * A record's bytes are not a valid Confluent-framed Avro payload. The reason says which check
 * failed, so a dead-letter record can say why in words a person can act on.
 */
public class UndecodableRecordException extends SerializationException {

    private static final long serialVersionUID = 1L;

    /** Which check failed. */
    public enum Reason {
        /** No bytes at all where a value was required. */
        EMPTY,
        /** The first byte is not the Confluent magic byte 0. */
        WRONG_MAGIC_BYTE,
        /** Fewer than 5 header bytes, or the Avro body ends early. */
        TRUNCATED,
        /** The schema id in the header is not in the registry. */
        UNKNOWN_SCHEMA_ID,
        /** The writer schema cannot be read as this topic's record type. */
        INCOMPATIBLE_SCHEMA,
        /** The registry could not be reached to look the schema id up. */
        REGISTRY_UNAVAILABLE,
        /** The Avro body is malformed for its writer schema. */
        MALFORMED_BODY
    }

    private final Reason reason;

    public UndecodableRecordException(final Reason reason, final String message, final Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public UndecodableRecordException(final Reason reason, final String message) {
        this(reason, message, null);
    }

    public Reason reason() {
        return reason;
    }
}
