package dev.stepwise.client;

import dev.stepwise.schemas.avro.AnswerPublished;
import dev.stepwise.schemas.avro.PromptCancelled;
import dev.stepwise.schemas.avro.PromptSubmitted;
import dev.stepwise.schemas.avro.SearchDecision;
import dev.stepwise.schemas.serde.AvroSerdes;
import dev.stepwise.schemas.topics.Topic;
import dev.stepwise.schemas.topics.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a JVM application needs to use Stepwise over Kafka: submit prompts, cancel them, and get their answers
 * and live progress. One instance per process serves any number of concurrent callers.
 *
 * <p>It reads with one consumer and one thread, whatever the number of callers: the consumer is
 * <em>assigned</em> every partition of the answers and decisions topics (no consumer group, so any number of
 * processes can run side by side and each sees every answer, the ones it waits for among them), reads with
 * {@code read_committed} (the topology writes transactionally), and starts at the end of the log as it was
 * when the client was created. Each record is routed to the caller waiting for its prompt id; everything
 * else is dropped, except a bounded number of recent answers (see {@link ClientSettings#maxUnclaimedAnswers()}).
 * A decision is handed to callers as {@link Progress}: numbers only, never its reason.
 *
 * <pre>{@code
 * try (StepwiseClient client = StepwiseClient.connect(ClientSettings.of(bootstrap, registry, Topics.defaults()))) {
 *     PromptHandle handle = client.submit(prompt, p -> log.info("depth {}, {} calls", p.depth(), p.modelCalls()));
 *     AnswerPublished answer = handle.answer().get(2, TimeUnit.MINUTES);
 * }
 * }</pre>
 */
public final class StepwiseClient implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StepwiseClient.class);
    private static final Duration POLL = Duration.ofMillis(100);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private final ClientSettings settings;
    private final Topics topics;
    private final KafkaProducer<String, byte[]> producer;
    private final Serializer<PromptSubmitted> promptSerializer;
    private final Serializer<PromptCancelled> cancelSerializer;
    private final Deserializer<AnswerPublished> answerDecoder;
    private final Deserializer<SearchDecision> decisionDecoder;
    private final KafkaConsumer<String, byte[]> consumer;
    private final Router router;
    private final Thread reader;
    private final CountDownLatch readerStopped = new CountDownLatch(1);
    private volatile boolean closing;

    private StepwiseClient(final ClientSettings settings) {
        this.settings = settings;
        this.topics = settings.topics();
        this.router = new Router(settings.maxUnclaimedAnswers());
        final AvroSerdes serdes = new AvroSerdes(settings.registry());
        this.promptSerializer = serdes.valueSerde(topics.prompts()).serializer();
        this.cancelSerializer = serdes.valueSerde(topics.promptsCancelled()).serializer();
        this.answerDecoder = serdes.valueSerde(topics.answers()).deserializer();
        this.decisionDecoder = serdes.valueSerde(topics.decisions()).deserializer();
        final String instance = settings.clientId() + "-" + INSTANCES.incrementAndGet();

        final Map<String, Object> producerProps = new HashMap<>();
        producerProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
        producerProps.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        producerProps.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        producerProps.put(ProducerConfig.CLIENT_ID_CONFIG, instance + "-producer");
        this.consumer = new KafkaConsumer<>(consumerProps(settings.bootstrapServers(), instance + "-router"),
                Serdes.String().deserializer(), new ByteArrayDeserializer());
        KafkaProducer<String, byte[]> created = null;
        try {
            final Duration timeout = settings.connectTimeout();
            final List<TopicPartition> partitions = new ArrayList<>(partitions(consumer, topics.answers(), timeout));
            partitions.addAll(partitions(consumer, topics.decisions(), timeout));
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            // position() resolves the lazy seek now, before any prompt can be sent, so no answer is missed.
            partitions.forEach(consumer::position);
            created = new KafkaProducer<>(producerProps, Serdes.String().serializer(), new ByteArraySerializer());
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            consumer.close(CloseOptions.timeout(CLOSE_TIMEOUT));
            throw new IllegalStateException("No Kafka broker answered at " + settings.bootstrapServers() + " within "
                    + settings.connectTimeout().toSeconds() + " s. Start one with './stepwise up', or fix the bootstrap "
                    + "servers (--bootstrap / STEPWISE_BOOTSTRAP).", e);
        } catch (RuntimeException e) {
            consumer.close(CloseOptions.timeout(CLOSE_TIMEOUT));
            throw e;
        }
        this.producer = created;
        this.reader = new Thread(this::readLoop, instance + "-router");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Connects: looks up the partitions of the answers and decisions topics and positions the reader at their
     * ends, so every answer written from now on is seen. That is all it asks of the cluster: no consumer group
     * to join, no admin client, no registry call (the prompt's schema is registered, once, by the first submit).
     *
     * @throws IllegalStateException when no broker answers within {@link ClientSettings#connectTimeout()}, or the
     *                               topics do not exist (no Stepwise deployment with this prefix)
     */
    public static StepwiseClient connect(final ClientSettings settings) {
        return new StepwiseClient(settings);
    }

    static Map<String, Object> consumerProps(final String bootstrap, final String clientId) {
        final Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        // Progress is shown while a search runs: a fetch that finds nothing new returns after 50 ms instead of
        // Kafka's 500, so a record that becomes readable when its transaction commits is seen within that.
        props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 50);
        return props;
    }

    static List<TopicPartition> partitions(final KafkaConsumer<?, ?> consumer, final Topic<?> topic, final Duration timeout) {
        final List<TopicPartition> partitions = consumer.partitionsFor(topic.name(), timeout).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        if (partitions.isEmpty()) {
            throw new IllegalStateException("Topic " + topic.name() + " does not exist: start Stepwise against this "
                    + "cluster first ('./stepwise up', or './stepwise topology'); it creates the topics and answers the prompts.");
        }
        return partitions;
    }

    public Topics topics() {
        return topics;
    }

    /**
     * Publishes {@code prompt} and routes its progress to {@code listener} and its answer to the returned
     * handle. Waiting starts before the prompt is sent, so nothing is missed.
     *
     * @throws IllegalStateException when this client already waits for a prompt with the same id, or is closed
     */
    public PromptHandle submit(final PromptSubmitted prompt, final ProgressListener listener) {
        requireOpen();
        final String id = prompt.getPromptId();
        final CompletableFuture<AnswerPublished> answer = router.register(id, listener);
        final CompletableFuture<Void> sent = new CompletableFuture<>();
        try {
            final byte[] value = promptSerializer.serialize(topics.prompts().name(), prompt);
            producer.send(new ProducerRecord<>(topics.prompts().name(), id, value), (metadata, e) -> {
                if (e == null) {
                    sent.complete(null);
                } else {
                    final PromptNotSentException failure = new PromptNotSentException(id, e);
                    sent.completeExceptionally(failure);
                    answer.completeExceptionally(failure);
                }
            });
        } catch (RuntimeException e) {
            final PromptNotSentException failure = new PromptNotSentException(id, e);
            sent.completeExceptionally(failure);
            answer.completeExceptionally(failure);
        }
        return new PromptHandle(id, sent, answer, this);
    }

    /** {@link #submit(PromptSubmitted, ProgressListener)} without progress: the answer alone. */
    public CompletableFuture<AnswerPublished> submit(final PromptSubmitted prompt) {
        return submit(prompt, ProgressListener.NONE).answer();
    }

    /**
     * Waits for the answer to a prompt submitted elsewhere (another process, a text prompt). Completes at once
     * when the answer arrived recently and nobody claimed it.
     */
    public CompletableFuture<AnswerPublished> answerOf(final String promptId, final ProgressListener listener) {
        requireOpen();
        return router.register(promptId, listener);
    }

    /**
     * Asks the topology to stop searching for {@code promptId} (see {@link PromptHandle#cancel}).
     *
     * @param reason      why, in words (logged with the CANCEL decision)
     * @param requestedBy who asks: a user, a gateway instance, a service
     * @return completes when the broker has the cancellation
     */
    public CompletableFuture<Void> cancel(final String promptId, final String reason, final String requestedBy) {
        requireOpen();
        final PromptCancelled cancelled = PromptCancelled.newBuilder().setPromptId(promptId)
                .setReason(reason == null ? "" : reason).setRequestedBy(requestedBy == null ? "" : requestedBy)
                .setCancelledAt(Instant.now()).build();
        final CompletableFuture<Void> sent = new CompletableFuture<>();
        try {
            final String topic = topics.promptsCancelled().name();
            producer.send(new ProducerRecord<>(topic, promptId, cancelSerializer.serialize(topic, cancelled)), (m, e) -> {
                if (e == null) {
                    sent.complete(null);
                } else {
                    sent.completeExceptionally(e);
                }
            });
        } catch (RuntimeException e) {
            sent.completeExceptionally(e);
        }
        return sent;
    }

    /** Callers waiting for an answer now. */
    public int waitingCount() {
        return router.waitingCount();
    }

    /**
     * True when a topology instance is a live member of its consumer group, i.e. someone will answer. A
     * cluster without one still takes prompts; they are answered when a topology starts.
     *
     * @param applicationId the topology's Kafka Streams application id
     */
    public boolean topologyIsRunning(final String applicationId) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers()))) {
            final ConsumerGroupDescription group = admin.describeConsumerGroups(List.of(applicationId))
                    .describedGroups().get(applicationId).get(ADMIN_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            return !group.members().isEmpty();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof GroupIdNotFoundException) {
                return false;
            }
            throw new IllegalStateException("Cannot look up consumer group " + applicationId + ": " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("Cannot look up consumer group " + applicationId + " on "
                    + settings.bootstrapServers() + " within " + ADMIN_TIMEOUT.toSeconds() + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted", e);
        }
    }

    /** Reads the event log of single prompts (what {@code explain} shows); it has consumers of its own. */
    public PromptLog log() {
        return new PromptLog(settings.bootstrapServers(), new AvroSerdes(settings.registry()), settings.clientId());
    }

    private void readLoop() {
        final String answers = topics.answers().name();
        try {
            while (!closing) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
                    if (record.key() != null && record.value() != null) {
                        route(record, answers);
                    }
                }
            }
        } catch (WakeupException e) {
            if (!closing) {
                router.failAll(new IllegalStateException("The Stepwise client's reader was woken up unexpectedly", e));
            }
        } catch (RuntimeException | Error e) {
            LOG.error("The Stepwise client stopped reading answers: {}", e.toString(), e);
            router.failAll(new IllegalStateException("The Stepwise client stopped reading answers: " + e, e));
        } finally {
            readerStopped.countDown();
        }
    }

    private void route(final ConsumerRecord<String, byte[]> record, final String answers) {
        try {
            if (record.topic().equals(answers)) {
                router.onAnswer(answerDecoder.deserialize(record.topic(), record.value()));
            } else if (router.wantsProgress(record.key())) {
                router.onDecision(decisionDecoder.deserialize(record.topic(), record.value()));
            }
        } catch (RuntimeException e) {
            // One undecodable record must not stop every caller's answers; the topology dead-letters its own input.
            LOG.warn("Skipping a record of {} at partition {} offset {} that cannot be decoded: {}",
                    record.topic(), record.partition(), record.offset(), e.toString());
        }
    }

    private void requireOpen() {
        if (closing) {
            throw new IllegalStateException("The Stepwise client is closed");
        }
    }

    /** Stops reading (waiting callers fail with an {@link IllegalStateException}) and closes the Kafka clients. */
    @Override
    public void close() {
        if (closing) {
            return;
        }
        closing = true;
        consumer.wakeup();
        try {
            if (!readerStopped.await(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("The Stepwise client's reader did not stop within {}", CLOSE_TIMEOUT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        router.failAll(new IllegalStateException("The Stepwise client is closed"));
        producer.close(CLOSE_TIMEOUT);
        consumer.close(CloseOptions.timeout(CLOSE_TIMEOUT));
    }
}
