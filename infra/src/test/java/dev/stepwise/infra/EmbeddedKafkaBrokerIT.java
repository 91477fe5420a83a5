package dev.stepwise.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The in-process broker on its own (the shared one is used by the other ITs). */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EmbeddedKafkaBrokerIT {

    @Test
    void ephemeralPortIsResolvedAndTransactionsCommitOnOneNode() throws Exception {
        final Path logDir;
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(0, null)) {
            logDir = broker.logDir();
            assertThat(broker.port()).isPositive();
            assertThat(broker.bootstrapServers()).isEqualTo("127.0.0.1:" + broker.port());
            createTopic(broker, "tx");

            // Transactions need the RF-1 transaction log: with broker defaults initTransactions() times out.
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                    ProducerConfig.TRANSACTIONAL_ID_CONFIG, "it-tx",
                    ProducerConfig.MAX_BLOCK_MS_CONFIG, 20_000), new StringSerializer(), new StringSerializer())) {
                producer.initTransactions();
                producer.beginTransaction();
                producer.send(new ProducerRecord<>("tx", "k", "committed"));
                producer.commitTransaction();
            }
            assertThat(readAll(broker, "tx", 1)).containsExactly("committed");
        }
        assertThat(logDir).as("a temporary log dir is deleted on close").doesNotExist();
    }

    @Test
    void aFormattedDataDirIsReusedSoRecordsSurviveARestart(@TempDir final Path dataDir) throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(0, dataDir)) {
            createTopic(broker, "kept");
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()), new StringSerializer(), new StringSerializer())) {
                producer.send(new ProducerRecord<>("kept", "k", "before restart")).get(30, TimeUnit.SECONDS);
            }
        }
        assertThat(dataDir.resolve("meta.properties")).exists();
        final String clusterId = Files.readAllLines(dataDir.resolve("meta.properties")).stream()
                .filter(line -> line.startsWith("cluster.id=")).findFirst().orElseThrow();

        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(0, dataDir)) {
            assertThat(readAll(broker, "kept", 1)).containsExactly("before restart");
        }
        assertThat(Files.readAllLines(dataDir.resolve("meta.properties"))).as("not re-formatted").contains(clusterId);
    }

    @Test
    void aTakenPortFailsWithAClearError() throws Exception {
        try (EmbeddedKafkaBroker first = EmbeddedKafkaBroker.start(0, null)) {
            assertThatThrownBy(() -> EmbeddedKafkaBroker.start(first.port(), null))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("Kafka broker did not start");
        }
    }

    private static void createTopic(final EmbeddedKafkaBroker broker, final String name) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(name, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
    }

    /**
     * Reads from the start until {@code expected} values arrived. A read_committed consumer sees a
     * transaction only once its commit marker is written, which happens after commitTransaction()
     * returns, so this waits for the records rather than reading up to the current end offset.
     */
    private static List<String> readAll(final EmbeddedKafkaBroker broker, final String topic, final int expected) {
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(), new StringDeserializer())) {
            final TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            final List<String> values = new ArrayList<>();
            await(expected + " record(s) on " + topic).atMost(Duration.ofSeconds(30)).pollInSameThread().until(() -> {
                for (final ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    values.add(record.value());
                }
                return values.size() >= expected;
            });
            return values;
        }
    }
}
