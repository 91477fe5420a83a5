package dev.stepwise.cli;

import dev.stepwise.schemas.avro.AnswerPublished;
import dev.stepwise.schemas.avro.DeadLetter;
import dev.stepwise.schemas.avro.PromptSubmitted;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Utils;

/**
 * What a user of Stepwise does over Kafka: publish prompts, wait for their answers, and look up the
 * steps of a winning chain. {@code ask} and {@code demo} both use it. Answers are read with
 * {@code read_committed}, from the end of the answer topic as it was before the prompts were sent.
 */
final class PromptClient implements AutoCloseable {

    private final Topics topics;
    private final String bootstrap;
    private final AvroSerdes serdes;
    private final KafkaProducer<String, PromptSubmitted> producer;
    private final KafkaConsumer<String, byte[]> outcomes;
    private final Deserializer<AnswerPublished> answerDecoder;
    private final Deserializer<DeadLetter> deadLetterDecoder;

    PromptClient(final String bootstrap, final SchemaRegistryClient registry, final Topics topics) {
        this.topics = topics;
        this.bootstrap = bootstrap;
        this.serdes = new AvroSerdes(registry);
        final Map<String, Object> producerProps = new HashMap<>();
        producerProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
        producerProps.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        producerProps.put(ProducerConfig.CLIENT_ID_CONFIG, "stepwise-cli");
        this.producer = new KafkaProducer<>(producerProps, Serdes.String().serializer(),
                serdes.valueSerde(topics.prompts()).serializer());
        this.answerDecoder = serdes.valueSerde(topics.answers()).deserializer();
        this.deadLetterDecoder = serdes.valueSerde(topics.deadLetter()).deserializer();
        // Answers and dead letters both end a prompt: a prompt the topology rejects (an unknown strategy,
        // a budget out of range) comes back as a dead letter keyed by its id, not as silence.
        this.outcomes = consumer(new ByteArrayDeserializer());
        final List<TopicPartition> partitions = new ArrayList<>(partitions(outcomes, topics.answers()));
        partitions.addAll(partitions(outcomes, topics.deadLetter()));
        outcomes.assign(partitions);
        outcomes.seekToEnd(partitions);
        // position() resolves the lazy seek now, before any prompt is sent, so no outcome can be missed.
        partitions.forEach(outcomes::position);
    }

    private <V> KafkaConsumer<String, V> consumer(final Deserializer<V> values) {
        final Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "stepwise-cli-reader");
        return new KafkaConsumer<>(props, Serdes.String().deserializer(), values);
    }

    private List<TopicPartition> partitions(final KafkaConsumer<?, ?> consumer, final Topic<?> topic) {
        final List<TopicPartition> partitions = consumer.partitionsFor(topic.name(), Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        if (partitions.isEmpty()) {
            throw new IllegalStateException("Topic " + topic.name() + " does not exist on " + bootstrap
                    + ": run './stepwise up --bootstrap " + bootstrap + " --registry ...' (or './stepwise topology') "
                    + "against this cluster first; it creates the topics and answers the prompts.");
        }
        return partitions;
    }

    /**
     * True when a topology instance is a live member of its consumer group, i.e. someone will answer.
     * A cluster without one still takes prompts; they are answered when a topology starts.
     */
    boolean topologyIsRunning(final String applicationId) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            final ConsumerGroupDescription group = admin.describeConsumerGroups(List.of(applicationId))
                    .describedGroups().get(applicationId).get(30, TimeUnit.SECONDS);
            return !group.members().isEmpty();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof GroupIdNotFoundException) {
                return false;
            }
            throw new IllegalStateException("Cannot look up consumer group " + applicationId + ": " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("Cannot look up consumer group " + applicationId + " on " + bootstrap + " within 30 s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted", e);
        }
    }

    /** Publishes a prompt and waits until the broker has it. */
    void submit(final PromptSubmitted prompt) {
        try {
            producer.send(new ProducerRecord<>(topics.prompts().name(), prompt.getPromptId(), prompt)).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while publishing prompt " + prompt.getPromptId(), e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Cannot publish prompt " + prompt.getPromptId() + ": " + e.getCause().getMessage(), e.getCause());
        }
    }

    /**
     * Waits for the answers of {@code promptIds}, handing each to {@code onAnswer} as it arrives. A prompt
     * the topology rejected is reported as an answer with no answer and the dead letter's reason as its error.
     *
     * @return the answers received, by prompt id (fewer than asked for if the timeout passed)
     */
    Map<String, AnswerPublished> awaitAnswers(final Set<String> promptIds, final Duration timeout,
                                              final Consumer<AnswerPublished> onAnswer) {
        final Map<String, AnswerPublished> received = new LinkedHashMap<>();
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (received.size() < promptIds.size() && System.nanoTime() < deadline) {
            for (ConsumerRecord<String, byte[]> record : outcomes.poll(Duration.ofMillis(200))) {
                if (record.key() == null || !promptIds.contains(record.key()) || received.containsKey(record.key())) {
                    continue;
                }
                final AnswerPublished outcome = record.topic().equals(topics.answers().name())
                        ? answerDecoder.deserialize(record.topic(), record.value())
                        : rejection(record.key(), deadLetterDecoder.deserialize(record.topic(), record.value()));
                if (outcome != null) {
                    received.put(record.key(), outcome);
                    onAnswer.accept(outcome);
                }
            }
        }
        return received;
    }

    /** A dead letter of one of our prompts, as an answer that carries the reason; null for other dead letters. */
    private AnswerPublished rejection(final String promptId, final DeadLetter dead) {
        if (dead == null || !dead.getSourceTopic().equals(topics.prompts().name())) {
            return null;
        }
        return AnswerPublished.newBuilder()
                .setPromptId(promptId)
                .setSummary("No answer: the prompt was rejected (" + dead.getErrorType() + ").")
                .setModelCalls(0)
                .setTokens(0)
                .setLatencyMs(0)
                .setStrategy("")
                .setError(dead.getError())
                .setAnsweredAt(dead.getRejectedAt())
                .build();
    }

    /**
     * The steps of a chain, root first, looked up among the prompt's steps since {@code since}.
     */
    List<StepProposed> chain(final String promptId, final List<String> stepIds, final Instant since) {
        final Map<String, StepProposed> byId = new HashMap<>();
        for (StepProposed step : eventsOf(topics.stepsProposed(), promptId, since)) {
            byId.putIfAbsent(step.getStepId(), step);
        }
        final List<StepProposed> chain = new ArrayList<>();
        stepIds.stream().map(byId::get).filter(Objects::nonNull).forEach(chain::add);
        return chain;
    }

    /**
     * Every committed event of one prompt on a topic, in log order, from {@code since} (or the start
     * of the log when null). Only one partition is read: all events of a prompt carry its id as the
     * key, so the default partitioner puts them on the same partition of every topic.
     */
    <V> List<V> eventsOf(final Topic<V> topic, final String promptId, final Instant since) {
        try (KafkaConsumer<String, V> reader = consumer(serdes.valueSerde(topic).deserializer())) {
            final int partitionCount = partitions(reader, topic).size();
            final int partition = Utils.toPositive(Utils.murmur2(promptId.getBytes(StandardCharsets.UTF_8))) % partitionCount;
            final TopicPartition tp = new TopicPartition(topic.name(), partition);
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

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
        outcomes.close(CloseOptions.timeout(Duration.ofSeconds(5)));
    }
}
