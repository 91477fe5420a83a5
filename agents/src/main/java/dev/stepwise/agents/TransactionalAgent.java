package dev.stepwise.agents;

import dev.stepwise.schemas.avro.DeadLetter;
import dev.stepwise.schemas.topics.Topic;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
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
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transactional read-process-write loop every agent kind runs (STYLE.md item 6, after apache/kafka
 * {@code ExactlyOnceMessageProcessor}), without head-of-line blocking: every polled record is handled on
 * its own virtual thread ({@link RecordWork}) and the loop keeps polling while model calls run. Each turn
 * writes, in ONE transaction, the outputs of every record that finished since the last turn together with
 * the offsets up to the first record that has not ({@link CompletionTracker}). The outputs may go to
 * several topics (a proposer's steps and the verification requests for them), and a read_committed reader
 * sees all of them or none. So a slow call delays only its own outputs, never those of a faster record nor
 * the polling of new work; an offset is never committed before the work it stands for is written; and a
 * crash redoes at most the records after the committed offset, whose outputs carry the same ids as before
 * and are dropped as duplicates by the search.
 *
 * <p>In-flight work is bounded: at most {@code maxInFlight} records are handled at once; polled records
 * beyond that wait in order, and while any wait the consumer's partitions are paused, so nothing is
 * buffered without bound and the group still sees this instance alive.
 *
 * <p>Errors: a consumer fenced by a newer incarnation of its static member, a missing authorization or an
 * unsupported broker stop the agent (see {@link #failure()}). A producer the broker no longer accepts (fenced
 * or with an invalid epoch, as after an outage longer than the transaction timeout) is replaced by
 * {@link TransactionalWriter}. Any other failed commit aborts the transaction, drops the records in flight
 * and rewinds the consumer to the committed offsets; polling resumes after a backoff that grows with every
 * consecutive failure. A model failure does not fail the commit: the model backend has already retried it
 * (the one retry layer), and the handlers, through {@link ModelCalls}, answer one that retrying cannot fix
 * (a wrong key, URL or model name) with an error output and write nothing for one that is still failing,
 * which the search asks for again when its timeout fires.
 *
 * <p>The consumer is built once by {@link Agents}, producers by the factory it passes; this agent owns (closes) them.
 *
 * @param <I> request type
 */
public final class TransactionalAgent<I extends SpecificRecord> implements Agent {

    private static final Logger LOG = LoggerFactory.getLogger(TransactionalAgent.class);

    /** How long a poll blocks when nothing is in flight; bounds nothing but how quickly an idle loop notices close. */
    private static final Duration IDLE_POLL = Duration.ofMillis(500);
    /**
     * How long a poll blocks while records are in flight: how late, at most, a finished record's outputs
     * are written (a poll returns at once when new records are there).
     */
    private static final Duration BUSY_POLL = Duration.ofMillis(5);
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

    /** A finished record, handed from its virtual thread to the loop. */
    private record Finished(CompletionTracker.Entry entry, List<ProducerRecord<String, SpecificRecord>> outputs) {
    }

    private final Identity identity;
    private final AgentHandler<I> handler;
    private final RecordWork<I> work;
    private final Consumer<byte[], byte[]> consumer;
    private final TransactionalWriter writer;
    private final int maxInFlight;
    private final Backoff redeliveryBackoff;
    private final ExecutorService workers;

    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean clientsClosed = new AtomicBoolean();
    private final CountDownLatch closeRequested = new CountDownLatch(1);
    private final CountDownLatch terminated = new CountDownLatch(1);
    private final Object assignmentChanged = new Object();
    private final Queue<Finished> finished = new ConcurrentLinkedQueue<>();
    private volatile boolean closing;
    private volatile boolean running;
    private volatile Throwable failure;
    /** An error that escaped a record's work (a bug): the loop stops the agent with it, its records are redone by the next owner. */
    private volatile Throwable workerFailure;
    private volatile Set<TopicPartition> assignment = Set.of();
    private final AtomicInteger peakRunning = new AtomicInteger();

    // Touched by the loop thread only.
    private final CompletionTracker tracker = new CompletionTracker();
    /** Polled records waiting for a free slot, in poll order. */
    private final Deque<Waiting> waiting = new ArrayDeque<>();
    private int consecutiveFailures;
    /** Set after a failed commit: where to rewind partitions that have no committed offset yet. Null when no rewind is due. */
    private Map<TopicPartition, Long> pendingRewind;

    private record Waiting(ConsumerRecord<byte[], byte[]> record, CompletionTracker.Entry entry) {
    }

    /**
     * @param decoder           decodes the input topic's values; its failures become dead letters
     * @param consumer          byte-array consumer, read_committed, auto-commit off, not yet subscribed
     * @param producers         builds a transactional producer, not yet initialised; called once now and once
     *                          for every replacement of a producer the broker no longer accepts
     * @param maxInFlight       records handled at once; more wait, with the partitions paused
     * @param redeliveryBackoff wait before polling again after a failed commit, and between a record's retries
     */
    TransactionalAgent(final Identity identity, final AgentHandler<I> handler, final Deserializer<I> decoder,
                       final Topic<DeadLetter> deadLetters, final Consumer<byte[], byte[]> consumer,
                       final Supplier<Producer<String, SpecificRecord>> producers, final int maxInFlight,
                       final Backoff redeliveryBackoff, final Clock clock) {
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("maxInFlight must be at least 1, got " + maxInFlight);
        }
        this.identity = identity;
        this.handler = handler;
        final String who = identity.kind().component() + " " + identity.instanceId();
        this.work = new RecordWork<>(who, identity.kind().component(), handler, decoder, deadLetters, redeliveryBackoff, clock);
        this.consumer = consumer;
        this.writer = new TransactionalWriter(producers, who);
        this.maxInFlight = maxInFlight;
        this.redeliveryBackoff = redeliveryBackoff;
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

    /** The most records this instance has handled at once since it started (never above its in-flight limit). */
    public int peakInFlight() {
        return peakRunning.get();
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
            if (!terminated.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("{} {}: did not stop within {}", kind().component(), instanceId(), timeout);
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
            if (failure == null && pendingRewind == null) {
                commitWhatHasFinished();
            }
            // What is still running is handled again by whoever gets the partitions: its offsets were not committed.
            tracker.forgetAll();
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

    /** On the way out: write what has finished, so that the next owner does not redo it. Best effort. */
    private void commitWhatHasFinished() {
        try {
            Finished done;
            while ((done = finished.poll()) != null) {
                tracker.done(done.entry(), done.outputs());
            }
            commitFinished();
        } catch (RuntimeException e) {
            // Closing the producer leaves the transaction to be aborted (by its timeout or the next incarnation).
            LOG.info("{} {}: could not commit finished work while stopping; it will be redone: {}", kind().component(),
                    instanceId(), e.toString());
        }
    }

    /** Fences older incarnations of this transactional id (aborting their open transaction), then joins the group. */
    void initialize() {
        writer.initialize();
        consumer.subscribe(List.of(handler.input().name()), new AssignmentTracker());
        LOG.info("Started {} instance {} in group {} with model {}, up to {} records in flight: {} -> {}",
                kind().component(), instanceId(), groupId(), identity.model(), maxInFlight, handler.input().name(),
                String.join(", ", handler.outputs().stream().map(Topic::name).toList()));
    }

    /**
     * One turn of the loop: poll, start what the in-flight limit allows, and commit what has finished;
     * on a failed commit, abort, drop what is in flight, back off and arrange the rewind.
     *
     * @throws InterruptedException when the agent is closing during a backoff
     */
    void pollAndProcess() throws InterruptedException {
        try {
            if (pendingRewind != null) {
                // A replaced producer first ends what the old one left open, so the committed offsets are final.
                writer.ensureUsable();
                rewind(pendingRewind);
                pendingRewind = null;
            }
            collectFinished();
            pauseOrResume();
            final ConsumerRecords<byte[], byte[]> records = consumer.poll(tracker.isEmpty() ? IDLE_POLL : BUSY_POLL);
            setAssignment(consumer.assignment());
            accept(records);
            startWaiting();
            collectFinished();
            commitFinished();
            pauseOrResume();
            consecutiveFailures = 0;
        } catch (FencedInstanceIdException | AuthorizationException | UnsupportedVersionException e) {
            // Fatal: another incarnation took over, or the cluster refuses us; a retry cannot help.
            throw e;
        } catch (WakeupException | InterruptException e) {
            throw e;
        } catch (KafkaException e) {
            recover(e);
        }
    }

    /**
     * Turns until nothing polled is left uncommitted, or {@code timeout} passes (for tests that drive
     * the loop by hand).
     */
    void processUntilQuiet(final Duration timeout) throws InterruptedException {
        final long deadline = System.nanoTime() + timeout.toNanos();
        do {
            pollAndProcess();
        } while ((!tracker.isEmpty() || !finished.isEmpty()) && System.nanoTime() < deadline);
    }

    private void accept(final ConsumerRecords<byte[], byte[]> records) {
        final Map<TopicPartition, OffsetAndMetadata> next = records.nextOffsets();
        for (final TopicPartition partition : records.partitions()) {
            final List<ConsumerRecord<byte[], byte[]>> polled = records.records(partition);
            final OffsetAndMetadata after = next.get(partition);
            final long nextOffset = after != null ? after.offset() : polled.getLast().offset() + 1;
            for (final ConsumerRecord<byte[], byte[]> record : polled) {
                final CompletionTracker.Entry entry = tracker.fetched(partition, record.offset(), nextOffset);
                if (!entry.isDone()) {
                    waiting.add(new Waiting(record, entry));
                }
            }
        }
    }

    private void startWaiting() {
        while (!waiting.isEmpty() && tracker.running() < maxInFlight) {
            final Waiting next = waiting.poll();
            final CompletionTracker.Entry entry = next.entry();
            tracker.started(entry, workers.submit(() -> {
                try {
                    finished.add(new Finished(entry, work.outputsFor(next.record())));
                } catch (InterruptedException e) {
                    // Cancelled: its partition left, or the agent is closing; the record is handled again.
                    Thread.currentThread().interrupt();
                } catch (RuntimeException | Error e) {
                    workerFailure = e;
                }
            }));
            peakRunning.accumulateAndGet(tracker.running(), Math::max);
        }
    }

    private void collectFinished() {
        if (workerFailure != null) {
            throw new IllegalStateException("a record's work failed outside its error handling", workerFailure);
        }
        Finished done;
        while ((done = finished.poll()) != null) {
            tracker.done(done.entry(), done.outputs());
        }
        startWaiting();
    }

    /** Pauses every assigned partition while polled records wait for a slot, so nothing piles up unbounded. */
    private void pauseOrResume() {
        final Set<TopicPartition> assigned = consumer.assignment();
        if (!waiting.isEmpty() || tracker.running() >= maxInFlight) {
            consumer.pause(assigned);
        } else if (!consumer.paused().isEmpty()) {
            consumer.resume(consumer.paused());
        }
    }

    private void commitFinished() {
        if (!tracker.commitDue()) {
            return;
        }
        final List<ProducerRecord<String, SpecificRecord>> outputs = tracker.unwrittenOutputs();
        final Map<TopicPartition, OffsetAndMetadata> offsets = tracker.committableOffsets();
        writer.commit(outputs, offsets, consumer.groupMetadata());
        tracker.committed(offsets);
        LOG.debug("{} {}: committed {} outputs, offsets {}", kind().component(), instanceId(), outputs.size(), offsets);
    }

    private void recover(final KafkaException error) throws InterruptedException {
        consecutiveFailures++;
        final Duration delay = redeliveryBackoff.delay(consecutiveFailures);
        final String done = writer.afterFailure(error);
        LOG.warn("{} {}: commit failed ({} in a row){}, dropping the records in flight and rewinding to the committed "
                        + "offsets; next poll in {} ms: {}", kind().component(), instanceId(), consecutiveFailures, done,
                delay.toMillis(), error.toString());
        final Map<TopicPartition, Long> firstUncommitted = tracker.firstOffsets();
        tracker.forgetAll();
        waiting.clear();
        finished.clear();
        if (pendingRewind == null) {
            pendingRewind = new HashMap<>(firstUncommitted);
        } else {
            // The previous rewind has not happened yet: its start offsets are the older, right ones.
            firstUncommitted.forEach(pendingRewind::putIfAbsent);
        }
        try {
            if (!writer.replacementDue()) {
                rewind(pendingRewind);
                pendingRewind = null;
            }
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
     * Seeks every assigned partition back to its committed offset, so what was in flight is polled again.
     * A partition that has never committed goes back to where its uncommitted records started.
     */
    private void rewind(final Map<TopicPartition, Long> firstUncommitted) {
        final Set<TopicPartition> partitions = consumer.assignment();
        if (partitions.isEmpty()) {
            return;
        }
        final Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(partitions);
        tracker.writtenBefore(partitions, WrittenOffsets.decodeAll(committed));
        final Map<TopicPartition, Long> positions = new HashMap<>();
        for (final TopicPartition partition : partitions) {
            final OffsetAndMetadata offset = committed.get(partition);
            if (offset != null) {
                consumer.seek(partition, offset);
                positions.put(partition, offset.offset());
            } else if (firstUncommitted.containsKey(partition)) {
                consumer.seek(partition, firstUncommitted.get(partition));
                positions.put(partition, firstUncommitted.get(partition));
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
        writer.close(CLIENT_CLOSE_TIMEOUT);
        try {
            // A static member stays in the group on close, so a restart with the same id gets its partitions back at once.
            consumer.close(CloseOptions.timeout(CLIENT_CLOSE_TIMEOUT));
        } catch (RuntimeException e) {
            LOG.warn("{} {}: error closing the consumer", kind().component(), instanceId(), e);
        }
    }

    /** Drops what is in flight for partitions that leave, after committing what has finished; logs the moves. */
    private final class AssignmentTracker implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsAssigned(final Collection<TopicPartition> partitions) {
            if (!partitions.isEmpty()) {
                rememberWrittenPastTheOffsets(partitions);
            }
            setAssignment(consumer.assignment());
            LOG.info("{} {}: assigned {}", kind().component(), instanceId(), partitions);
        }

        /** So that records a former owner finished out of order are skipped, not redone (see {@link WrittenOffsets}). */
        private void rememberWrittenPastTheOffsets(final Collection<TopicPartition> partitions) {
            try {
                final Map<TopicPartition, Set<Long>> written =
                        WrittenOffsets.decodeAll(consumer.committed(Set.copyOf(partitions)));
                tracker.writtenBefore(partitions, written);
                if (!written.isEmpty()) {
                    LOG.info("{} {}: skipping records a former owner already wrote: {}", kind().component(), instanceId(),
                            written);
                }
            } catch (WakeupException | InterruptException e) {
                throw e;
            } catch (KafkaException e) {
                // Safe to go on: those records are redone and write the same ids, which the search ignores.
                LOG.warn("{} {}: could not read what was written past the committed offsets of {}; it will be redone: {}",
                        kind().component(), instanceId(), partitions, e.toString());
            }
        }

        @Override
        public void onPartitionsRevoked(final Collection<TopicPartition> partitions) {
            if (!partitions.isEmpty() && pendingRewind == null && !clientsClosed.get()) {
                try {
                    collectFinished();
                    commitFinished();
                } catch (KafkaException e) {
                    // Not committed: the new owner handles those records again, with the same ids.
                    writer.afterFailure(e);
                    LOG.warn("{} {}: could not commit finished work before giving up {}: {}", kind().component(),
                            instanceId(), partitions, e.toString());
                }
            }
            forget(partitions);
            setAssignment(consumer.assignment());
            LOG.info("{} {}: revoked {}", kind().component(), instanceId(), partitions);
        }

        @Override
        public void onPartitionsLost(final Collection<TopicPartition> partitions) {
            forget(partitions);
            setAssignment(consumer.assignment());
            LOG.warn("{} {}: lost {}", kind().component(), instanceId(), partitions);
        }

        private void forget(final Collection<TopicPartition> partitions) {
            tracker.forget(partitions);
            waiting.removeIf(w -> partitions.contains(w.entry().partition));
        }
    }
}
