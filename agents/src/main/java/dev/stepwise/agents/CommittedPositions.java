package dev.stepwise.agents;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where an agent's consumer resumes from, read from the committed offsets: after a failed commit it seeks back to
 * them (a rewind, put off until the producer is usable again), and on assignment or rewind it learns from their
 * metadata which records past them a former owner already wrote ({@link WrittenOffsets}), so that they are skipped.
 * Touched by the agent's loop thread only (the rebalance callbacks run on it).
 */
final class CommittedPositions {

    private static final Logger LOG = LoggerFactory.getLogger(CommittedPositions.class);

    private final Consumer<byte[], byte[]> consumer;
    private final CompletionTracker tracker;
    private final String who;
    /** Set after a failed commit: where to rewind partitions that have no committed offset yet. Null when no rewind is due. */
    private Map<TopicPartition, Long> pendingRewind;

    /** @param who the agent, for log lines */
    CommittedPositions(final Consumer<byte[], byte[]> consumer, final CompletionTracker tracker, final String who) {
        this.consumer = consumer;
        this.tracker = tracker;
        this.who = who;
    }

    /** True when a failed commit left a rewind to do before the next poll. */
    boolean rewindDue() {
        return pendingRewind != null;
    }

    /**
     * After a failed commit: arranges the rewind to the committed offsets, and does it now unless {@code now} is false
     * (a producer to replace first must end what the old one left open, or the committed offsets are not final).
     *
     * @param firstUncommitted where each partition's uncommitted records began, for partitions that never committed
     */
    void afterFailedCommit(final Map<TopicPartition, Long> firstUncommitted, final boolean now) {
        if (pendingRewind == null) {
            pendingRewind = new HashMap<>(firstUncommitted);
        } else {
            // The previous rewind has not happened yet: its start offsets are the older, right ones.
            firstUncommitted.forEach(pendingRewind::putIfAbsent);
        }
        if (!now) {
            return;
        }
        try {
            rewindIfDue();
        } catch (WakeupException | InterruptException e) {
            throw e;
        } catch (KafkaException e) {
            // Still pending: the next turn rewinds before it polls, so no record is skipped.
            LOG.warn("{}: rewind failed, trying again before the next poll: {}", who, e.toString());
        }
    }

    /**
     * Seeks every assigned partition back to its committed offset, so what was in flight is polled again; a partition
     * that has never committed goes back to where its uncommitted records started. Nothing when no rewind is due.
     */
    void rewindIfDue() {
        if (pendingRewind == null) {
            return;
        }
        final Set<TopicPartition> partitions = consumer.assignment();
        if (!partitions.isEmpty()) {
            final Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(partitions);
            tracker.writtenBefore(partitions, WrittenOffsets.decodeAll(committed));
            final Map<TopicPartition, Long> positions = new HashMap<>();
            for (final TopicPartition partition : partitions) {
                final OffsetAndMetadata offset = committed.get(partition);
                if (offset != null) {
                    consumer.seek(partition, offset);
                    positions.put(partition, offset.offset());
                } else if (pendingRewind.containsKey(partition)) {
                    consumer.seek(partition, pendingRewind.get(partition));
                    positions.put(partition, pendingRewind.get(partition));
                }
            }
            LOG.info("{}: rewound to {}", who, positions);
        }
        pendingRewind = null;
    }

    /** On assignment: so that records a former owner finished out of order are skipped, not redone. */
    void rememberWrittenPastTheOffsets(final Collection<TopicPartition> partitions) {
        try {
            final Map<TopicPartition, Set<Long>> written = WrittenOffsets.decodeAll(consumer.committed(Set.copyOf(partitions)));
            tracker.writtenBefore(partitions, written);
            if (!written.isEmpty()) {
                LOG.info("{}: skipping records a former owner already wrote: {}", who, written);
            }
        } catch (WakeupException | InterruptException e) {
            throw e;
        } catch (KafkaException e) {
            // Safe to go on: those records are redone and write the same ids, which the search ignores.
            LOG.warn("{}: could not read what was written past the committed offsets of {}; it will be redone: {}", who,
                    partitions, e.toString());
        }
    }
}
