package dev.stepwise.agents;

import dev.stepwise.models.ModelCallException;
import dev.stepwise.schemas.avro.DeadLetter;
import dev.stepwise.schemas.deadletter.DeadLetters;
import dev.stepwise.schemas.deadletter.RejectedInputException;
import dev.stepwise.schemas.serde.UndecodableRecordException;
import dev.stepwise.schemas.topics.Topic;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transactional read-process-write loop every agent kind runs (STYLE.md item 6, after apache/kafka
 * {@code ExactlyOnceMessageProcessor}): poll a batch; decode each record (undecodable ones become
 * dead letters with their original bytes); run the handler for every decoded record concurrently on
 * virtual threads; then, in ONE transaction, write every output and dead letter together with the
 * offsets after the batch. An offset is therefore never committed before the work it stands for is
 * written, and work is never written without its offset: a crash at any point redoes the batch, and
 * read_committed readers see each output once.
 *
 * <p>Errors: a producer fenced by a newer incarnation, a lost sequence, a missing authorization or an
 * unsupported broker stop the agent (see {@link #failure()}). Any other Kafka error, and a model that
 * still fails after its retries with a {@link ModelCallException#retriable() retriable} error, abort the
 * transaction and rewind the consumer to the committed offsets; the batch is polled again after a backoff
 * that grows with every consecutive failure. A model failure that retrying cannot fix (a wrong key, URL or
 * model name) never redoes the batch: the handler answers it with an error output, and one that escapes a
 * handler is dead-lettered like any other unexpected error.
 *
 * <p>The consumer and producer are built once by {@link Agents} and owned (closed) by this agent.
 *
 * @param <I> request type
 * @param <O> output type
 */
public final class TransactionalAgent<I extends SpecificRecord, O extends SpecificRecord> implements Agent {

    private static final Logger LOG = LoggerFactory.getLogger(TransactionalAgent.class);

    /** How long one poll blocks; bounds nothing but how quickly an idle loop notices close (wakeup interrupts it anyway). */
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(500);
    /** Producer and consumer close: long enough to finish a commit in flight, short enough for a shutdown hook. */
    private static final Duration CLIENT_CLOSE_TIMEOUT = Duration.ofSeconds(5);

    /**
     * Who this instance is, for ids and log lines.
     *
     * @param kind       proposer, verifier or reviser
     * @param instanceId recorded on every output; part of the transactional id
     * @param groupId    consumer group
     * @param model      backend and model name
     */
    public record Identity(AgentKind kind, String instanceId, String groupId, String model) {
    }

    private final Identity identity;
    private final AgentHandler<I, O> handler;
    private final Deserializer<I> decoder;
    private final Topic<DeadLetter> deadLetters;
    private final Consumer<byte[], byte[]> consumer;
    private final Producer<String, SpecificRecord> producer;
    private final Backoff redeliveryBackoff;
    private final Clock clock;
    private final ExecutorService workers;

    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean clientsClosed = new AtomicBoolean();
    private final CountDownLatch closeRequested = new CountDownLatch(1);
    private final CountDownLatch terminated = new CountDownLatch(1);
    private final Object assignmentChanged = new Object();
    private volatile boolean closing;
    private volatile boolean running;
    private volatile Throwable failure;
    private volatile Set<TopicPartition> assignment = Set.of();

    // Touched by the loop thread only.
    private boolean transactionOpen;
    private int consecutiveFailures;
    /** Set after a failed batch: where to rewind partitions that have no committed offset yet. Null when no rewind is due. */
    private Map<TopicPartition, Long> pendingRewind;

    /**
     * @param decoder           decodes the input topic's values; its failures become dead letters
     * @param consumer          byte-array consumer, read_committed, auto-commit off, not yet subscribed
     * @param producer          transactional producer, not yet initialised
     * @param redeliveryBackoff wait before a failed batch is polled again
     */
    TransactionalAgent(final Identity identity, final AgentHandler<I, O> handler, final Deserializer<I> decoder,
                       final Topic<DeadLetter> deadLetters, final Consumer<byte[], byte[]> consumer,
                       final Producer<String, SpecificRecord> producer, final Backoff redeliveryBackoff, final Clock clock) {
        this.identity = identity;
        this.handler = handler;
        this.decoder = decoder;
        this.deadLetters = deadLetters;
        this.consumer = consumer;
        this.producer = producer;
        this.redeliveryBackoff = redeliveryBackoff;
        this.clock = clock;
        this.workers = Executors.newThreadPerTaskExecutor(
                Thread.ofVirtual().name(threadName() + "-record-", 0).factory());
    }

    @Override
    public AgentKind kind() {
        return identity.kind();
    }

    public String instanceId() {
        return identity.instanceId();
    }

    public String groupId() {
        return identity.groupId();
    }

    @Override
    public List<String> instanceIds() {
        return List.of(identity.instanceId());
    }

    @Override
    public void start() {
        claimStart();
        final Thread thread = new Thread(this::runLoop, threadName());
        thread.start();
    }

    @Override
    public void run() {
        claimStart();
        runLoop();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public boolean awaitAssignment(final Duration timeout) throws InterruptedException {
        final long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (assignmentChanged) {
            while (assignment.isEmpty()) {
                final long remainingMs = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (remainingMs <= 0 || terminated.getCount() == 0) {
                    return !assignment.isEmpty();
                }
                assignmentChanged.wait(remainingMs);
            }
            return true;
        }
    }

    @Override
    public Set<TopicPartition> assignment() {
        return assignment;
    }

    @Override
    public boolean awaitTermination(final Duration timeout) throws InterruptedException {
        return terminated.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure);
    }

    @Override
    public void close(final Duration timeout) {
        closing = true;
        closeRequested.countDown();
        if (started.compareAndSet(false, true)) {
            // Never started: nobody else will close the clients.
            closeClients();
            terminated.countDown();
            return;
        }
        consumer.wakeup();
        try {
            final long halfMs = Math.max(1, timeout.toMillis() / 2);
            if (!terminated.await(halfMs, TimeUnit.MILLISECONDS)) {
                LOG.info("{} {}: batch still running after {} ms, interrupting its model calls; it stays uncommitted "
                        + "and will be redone", kind().component(), instanceId(), halfMs);
                workers.shutdownNow();
                if (!terminated.await(Math.max(1, timeout.toMillis() - halfMs), TimeUnit.MILLISECONDS)) {
                    LOG.warn("{} {}: did not stop within {}", kind().component(), instanceId(), timeout);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void claimStart() {
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException(kind().component() + " " + instanceId() + " was already started or closed");
        }
        running = true;
    }

    private String threadName() {
        return "stepwise-" + kind().component() + "-" + instanceId();
    }

    private void runLoop() {
        try {
            initialize();
            while (!closing) {
                pollAndProcess();
            }
        } catch (WakeupException | InterruptException | InterruptedException e) {
            if (!closing) {
                LOG.info("{} {}: interrupted, stopping", kind().component(), instanceId());
            }
        } catch (RuntimeException | Error e) {
            failure = e;
            LOG.error("{} {}: stopping on a fatal error", kind().component(), instanceId(), e);
        } finally {
            running = false;
            workers.shutdownNow();
            closeClients();
            synchronized (assignmentChanged) {
                // Under the lock, so that awaitAssignment sees the agent stopped as it wakes.
                assignment = Set.of();
                terminated.countDown();
                assignmentChanged.notifyAll();
            }
            LOG.info("{} {}: stopped", kind().component(), instanceId());
        }
    }

    /** Fences older incarnations of this transactional id (aborting their open transaction), then joins the group. */
    void initialize() {
        producer.initTransactions();
        consumer.subscribe(List.of(handler.input().name()), new AssignmentTracker());
        LOG.info("Started {} instance {} in group {} with model {}: {} -> {}", kind().component(), instanceId(),
                groupId(), identity.model(), handler.input().name(), handler.output().name());
    }

    /**
     * One turn of the loop: poll a batch, process it, and commit outputs and offsets in one
     * transaction; on a non-fatal error, abort, back off and arrange the rewind.
     *
     * @throws InterruptedException when the agent is closing while model calls run
     */
    void pollAndProcess() throws InterruptedException {
        Map<TopicPartition, Long> batchStart = Map.of();
        try {
            if (pendingRewind != null) {
                rewind(pendingRewind);
                pendingRewind = null;
            }
            final ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL_TIMEOUT);
            setAssignment(consumer.assignment());
            if (records.isEmpty()) {
                return;
            }
            batchStart = firstOffsets(records);
            commit(records, process(records));
            consecutiveFailures = 0;
        } catch (ProducerFencedException | OutOfOrderSequenceException | FencedInstanceIdException
                 | AuthorizationException | UnsupportedVersionException e) {
            // Fatal: another incarnation took over, or the cluster refuses us; a retry cannot help.
            throw e;
        } catch (WakeupException | InterruptException e) {
            throw e;
        } catch (KafkaException | ModelCallException e) {
            recover(batchStart, e);
        }
    }

    private static Map<TopicPartition, Long> firstOffsets(final ConsumerRecords<byte[], byte[]> records) {
        final Map<TopicPartition, Long> offsets = new HashMap<>();
        for (final TopicPartition partition : records.partitions()) {
            offsets.put(partition, records.records(partition).getFirst().offset());
        }
        return offsets;
    }

    private List<ProducerRecord<String, SpecificRecord>> process(final ConsumerRecords<byte[], byte[]> records)
            throws InterruptedException {
        final List<Work<I, O>> batch = new ArrayList<>(records.count());
        boolean finished = false;
        try {
            for (final ConsumerRecord<byte[], byte[]> record : records) {
                batch.add(decodeAndStart(record));
            }
            final List<ProducerRecord<String, SpecificRecord>> outputs = new ArrayList<>();
            for (final Work<I, O> work : batch) {
                outputs.addAll(finish(work));
            }
            finished = true;
            return outputs;
        } finally {
            if (!finished) {
                // The batch is redone as a whole: stop what is still calling the model.
                batch.forEach(Work::cancel);
            }
        }
    }

    /** A record of the batch: decoded and being handled, or rejected. */
    private sealed interface Work<I, O> {
        default void cancel() {
        }
    }

    private record Handling<I, O>(ConsumerRecord<byte[], byte[]> record, I request, Future<List<O>> outputs)
            implements Work<I, O> {
        @Override
        public void cancel() {
            outputs.cancel(true);
        }
    }

    private record Rejected<I, O>(ConsumerRecord<byte[], byte[]> record, Throwable reason) implements Work<I, O> {
    }

    private Work<I, O> decodeAndStart(final ConsumerRecord<byte[], byte[]> record) {
        final I request;
        try {
            if (record.value() == null) {
                throw new UndecodableRecordException(UndecodableRecordException.Reason.EMPTY,
                        "No value where a " + handler.input().valueType().getSimpleName() + " was expected");
            }
            request = decoder.deserialize(record.topic(), record.headers(), record.value());
        } catch (UndecodableRecordException e) {
            if (e.reason() == UndecodableRecordException.Reason.REGISTRY_UNAVAILABLE) {
                // Not the record's fault: retry the batch later rather than dead-letter a good record.
                throw e;
            }
            return new Rejected<>(record, e);
        } catch (RuntimeException e) {
            return new Rejected<>(record, e);
        }
        return new Handling<>(record, request, workers.submit(() -> handler.handle(request)));
    }

    private List<ProducerRecord<String, SpecificRecord>> finish(final Work<I, O> work) throws InterruptedException {
        return switch (work) {
            case Rejected<I, O> rejected -> List.of(deadLetter(rejected.record(), rejected.reason()));
            case Handling<I, O> handling -> {
                try {
                    final String key = handler.promptId(handling.request());
                    yield Tasks.await(handling.outputs()).stream()
                            .map(output -> new ProducerRecord<String, SpecificRecord>(handler.output().name(), key, output))
                            .toList();
                } catch (ModelCallException e) {
                    if (e.retriable()) {
                        throw e;
                    }
                    // Redoing the batch would fail the same way forever: keep the record, unblock the partition.
                    LOG.error("{} {}: model failure that retrying will not fix, handling {}[{}]@{}: {}", kind().component(),
                            instanceId(), handling.record().topic(), handling.record().partition(), handling.record().offset(),
                            e.getMessage());
                    yield List.of(deadLetter(handling.record(), e));
                } catch (RejectedInputException e) {
                    yield List.of(deadLetter(handling.record(), e));
                } catch (RuntimeException e) {
                    // A bug or an unexpected backend error that retrying will not fix: keep the record, unblock the partition.
                    LOG.error("{} {}: unexpected error handling {}[{}]@{}", kind().component(), instanceId(),
                            handling.record().topic(), handling.record().partition(), handling.record().offset(), e);
                    yield List.of(deadLetter(handling.record(), e));
                }
            }
        };
    }

    private ProducerRecord<String, SpecificRecord> deadLetter(final ConsumerRecord<byte[], byte[]> record, final Throwable reason) {
        LOG.warn("{} {}: dead-lettering {}", kind().component(), instanceId(),
                DeadLetters.describe(record.topic(), record.partition(), record.offset(), reason));
        final String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
        final DeadLetter letter = DeadLetters.of(record, reason, kind().component(), clock.instant());
        return new ProducerRecord<>(deadLetters.name(), key, letter);
    }

    private void commit(final ConsumerRecords<byte[], byte[]> records, final List<ProducerRecord<String, SpecificRecord>> outputs) {
        producer.beginTransaction();
        transactionOpen = true;
        for (final ProducerRecord<String, SpecificRecord> output : outputs) {
            producer.send(output);
        }
        producer.sendOffsetsToTransaction(nextOffsets(records), consumer.groupMetadata());
        producer.commitTransaction();
        transactionOpen = false;
        LOG.debug("{} {}: committed {} records as {} outputs", kind().component(), instanceId(), records.count(), outputs.size());
    }

    /**
     * The offsets after the batch. {@link ConsumerRecords#nextOffsets()} also covers transaction markers
     * after the last record (so committed offsets reach the end of a read_committed partition); the
     * last record's offset + 1 is the fallback for a partition it does not name.
     */
    private static Map<TopicPartition, OffsetAndMetadata> nextOffsets(final ConsumerRecords<byte[], byte[]> records) {
        final Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>(records.nextOffsets());
        for (final TopicPartition partition : records.partitions()) {
            final ConsumerRecord<byte[], byte[]> last = records.records(partition).getLast();
            offsets.putIfAbsent(partition, new OffsetAndMetadata(last.offset() + 1, last.leaderEpoch(), ""));
        }
        return offsets;
    }

    private void recover(final Map<TopicPartition, Long> batchStart, final RuntimeException error) throws InterruptedException {
        consecutiveFailures++;
        final Duration delay = redeliveryBackoff.delay(consecutiveFailures);
        LOG.warn("{} {}: batch failed ({} in a row){}, rewinding to the committed offsets; next try in {} ms: {}",
                kind().component(), instanceId(), consecutiveFailures, transactionOpen ? ", aborting its transaction" : "",
                delay.toMillis(), error.toString());
        if (transactionOpen) {
            transactionOpen = false;
            // If even the abort fails, the producer is unusable: that propagates and stops the agent.
            producer.abortTransaction();
        }
        if (pendingRewind == null) {
            pendingRewind = new HashMap<>(batchStart);
        } else {
            // The previous rewind has not happened yet: its start offsets are the older, right ones.
            batchStart.forEach(pendingRewind::putIfAbsent);
        }
        try {
            rewind(pendingRewind);
            pendingRewind = null;
        } catch (WakeupException | InterruptException e) {
            throw e;
        } catch (KafkaException e) {
            // Still pending: the next turn rewinds before it polls, so no record is skipped.
            LOG.warn("{} {}: rewind failed, trying again before the next poll: {}", kind().component(), instanceId(), e.toString());
        }
        // Wait before polling again, but wake up at once on close.
        if (closeRequested.await(delay.toMillis(), TimeUnit.MILLISECONDS)) {
            LOG.debug("{} {}: closing during backoff", kind().component(), instanceId());
        }
    }

    /**
     * Seeks every assigned partition back to its committed offset, so the failed batch is polled again.
     * A partition that has never committed goes back to where the failed batch started on it.
     */
    private void rewind(final Map<TopicPartition, Long> batchStart) {
        final Set<TopicPartition> partitions = consumer.assignment();
        if (partitions.isEmpty()) {
            return;
        }
        final Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(partitions);
        final Map<TopicPartition, Long> positions = new HashMap<>();
        for (final TopicPartition partition : partitions) {
            final OffsetAndMetadata offset = committed.get(partition);
            if (offset != null) {
                consumer.seek(partition, offset);
                positions.put(partition, offset.offset());
            } else if (batchStart.containsKey(partition)) {
                consumer.seek(partition, batchStart.get(partition));
                positions.put(partition, batchStart.get(partition));
            }
        }
        LOG.info("{} {}: rewound to {}", kind().component(), instanceId(), positions);
    }

    private void setAssignment(final Set<TopicPartition> partitions) {
        synchronized (assignmentChanged) {
            assignment = Set.copyOf(partitions);
            assignmentChanged.notifyAll();
        }
    }

    private void closeClients() {
        if (!clientsClosed.compareAndSet(false, true)) {
            return;
        }
        try {
            producer.close(CLIENT_CLOSE_TIMEOUT);
        } catch (RuntimeException e) {
            LOG.warn("{} {}: error closing the producer", kind().component(), instanceId(), e);
        }
        try {
            // A static member stays in the group on close, so a restart with the same id gets its partitions back at once.
            consumer.close(CloseOptions.timeout(CLIENT_CLOSE_TIMEOUT));
        } catch (RuntimeException e) {
            LOG.warn("{} {}: error closing the consumer", kind().component(), instanceId(), e);
        }
    }

    /** Keeps {@link #assignment()} current and logs the partitions this instance gains and loses. */
    private final class AssignmentTracker implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsAssigned(final Collection<TopicPartition> partitions) {
            setAssignment(consumer.assignment());
            LOG.info("{} {}: assigned {}", kind().component(), instanceId(), partitions);
        }

        @Override
        public void onPartitionsRevoked(final Collection<TopicPartition> partitions) {
            // Nothing to flush: every batch is committed or aborted before the next poll.
            setAssignment(consumer.assignment());
            LOG.info("{} {}: revoked {}", kind().component(), instanceId(), partitions);
        }

        @Override
        public void onPartitionsLost(final Collection<TopicPartition> partitions) {
            setAssignment(consumer.assignment());
            LOG.warn("{} {}: lost {}", kind().component(), instanceId(), partitions);
        }
    }
}
