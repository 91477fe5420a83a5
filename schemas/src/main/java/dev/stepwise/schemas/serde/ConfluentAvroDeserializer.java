package dev.stepwise.schemas.serde;

import java.io.IOException;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads Confluent-framed Avro into one SpecificRecord type, resolving the writer schema (fetched by
 * id, cached) against this build's reader schema, so that records written by older or newer
 * compatible versions of a schema decode. Every failure is an {@link UndecodableRecordException}
 * that names the topic and says which check failed.
 */
public final class ConfluentAvroDeserializer<T extends SpecificRecord> implements Deserializer<T> {

    private final SchemaRegistryClient registry;
    private final Class<T> type;
    private final Schema readerSchema;
    private final BoundedCache<Integer, SpecificDatumReader<T>> readers;
    /** Writer schemas by id, kept apart from the readers so that an id that cannot be read is not fetched per record. */
    private final BoundedCache<Integer, Schema> writers;

    public ConfluentAvroDeserializer(final SchemaRegistryClient registry, final Class<T> type, final int cacheSize) {
        this.registry = registry;
        this.type = type;
        this.readerSchema = SpecificData.get().getSchema(type);
        this.readers = new BoundedCache<>(cacheSize);
        this.writers = new BoundedCache<>(cacheSize);
    }

    @Override
    public T deserialize(final String topic, final byte[] data) {
        if (data == null) {
            return null;
        }
        final int id = ConfluentWireFormat.schemaId(topic, data);
        final SpecificDatumReader<T> reader = readers.get(id, schemaId -> readerFor(topic, schemaId));
        final BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(data, ConfluentWireFormat.HEADER_LENGTH,
                data.length - ConfluentWireFormat.HEADER_LENGTH, null);
        try {
            final T record = reader.read(null, decoder);
            if (!decoder.isEnd()) {
                throw new UndecodableRecordException(UndecodableRecordException.Reason.MALFORMED_BODY,
                        "Trailing bytes after the Avro body of schema id " + id + " on topic " + topic);
            }
            return record;
        } catch (java.io.EOFException e) {
            throw new UndecodableRecordException(UndecodableRecordException.Reason.TRUNCATED,
                    "Truncated Avro body (schema id " + id + ") on topic " + topic, e);
        } catch (IOException | RuntimeException e) {
            if (e instanceof UndecodableRecordException u) {
                throw u;
            }
            throw new UndecodableRecordException(UndecodableRecordException.Reason.MALFORMED_BODY,
                    "Malformed Avro body for schema id " + id + " on topic " + topic + ": " + e.getMessage(), e);
        }
    }

    private SpecificDatumReader<T> readerFor(final String topic, final int id) {
        final Schema writer;
        try {
            writer = writers.get(id, registry::schemaById);
        } catch (SchemaRegistryException e) {
            if (e.isNotFound()) {
                throw new UndecodableRecordException(UndecodableRecordException.Reason.UNKNOWN_SCHEMA_ID,
                        "Unknown schema id " + id + " on topic " + topic + ": the registry has no such schema", e);
            }
            throw new UndecodableRecordException(UndecodableRecordException.Reason.REGISTRY_UNAVAILABLE,
                    "Cannot look up schema id " + id + " for topic " + topic + ": " + e.getMessage(), e);
        }
        // SpecificDatumReader resolves the two schemas lazily, on the first read, and would then fail with an
        // AvroTypeException that looks like a malformed body. Checking here names the real cause.
        final List<String> problems = AvroCompatibility.problems(readerSchema, writer);
        if (!problems.isEmpty()) {
            throw new UndecodableRecordException(UndecodableRecordException.Reason.INCOMPATIBLE_SCHEMA,
                    "Schema id " + id + " (" + writer.getFullName() + ") on topic " + topic + " cannot be read as "
                            + type.getName() + ": " + String.join("; ", problems));
        }
        return new SpecificDatumReader<>(writer, readerSchema);
    }
}
