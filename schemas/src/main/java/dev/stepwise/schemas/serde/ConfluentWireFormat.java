package dev.stepwise.schemas.serde;

import java.nio.ByteBuffer;

/**
 * The Confluent wire format: magic byte 0, the schema id as a 4-byte big-endian int, then the
 * Avro binary body. Confluent's KafkaAvroDeserializer, Apicurio's serdes (in Confluent mode) and
 * ours all read and write exactly this.
 */
public final class ConfluentWireFormat {

    public static final byte MAGIC_BYTE = 0;
    public static final int HEADER_LENGTH = 5;

    private ConfluentWireFormat() {
    }

    /** Reads the schema id from the header, checking the magic byte and length. */
    public static int schemaId(final String topic, final byte[] data) {
        if (data == null || data.length == 0) {
            throw new UndecodableRecordException(UndecodableRecordException.Reason.EMPTY,
                    "Empty value on topic " + topic + ": expected a Confluent-framed Avro record");
        }
        if (data[0] != MAGIC_BYTE) {
            throw new UndecodableRecordException(UndecodableRecordException.Reason.WRONG_MAGIC_BYTE, String.format(
                    "Unknown magic byte 0x%02x on topic %s: expected 0x00 (Confluent wire format: magic byte, 4-byte schema id, Avro body)",
                    data[0], topic));
        }
        if (data.length < HEADER_LENGTH) {
            throw new UndecodableRecordException(UndecodableRecordException.Reason.TRUNCATED,
                    "Truncated record on topic " + topic + ": " + data.length + " bytes, the header alone needs " + HEADER_LENGTH);
        }
        return ByteBuffer.wrap(data, 1, 4).getInt();
    }
}
