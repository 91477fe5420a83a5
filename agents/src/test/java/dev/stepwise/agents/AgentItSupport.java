package dev.stepwise.agents;

import static org.awaitility.Awaitility.await;

import dev.stepwise.infra.testing.SharedInfra;
import dev.stepwise.schemas.config.CommonConfig;
import dev.stepwise.schemas.serde.AvroSerdes;
import dev.stepwise.schemas.serde.ConfluentAvroSerializer;
import dev.stepwise.schemas.topics.Topic;
import dev.stepwise.schemas.topics.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** What the agent integration tests share: config for the shared servers, a writer of requests, a committed-output reader. */
final class AgentItSupport {

    static final Duration WAIT = Duration.ofSeconds(60);

    private AgentItSupport() {
    }

    /** An agent config for the shared broker and registry, this test's topics, and fast retries. */
    static AgentConfig config(final Topics topics, final String instanceId, final Map<String, Object> overrides) {
        final Map<String, Object> props = new HashMap<>();
        props.put(CommonConfig.BOOTSTRAP_SERVERS, SharedInfra.bootstrapServers());
        props.put(CommonConfig.SCHEMA_REGISTRY_URL, SharedInfra.registryUrl());
        props.put(CommonConfig.TOPIC_PREFIX, topics.prefix());
        props.put(CommonConfig.TOPIC_PARTITIONS, topics.partitions());
        props.put(CommonConfig.TOPIC_AGENT_PARTITIONS, topics.agentPartitions());
        props.put(AgentConfig.INSTANCE_ID, instanceId);
        props.put(AgentConfig.RETRY_BACKOFF_MS, 20L);
        props.put(AgentConfig.RETRY_BACKOFF_MAX_MS, 200L);
        props.putAll(overrides);
        return new AgentConfig(props);
    }

    /** Writes records as the topology would (Avro, keyed by prompt id), and raw bytes as a broken client would. */
    static final class Writer implements AutoCloseable {
        private final KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedInfra.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new ByteArraySerializer());
        private final ConfluentAvroSerializer<SpecificRecord> serializer =
                new ConfluentAvroSerializer<>(SharedInfra.registryClient(), false, AvroSerdes.DEFAULT_CACHE_SIZE);

        <V extends SpecificRecord> void send(final Topic<V> topic, final String promptId, final V value) {
            sendBytes(topic, promptId, serializer.serialize(topic.name(), value));
        }

        void sendBytes(final Topic<?> topic, final String key, final byte[] value) {
            try {
                producer.send(new ProducerRecord<>(topic.name(), key, value)).get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            } catch (ExecutionException e) {
                throw new IllegalStateException(e.getCause());
            }
        }

        @Override
        public void close() {
            producer.close(Duration.ofSeconds(5));
        }
    }

    /** Waits until the group has committed offsets up to the end of every partition of {@code topic}. */
    static void awaitAllConsumed(final String groupId, final Topic<?> topic) {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> lag(groupId, topic) == 0);
    }

    /** Records of {@code topic} not yet committed by {@code groupId}. */
    static long lag(final String groupId, final Topic<?> topic) throws ExecutionException, InterruptedException {
        final List<TopicPartition> partitions = partitions(topic);
        final ListOffsetsResult ends = SharedInfra.admin()
                .listOffsets(partitions.stream().collect(Collectors.toMap(p -> p, p -> OffsetSpec.latest())));
        final Map<TopicPartition, OffsetAndMetadata> committed = SharedInfra.admin()
                .listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata().get();
        long lag = 0;
        for (final TopicPartition partition : partitions) {
            final OffsetAndMetadata offset = committed.get(partition);
            lag += ends.partitionResult(partition).get().offset() - (offset == null ? 0 : offset.offset());
        }
        return lag;
    }

    /** Offsets the group has committed on {@code topic}, summed over partitions. */
    static long committed(final String groupId, final Topic<?> topic) throws ExecutionException, InterruptedException {
        return SharedInfra.admin().listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata().get().entrySet().stream()
                .filter(entry -> entry.getKey().topic().equals(topic.name()) && entry.getValue() != null)
                .mapToLong(entry -> entry.getValue().offset())
                .sum();
    }

    /**
     * Every committed record of {@code topic}, read with read_committed from the beginning to the end. While a
     * transaction is open on a partition, the end is its last stable offset: nothing at or after the open
     * transaction's first record is read.
     */
    static <V extends SpecificRecord> List<ConsumerRecord<String, V>> readCommitted(final Topic<V> topic) {
        return read(topic, IsolationLevel.READ_COMMITTED);
    }

    /** Every record of {@code topic}, read with read_uncommitted: also what open and aborted transactions wrote. */
    static <V extends SpecificRecord> List<ConsumerRecord<String, V>> readUncommitted(final Topic<V> topic) {
        return read(topic, IsolationLevel.READ_UNCOMMITTED);
    }

    private static <V extends SpecificRecord> List<ConsumerRecord<String, V>> read(final Topic<V> topic,
                                                                                  final IsolationLevel isolation) {
        final Deserializer<V> deserializer = new AvroSerdes(SharedInfra.registryClient()).valueSerde(topic).deserializer();
        final List<TopicPartition> partitions = partitions(topic);
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedInfra.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation.toString(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            final Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            final List<ConsumerRecord<String, V>> records = new ArrayList<>();
            await().atMost(WAIT).pollInterval(Duration.ZERO).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(record -> records.add(new ConsumerRecord<>(record.topic(),
                        record.partition(), record.offset(), record.key(), deserializer.deserialize(record.topic(), record.value()))));
                return partitions.stream().allMatch(partition -> consumer.position(partition) >= ends.get(partition));
            });
            return records;
        }
    }

    static List<TopicPartition> partitions(final Topic<?> topic) {
        return IntStream.range(0, topic.partitions()).mapToObj(i -> new TopicPartition(topic.name(), i)).toList();
    }
}
