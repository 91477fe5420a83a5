package dev.stepwise.schemas.topics;

import java.util.Map;
import java.util.Objects;

/**
 * One Kafka topic as Stepwise uses it: its name, how many partitions it has, its retention or
 * compaction settings, and the types of its keys and values. Keys are always the prompt id as a
 * UTF-8 string, so every event of one prompt lands on one partition.
 *
 * @param name       full topic name, prefix included
 * @param partitions partition count used when the topic is created
 * @param configs    topic-level configs (retention.ms, cleanup.policy, ...) used when the topic is created
 * @param valueType  the Avro SpecificRecord class of values, or {@code String.class} for plain-text topics
 * @param <V>        value type
 */
public record Topic<V>(String name, int partitions, Map<String, String> configs, Class<V> valueType) {

    public Topic {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(valueType, "valueType");
        if (name.isBlank()) {
            throw new IllegalArgumentException("topic name must not be blank");
        }
        if (partitions < 1) {
            throw new IllegalArgumentException("topic " + name + " needs at least one partition, got " + partitions);
        }
        configs = Map.copyOf(configs);
    }

    /** True when values are Avro records registered in the schema registry, false for plain text. */
    public boolean isAvro() {
        return org.apache.avro.specific.SpecificRecord.class.isAssignableFrom(valueType);
    }

    /** The registry subject of this topic's values under TopicNameStrategy. */
    public String valueSubject() {
        return name + "-value";
    }
}
