package dev.stepwise.client;

import dev.stepwise.schemas.avro.StepProposed;
import dev.stepwise.schemas.serde.AvroSerdes;
import dev.stepwise.schemas.serde.SchemaRegistryClient;
import dev.stepwise.schemas.topics.Topic;
import dev.stepwise.schemas.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Utils;

/**
 * Reads what the log holds about one prompt: its events on any topic, and the steps of a chain. This is the
 * audit trail ({@code ./stepwise explain} prints it); it may include the hidden chain and the search's
 * reasons, so it is for operators and auditors, not for showing to the person who asked.
 */
public final class PromptLog {

    private final String bootstrap;
    private final AvroSerdes serdes;
    private final String clientId;

    PromptLog(final String bootstrap, final AvroSerdes serdes, final String clientId) {
        this.bootstrap = bootstrap;
        this.serdes = serdes;
        this.clientId = clientId;
    }

    /** A reader of the log of the cluster at {@code bootstrap}, without a {@link StepwiseClient}. */
    public static PromptLog of(final String bootstrap, final SchemaRegistryClient registry) {
        return new PromptLog(bootstrap, new AvroSerdes(registry), ClientSettings.DEFAULT_CLIENT_ID);
    }

    /**
     * Every committed event of one prompt on a topic, in log order, from {@code since} (or the start of the log
     * when null). Only one partition is read: all events of a prompt carry its id as the key, so the default
     * partitioner puts them on the same partition of every topic.
     */
    public <V> List<V> eventsOf(final Topic<V> topic, final String promptId, final Instant since) {
        try (KafkaConsumer<String, V> reader = new KafkaConsumer<>(
                StepwiseClient.consumerProps(bootstrap, clientId + "-log-reader"),
                Serdes.String().deserializer(), serdes.valueSerde(topic).deserializer())) {
            final int partitionCount = StepwiseClient.partitions(reader, topic, ClientSettings.DEFAULT_CONNECT_TIMEOUT).size();
            final TopicPartition tp = new TopicPartition(topic.name(), partitionOf(promptId, partitionCount));
            reader.assign(List.of(tp));
            final long end = reader.endOffsets(List.of(tp)).get(tp);
            if (since == null) {
                reader.seekToBeginning(List.of(tp));
            } else {
                final OffsetAndTimestamp start = reader.offsetsForTimes(Map.of(tp, since.toEpochMilli())).get(tp);
                // No record at or after `since`: there is nothing to read.
                reader.seek(tp, start == null ? end : start.offset());
            }
            final List<V> events = new ArrayList<>();
            while (reader.position(tp) < end) {
                for (ConsumerRecord<String, V> r : reader.poll(Duration.ofMillis(200))) {
                    if (promptId.equals(r.key()) && r.value() != null) {
                        events.add(r.value());
                    }
                }
            }
            return events;
        }
    }

    /** The steps of a chain, root first, looked up among the prompt's steps since {@code since}. */
    public List<StepProposed> chain(final Topics topics, final String promptId, final List<String> stepIds,
                                    final Instant since) {
        final Map<String, StepProposed> byId = new HashMap<>();
        for (StepProposed step : eventsOf(topics.stepsProposed(), promptId, since)) {
            byId.putIfAbsent(step.getStepId(), step);
        }
        final List<StepProposed> chain = new ArrayList<>();
        stepIds.stream().map(byId::get).filter(Objects::nonNull).forEach(chain::add);
        return chain;
    }

    /** The partition the default partitioner gives a prompt's events on a topic of {@code partitions} partitions. */
    static int partitionOf(final String promptId, final int partitions) {
        return Utils.toPositive(Utils.murmur2(promptId.getBytes(StandardCharsets.UTF_8))) % partitions;
    }
}
