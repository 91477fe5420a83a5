package dev.stepwise.agents;

import dev.stepwise.schemas.avro.DeadLetter;
import dev.stepwise.schemas.topics.Topic;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.producer.Producer;
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
 * <p>This class runs the loop; {@link InFlightRecords} holds the records between poll and commit,
 * {@link AgentCommits} writes their outputs and recovers from failed commits, {@link AgentRebalanceListener} follows
 * the group's rebalances, and {@link AgentRunState} is what other threads see of it all.
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
     * How long the loop waits, while records are in flight, for one of them to finish before it polls again
     * (without blocking): how late, at most, a busy instance sees new records. A record that finishes ends the
     * wait at once, so its outputs are committed without delay (with an instant model, the record usually
     * finishes within microseconds of the turn that started it; a blocking poll here held its outputs back by
     * the poll's whole timeout, a few ms per hop).
     */
    private static final Duration BUSY_WAIT = Duration.ofMillis(5);
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
    private final AgentHandler<I> handler;
    private final Consumer<byte[], byte[]> consumer;
    private final TransactionalWriter writer;
    private final InFlightRecords<I> inFlight;

    private final AgentRunState state;
    private final AtomicBoolean clientsClosed = new AtomicBoolean();

    // Touched by the loop thread only.
    private final CompletionTracker tracker;
    private final CommittedPositions positions;
    private final AgentCommits commits;
    private final String who;

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
        this.identity = identity;
        this.handler = handler;
        this.who = identity.kind().component() + " " + identity.instanceId();
        this.state = new AgentRunState(who);
        this.inFlight = new InFlightRecords<>(new RecordWork<>(who, identity.kind().component(), handler, decoder, deadLetters,
                redeliveryBackoff, clock), maxInFlight, threadName());
        this.tracker = inFlight.tracker();
        this.positions = new CommittedPositions(consumer, tracker, who);
        this.consumer = consumer;
        this.writer = new TransactionalWriter(producers, who);
        this.commits = new AgentCommits(who, consumer, writer, inFlight, positions, redeliveryBackoff);
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
        return inFlight.peakRunning();
    }

    @Override
    public void start() {
        state.claimStart();
        final Thread thread = new Thread(this::runLoop, threadName());
        thread.start();
    }

    @Override
    public void run() {
        state.claimStart();
        runLoop();
    }

    @Override
    public boolean isRunning() {
        return state.isRunning();
    }

    @Override
    public boolean awaitAssignment(final Duration timeout) throws InterruptedException {
        return state.awaitAssignment(timeout);
    }

    @Override
    public Set<TopicPartition> assignment() {
        return state.assignment();
    }

    @Override
    public boolean awaitTermination(final Duration timeout) throws InterruptedException {
        return state.awaitTermination(timeout);
    }

    @Override
    public Optional<Throwable> failure() {
        return state.failure();
    }

    @Override
    public void close(final Duration timeout) {
        if (state.requestClose()) {
            // Never started: nobody else will close the clients.
            closeClients();
            state.terminated();
            return;
        }
        consumer.wakeup();
        try {
            if (!state.awaitTermination(timeout)) {
                LOG.warn("{}: did not stop within {}", who, timeout);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private String threadName() {
        return "stepwise-" + kind().component() + "-" + instanceId();
    }

    private void runLoop() {
        try {
            initialize();
            while (!state.closing()) {
                pollAndProcess();
            }
        } catch (WakeupException | InterruptException | InterruptedException e) {
            if (!state.closing()) {
                LOG.info("{}: interrupted, stopping", who);
            }
        } catch (RuntimeException | Error e) {
            state.failed(e);
            LOG.error("{}: stopping on a fatal error", who, e);
        } finally {
            state.stopping();
            if (state.failure().isEmpty() && !positions.rewindDue()) {
                commits.commitBeforeStopping();
            }
            // What is still running is handled again by whoever gets the partitions: its offsets were not committed.
            inFlight.forgetAll();
            inFlight.shutdown();
            closeClients();
            state.terminated();
            LOG.info("{}: stopped", who);
        }
    }

    /** Fences older incarnations of this transactional id (aborting their open transaction), then joins the group. */
    void initialize() {
        writer.initialize();
        consumer.subscribe(List.of(handler.input().name()),
                new AgentRebalanceListener(who, consumer, state, positions, inFlight, commits, clientsClosed::get));
        LOG.info("Started {} instance {} in group {} with model {}, up to {} records in flight: {} -> {}",
                kind().component(), instanceId(), groupId(), identity.model(), inFlight.maxInFlight(), handler.input().name(),
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
            if (positions.rewindDue()) {
                // A replaced producer first ends what the old one left open, so the committed offsets are final.
                writer.ensureUsable();
                positions.rewindIfDue();
            }
            inFlight.collectFinished();
            pauseOrResume();
            awaitFinishedWhileBusy();
            final ConsumerRecords<byte[], byte[]> records = consumer.poll(tracker.isEmpty() ? IDLE_POLL : Duration.ZERO);
            state.assigned(consumer.assignment());
            inFlight.accept(records);
            inFlight.startWaiting();
            inFlight.collectFinished();
            commits.commitFinished();
            pauseOrResume();
            commits.turnSucceeded();
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
     * With records in flight and nothing to commit yet, waits for the next one to finish (or {@link #BUSY_WAIT});
     * the poll that follows does not block. Idle, the poll itself waits, and returns as soon as records arrive.
     */
    private void awaitFinishedWhileBusy() throws InterruptedException {
        if (!tracker.isEmpty() && !tracker.commitDue()) {
            inFlight.awaitFinished(BUSY_WAIT);
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
        } while (!inFlight.isQuiet() && System.nanoTime() < deadline);
    }

    /** Pauses every assigned partition while polled records wait for a slot, so nothing piles up unbounded. */
    private void pauseOrResume() {
        final Set<TopicPartition> assigned = consumer.assignment();
        if (inFlight.full()) {
            consumer.pause(assigned);
        } else if (!consumer.paused().isEmpty()) {
            consumer.resume(consumer.paused());
        }
    }

    private void recover(final KafkaException error) throws InterruptedException {
        final Duration delay = commits.recover(error);
        // Wait before polling again, but wake up at once on close.
        if (state.awaitCloseRequest(delay)) {
            LOG.debug("{}: closing during backoff", who);
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
            LOG.warn("{}: error closing the consumer", who, e);
        }
    }
}
