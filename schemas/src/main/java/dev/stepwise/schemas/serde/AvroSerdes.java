package dev.stepwise.schemas.serde;

import dev.stepwise.schemas.topics.Topic;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * Makes the serdes of Stepwise topics from one registry client: Confluent-framed Avro for event
 * topics, UTF-8 strings for keys and plain-text topics.
 */
public final class AvroSerdes {

    /** Ids seen per process: a few per topic and schema version; 1000 is far more than Stepwise meets. */
    public static final int DEFAULT_CACHE_SIZE = 1000;

    private final SchemaRegistryClient registry;
    private final int cacheSize;

    public AvroSerdes(final SchemaRegistryClient registry) {
        this(registry, DEFAULT_CACHE_SIZE);
    }

    public AvroSerdes(final SchemaRegistryClient registry, final int cacheSize) {
        this.registry = registry;
        this.cacheSize = cacheSize;
    }

    public SchemaRegistryClient registry() {
        return registry;
    }

    /** A value serde for an Avro record type. */
    public <T extends SpecificRecord> Serde<T> valueSerde(final Class<T> type) {
        return Serdes.serdeFrom(new ConfluentAvroSerializer<>(registry, false, cacheSize),
                new ConfluentAvroDeserializer<>(registry, type, cacheSize));
    }

    /** The value serde of a topic: Avro for event topics, UTF-8 for plain-text ones. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public <V> Serde<V> valueSerde(final Topic<V> topic) {
        if (topic.isAvro()) {
            return (Serde<V>) valueSerde((Class) topic.valueType());
        }
        if (topic.valueType() == String.class) {
            return (Serde<V>) Serdes.String();
        }
        throw new IllegalArgumentException("No serde for values of type " + topic.valueType() + " on " + topic.name());
    }

    /** Keys are prompt ids as UTF-8 strings on every topic. */
    public static Serde<String> keySerde() {
        return Serdes.String();
    }
}
