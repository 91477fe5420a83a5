package dev.stepwise.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.stepwise.infra.testing.SharedInfra;
import dev.stepwise.schemas.EventSamples;
import dev.stepwise.schemas.avro.PromptSubmitted;
import dev.stepwise.schemas.serde.AvroSerdes;
import dev.stepwise.schemas.topics.Topic;
import dev.stepwise.schemas.topics.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

/**
 * The optional Docker tier: one event through a containerised broker (the image compose pins),
 * with the registry from {@link SharedInfra}. Skipped where there is no Docker engine; the same
 * round trip runs without Docker in {@link EventRoundTripIT}.
 */
@Testcontainers(disabledWithoutDocker = true)
@ExtendWith(SharedInfra.class)
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class KafkaContainerIT {

    /** Same image as infra/compose/docker-compose.yml. */
    @Container
    static final KafkaContainer KAFKA = new KafkaContainer("apache/kafka:4.4.0");

    @Test
    void anEventRoundTripsThroughAContainerisedBroker() throws Exception {
        final Topics topics = new Topics(SharedInfra.uniqueName("container"), 1);
        final Topic<PromptSubmitted> prompts = topics.prompts();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.getBootstrapServers()))) {
            TopicProvisioner.ensureTopics(admin, List.of(prompts), TopicProvisioner.BROKER_DEFAULT_REPLICATION,
                    TopicProvisioner.DEFAULT_TIMEOUT);
        }
        final Serde<PromptSubmitted> serde = new AvroSerdes(SharedInfra.registryClient()).valueSerde(prompts);
        final PromptSubmitted sent = EventSamples.sampleFor(prompts);

        try (KafkaProducer<String, PromptSubmitted> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.getBootstrapServers(),
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true), AvroSerdes.keySerde().serializer(), serde.serializer())) {
            producer.send(new ProducerRecord<>(prompts.name(), EventSamples.PROMPT_ID, sent)).get(30, TimeUnit.SECONDS);
        }

        final List<PromptSubmitted> received = new ArrayList<>();
        try (KafkaConsumer<String, PromptSubmitted> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.getBootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), AvroSerdes.keySerde().deserializer(), serde.deserializer())) {
            final TopicPartition partition = new TopicPartition(prompts.name(), 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            await().atMost(Duration.ofSeconds(60)).pollInSameThread().until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(record -> received.add(record.value()));
                return !received.isEmpty();
            });
        }
        assertThat(received).containsExactly(sent);
    }
}
