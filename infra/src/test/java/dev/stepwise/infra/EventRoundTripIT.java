package dev.stepwise.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.stepwise.infra.testing.SharedInfra;
import dev.stepwise.schemas.EventSamples;
import dev.stepwise.schemas.serde.AvroSerdes;
import dev.stepwise.schemas.topics.Topic;
import dev.stepwise.schemas.topics.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every event type goes through a real broker and a real registry in the Confluent wire format and
 * comes back equal; the registry then holds one {@code <topic>-value} subject per event topic.
 */
@ExtendWith(SharedInfra.class)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class EventRoundTripIT {

    private static final String PLAIN_TEXT_PROMPT = "{\"text\":\"What is 17 * 23?\"}";

    @Test
    void everyEventTypeRoundTripsAndRegistersExactlyOneSubjectPerEventTopic() {
        final Topics topics = SharedInfra.freshTopics("event-round-trip");
        final AvroSerdes serdes = new AvroSerdes(SharedInfra.registryClient());
        final Map<String, Serde<Object>> serdeByTopic = serdesByTopic(topics, serdes);

        final Map<String, Object> sent = new LinkedHashMap<>();
        for (final Topic<?> topic : topics.eventTopics()) {
            sent.put(topic.name(), EventSamples.sampleFor(topic));
        }
        sent.put(topics.promptsText().name(), PLAIN_TEXT_PROMPT);

        final Serializer<Object> values = (topic, data) -> serdeByTopic.get(topic).serializer().serialize(topic, data);
        try (KafkaProducer<String, Object> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedInfra.bootstrapServers(),
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.ACKS_CONFIG, "all"), AvroSerdes.keySerde().serializer(), values)) {
            sent.forEach((topic, value) -> producer.send(new ProducerRecord<>(topic, EventSamples.PROMPT_ID, value)));
            producer.flush();
        }

        final Map<String, Object> received = consumeAll(topics, serdeByTopic, sent.size());

        assertThat(received.keySet()).containsExactlyInAnyOrderElementsOf(sent.keySet());
        sent.forEach((topic, value) -> assertThat(received.get(topic)).as(topic).isEqualTo(value));

        final List<String> subjects = SharedInfra.registryClient().subjects().stream()
                .filter(subject -> subject.startsWith(topics.prefix() + "."))
                .toList();
        assertThat(subjects).containsExactlyInAnyOrderElementsOf(
                topics.eventTopics().stream().map(Topic::valueSubject).toList());
        assertThat(subjects).doesNotContain(topics.promptsText().valueSubject());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Serde<Object>> serdesByTopic(final Topics topics, final AvroSerdes serdes) {
        final Map<String, Serde<Object>> byTopic = new LinkedHashMap<>();
        for (final Topic<?> topic : topics.all()) {
            byTopic.put(topic.name(), (Serde<Object>) serdes.valueSerde(topic));
        }
        return byTopic;
    }

    /** Reads every partition of every topic from the start until {@code expected} records (one per topic) arrived. */
    private static Map<String, Object> consumeAll(final Topics topics, final Map<String, Serde<Object>> serdeByTopic,
                                                  final int expected) {
        final Deserializer<Object> values = (topic, data) -> serdeByTopic.get(topic).deserializer().deserialize(topic, data);
        final List<TopicPartition> partitions = new ArrayList<>();
        for (final Topic<?> topic : topics.all()) {
            for (int p = 0; p < topic.partitions(); p++) {
                partitions.add(new TopicPartition(topic.name(), p));
            }
        }
        final Map<String, Object> received = new LinkedHashMap<>();
        try (KafkaConsumer<String, Object> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedInfra.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), AvroSerdes.keySerde().deserializer(), values)) {
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            await("one record per topic").atMost(Duration.ofSeconds(60)).pollInSameThread().until(() -> {
                for (final ConsumerRecord<String, Object> record : consumer.poll(Duration.ofMillis(200))) {
                    assertThat(record.key()).isEqualTo(EventSamples.PROMPT_ID);
                    assertThat(received.put(record.topic(), record.value())).as("one record on " + record.topic()).isNull();
                }
                return received.size() >= expected;
            });
        }
        return received;
    }
}
