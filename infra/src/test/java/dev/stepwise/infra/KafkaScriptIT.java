package dev.stepwise.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code infra/bin/kafka}: a broker in a separate process that starts, serves, reports and stops. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class KafkaScriptIT {

    /** Failsafe runs in the module directory. */
    private static final Path SCRIPT = Path.of("bin", "kafka").toAbsolutePath();

    @TempDir
    Path home;
    private int port;

    @AfterEach
    void stopWhateverIsLeft() throws Exception {
        run("stop");
    }

    @Test
    void startServesStatusAndStopLeavesNoBrokerProcess() throws Exception {
        port = Dirs.freePort();
        final String bootstrap = "127.0.0.1:" + port;

        final Result start = run("start");
        assertThat(start.exitCode()).as(start.output()).isZero();
        assertThat(start.output()).contains("kafka ready bootstrap=" + bootstrap);
        final long pid = Long.parseLong(Files.readString(home.resolve("kafka/kafka.pid")).strip());
        assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).isPresent();

        roundTrip(bootstrap);

        final Result status = run("status");
        assertThat(status.exitCode()).isZero();
        assertThat(status.output()).contains("kafka running pid=" + pid).contains(bootstrap);

        final Result stop = run("stop");
        assertThat(stop.exitCode()).as(stop.output()).isZero();
        assertThat(stop.output()).contains("kafka stopped");
        await("broker pid " + pid + " gone").atMost(Duration.ofSeconds(5))
                .until(() -> ProcessHandle.of(pid).filter(ProcessHandle::isAlive).isEmpty());
        assertThat(home.resolve("kafka/kafka.pid")).doesNotExist();

        final Result after = run("status");
        assertThat(after.exitCode()).isEqualTo(1);
        assertThat(after.output()).contains("kafka not running");
    }

    private static void roundTrip(final String bootstrap) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic("script-probe", 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true), new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>("script-probe", "k", "hello from the script broker")).get(30, TimeUnit.SECONDS);
        }
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(), new StringDeserializer())) {
            final TopicPartition partition = new TopicPartition("script-probe", 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            final List<String> values = new ArrayList<>();
            await().atMost(Duration.ofSeconds(30)).pollInSameThread().until(() -> {
                final ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(200));
                for (final ConsumerRecord<String, String> record : records) {
                    values.add(record.value());
                }
                return !values.isEmpty();
            });
            assertThat(values).containsExactly("hello from the script broker");
        }
    }

    private record Result(int exitCode, String output) {
    }

    private Result run(final String command) throws IOException, InterruptedException {
        final ProcessBuilder builder = new ProcessBuilder(SCRIPT.toString(), command).redirectErrorStream(true);
        final Map<String, String> env = builder.environment();
        env.put("STEPWISE_HOME", home.toString());
        if (port != 0) {
            env.put("STEPWISE_KAFKA_PORT", Integer.toString(port));
            env.put("STEPWISE_KAFKA_CONTROLLER_PORT", Integer.toString(Dirs.freePort()));
        }
        final Process process = builder.start();
        final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("infra/bin/kafka " + command + " did not finish:\n" + output);
        }
        return new Result(process.exitValue(), output);
    }
}
