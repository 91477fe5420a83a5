package dev.stepwise.agents;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How an agent writes what its records produced: each turn's transaction (the outputs of what finished, with the
 * offsets up to the first record that has not), the best-effort commits before partitions leave and on the way
 * out, and what a failed commit leaves to do (abort, drop what is in flight, arrange the rewind, back off longer
 * with every failure in a row). Touched by the agent's loop thread only (a rebalance listener runs on it too).
 */
final class AgentCommits {

    private static final Logger LOG = LoggerFactory.getLogger(AgentCommits.class);

    private final String who;
    private final Consumer<byte[], byte[]> consumer;
    private final TransactionalWriter writer;
    private final InFlightRecords<?> inFlight;
    private final CompletionTracker tracker;
    private final CommittedPositions positions;
    private final Backoff backoff;
    private int consecutiveFailures;

    AgentCommits(final String who, final Consumer<byte[], byte[]> consumer, final TransactionalWriter writer,
                 final InFlightRecords<?> inFlight, final CommittedPositions positions, final Backoff backoff) {
        this.who = who;
        this.consumer = consumer;
        this.writer = writer;
        this.inFlight = inFlight;
        this.tracker = inFlight.tracker();
        this.positions = positions;
        this.backoff = backoff;
    }

    /** Commits, in one transaction, the outputs of what has finished and the offsets they free, if anything is due. */
    void commitFinished() {
        if (!tracker.commitDue()) {
            return;
        }
        final List<ProducerRecord<String, SpecificRecord>> outputs = tracker.unwrittenOutputs();
        final Map<TopicPartition, OffsetAndMetadata> offsets = tracker.committableOffsets();
        writer.commit(outputs, offsets, consumer.groupMetadata());
        tracker.committed(offsets);
        LOG.debug("{}: committed {} outputs, offsets {}", who, outputs.size(), offsets);
    }

    /** A turn went through: the next failure is the first in a row again. */
    void turnSucceeded() {
        consecutiveFailures = 0;
    }

    /** Before {@code partitions} leave: write what has finished, so that their next owner does not redo it. Best effort. */
    void commitBeforeRevoke(final Collection<TopicPartition> partitions) {
        try {
            inFlight.collectFinished();
            commitFinished();
        } catch (KafkaException e) {
            // Not committed: the new owner handles those records again, with the same ids.
            writer.afterFailure(e);
            LOG.warn("{}: could not commit finished work before giving up {}: {}", who, partitions, e.toString());
        }
    }

    /** On the way out: write what has finished, so that the next owner does not redo it. Best effort. */
    void commitBeforeStopping() {
        try {
            inFlight.collectFinishedWithoutStarting();
            commitFinished();
        } catch (RuntimeException e) {
            // Closing the producer leaves the transaction to be aborted (by its timeout or the next incarnation).
            LOG.info("{}: could not commit finished work while stopping; it will be redone: {}", who, e.toString());
        }
    }

    /**
     * After a failed commit: aborts (or arranges the producer's replacement), drops the records in flight and
     * arranges the rewind to the committed offsets.
     *
     * @return how long to wait before polling again: longer with every failure in a row
     */
    Duration recover(final KafkaException error) {
        consecutiveFailures++;
        final Duration delay = backoff.delay(consecutiveFailures);
        final String done = writer.afterFailure(error);
        LOG.warn("{}: commit failed ({} in a row){}, dropping the records in flight and rewinding to the committed "
                + "offsets; next poll in {} ms: {}", who, consecutiveFailures, done, delay.toMillis(), error.toString());
        final Map<TopicPartition, Long> firstUncommitted = tracker.firstOffsets();
        inFlight.forgetAll();
        positions.afterFailedCommit(firstUncommitted, !writer.replacementDue());
        return delay;
    }
}
