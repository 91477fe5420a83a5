package dev.stepwise.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The floor of a serial step on this broker: a record sent through {@code hops} transactional read-process-write
 * relays in a row, each a read_committed consumer and a transactional producer that writes the record on and commits
 * its input offset in the same transaction, as every hop of a step does (topology to proposer to verifier to
 * topology). No serdes, no model, no search; the latency is the client's from send to the last relay's output read.
 */
final class TransactionalHops {

    /** What was measured, in milliseconds. */
    record Result(int hops, int rounds, double p50Ms, double p90Ms) {
    }

    private static final Duration ROUND_TIMEOUT = Duration.ofSeconds(30);
    /** Between rounds, so that a round never meets the previous one's transaction markers still being written. */
    private static final Duration PAUSE = Duration.ofMillis(30);

    private TransactionalHops() {
    }

    static Result measure(final String bootstrap, final int hops, final int rounds) throws InterruptedException {
        final String base = "bench-hops-" + Long.toHexString(System.nanoTime()) + "-";
        final List<NewTopic> topics = new ArrayList<>();
        for (int i = 0; i <= hops; i++) {
            topics.add(new NewTopic(base + i, 1, (short) 1));
        }
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(topics).all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot create the hop topics: " + e, e);
        }
        final List<Relay> relays = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> source = new KafkaProducer<>(producerProps(bootstrap, null),
                new ByteArraySerializer(), new ByteArraySerializer());
             KafkaConsumer<byte[], byte[]> sink = consumer(bootstrap, base + "sink")) {
            for (int i = 0; i < hops; i++) {
                relays.add(new Relay(bootstrap, base + i, base + (i + 1)));
            }
            sink.subscribe(List.of(base + hops));
            // One warm-up round: group joins, producer ids and the first transactions are not what this measures.
            final long[] latencies = new long[rounds];
            for (int round = -1; round < rounds; round++) {
                final long t0 = System.nanoTime();
                source.send(new ProducerRecord<>(base + 0, new byte[] {1}));
                source.flush();
                final long deadline = t0 + (round < 0 ? ROUND_TIMEOUT.multipliedBy(2) : ROUND_TIMEOUT).toNanos();
                int read = 0;
                while (read == 0) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("a record did not pass " + hops + " transactional hops in time");
                    }
                    read = sink.poll(Duration.ofMillis(100)).count();
                }
                if (round >= 0) {
                    latencies[round] = System.nanoTime() - t0;
                }
                Thread.sleep(PAUSE.toMillis());
            }
            Arrays.sort(latencies);
            return new Result(hops, rounds, latencies[rounds / 2] / 1e6, latencies[(int) (rounds * 0.9)] / 1e6);
        } finally {
            relays.forEach(Relay::close);
        }
    }

    private static Map<String, Object> producerProps(final String bootstrap, final String transactionalId) {
        final Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        // As the agents and the topology: a quick retry of CONCURRENT_TRANSACTIONS.
        props.put(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, 10);
        if (transactionalId != null) {
            props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        }
        return props;
    }

    private static KafkaConsumer<byte[], byte[]> consumer(final String bootstrap, final String group) {
        final Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.toString());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** One hop: reads {@code from}, writes each record to {@code to} with its offset, one transaction per poll. */
    private static final class Relay {
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final KafkaProducer<byte[], byte[]> producer;
        private final Thread thread;
        private volatile boolean stopping;

        Relay(final String bootstrap, final String from, final String to) {
            consumer = consumer(bootstrap, from + "-relay");
            producer = new KafkaProducer<>(producerProps(bootstrap, from + "-relay"), new ByteArraySerializer(),
                    new ByteArraySerializer());
            producer.initTransactions();
            consumer.subscribe(List.of(from));
            thread = Thread.ofPlatform().daemon().name("bench-hop-" + from).start(() -> relay(to));
        }

        private void relay(final String to) {
            try {
                while (!stopping) {
                    final ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(500));
                    if (records.isEmpty()) {
                        continue;
                    }
                    producer.beginTransaction();
                    for (final ConsumerRecord<byte[], byte[]> record : records) {
                        producer.send(new ProducerRecord<>(to, record.key(), record.value()));
                    }
                    producer.sendOffsetsToTransaction(records.nextOffsets(), consumer.groupMetadata());
                    producer.commitTransaction();
                }
            } catch (WakeupException e) {
                // closing
            } finally {
                producer.close(Duration.ofSeconds(5));
                consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
            }
        }

        void close() {
            stopping = true;
            consumer.wakeup();
            try {
                thread.join(Duration.ofSeconds(15).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
