package dev.stepwise.schemas.serde;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes Avro SpecificRecords in the Confluent wire format, registering the writer schema under
 * the TopicNameStrategy subject ({@code <topic>-value} or {@code <topic>-key}) on first use and
 * caching the id per subject and schema.
 */
public final class ConfluentAvroSerializer<T extends SpecificRecord> implements Serializer<T> {

    private final SchemaRegistryClient registry;
    private final boolean isKey;
    private final BoundedCache<SubjectSchema, Integer> ids;

    private record SubjectSchema(String subject, Schema schema) {
    }

    public ConfluentAvroSerializer(final SchemaRegistryClient registry, final boolean isKey, final int cacheSize) {
        this.registry = registry;
        this.isKey = isKey;
        this.ids = new BoundedCache<>(cacheSize);
    }

    @Override
    public byte[] serialize(final String topic, final T data) {
        if (data == null) {
            return null;
        }
        final Schema schema = data.getSchema();
        final String subject = topic + (isKey ? "-key" : "-value");
        final int id = ids.get(new SubjectSchema(subject, schema), k -> registry.register(k.subject(), k.schema()));
        try {
            final ByteArrayOutputStream out = new ByteArrayOutputStream(128);
            out.write(ConfluentWireFormat.MAGIC_BYTE);
            out.write(ByteBuffer.allocate(4).putInt(id).array());
            final BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
            new SpecificDatumWriter<T>(schema).write(data, encoder);
            encoder.flush();
            return out.toByteArray();
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("Cannot serialize " + schema.getFullName() + " for topic " + topic + ": " + e.getMessage(), e);
        }
    }
}
