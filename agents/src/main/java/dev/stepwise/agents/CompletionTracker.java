package dev.stepwise.agents;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Future;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Records fetched but not yet committed, per partition, finishing in any order: which are waiting for
 * a free slot, which are being handled, which are done (their outputs written or still to write), and
 * so how far each partition's offset may be committed — up to the first record that is not done.
 *
 * <p>This is how an agent avoids head-of-line blocking without giving up transactions (after the way
 * Confluent's Parallel Consumer tracks completed offsets out of order): a record that finishes early
 * has its outputs written in the next transaction, while the committed offset waits behind a slower
 * record before it. The commit's metadata names such records ({@link WrittenOffsets}), so whoever
 * handles the partition next skips them. Should that fail (metadata lost or unreadable), the record
 * is handled again and writes the same outputs with the same ids (ids are derived from the
 * request's), which the search ignores as duplicates. Touched by the agent's loop thread only.
 */
final class CompletionTracker {

    /** One record's place: {@code task} set once it runs, {@code outputs} once it is done. */
    static final class Entry {
        final TopicPartition partition;
        final long offset;
        private final Lane lane;
        private Future<?> task;
        private List<ProducerRecord<String, SpecificRecord>> outputs;
        private boolean written;

        /** True when there is nothing left to do for it but commit past it: its outputs exist. */
        boolean isDone() {
            return outputs != null;
        }

        private Entry(final TopicPartition partition, final long offset, final Lane lane) {
            this.partition = partition;
            this.offset = offset;
            this.lane = lane;
        }
    }

    /** One partition, for as long as it stays assigned: a reassignment starts a new lane, so late results of the old one are ignored. */
    private static final class Lane {
        private final TreeMap<Long, Entry> open = new TreeMap<>();
        /** The offset after the last fetched record, transaction markers included (what the consumer's position says). */
        private long fetchedUpTo = -1;
    }

    private final Map<TopicPartition, Lane> lanes = new HashMap<>();
    /** Records past the committed offset whose outputs an earlier owner wrote, from the commit's metadata. */
    private final Map<TopicPartition, Set<Long>> writtenBefore = new HashMap<>();
    private int running;

    /**
     * Registers a fetched record; {@code nextOffset} is the partition's offset after the fetch. A record an earlier
     * owner already wrote ({@link #writtenBefore}) comes back {@link Entry#isDone() done}, with nothing to write.
     */
    Entry fetched(final TopicPartition partition, final long offset, final long nextOffset) {
        final Lane lane = lanes.computeIfAbsent(partition, p -> new Lane());
        final Entry entry = new Entry(partition, offset, lane);
        final Set<Long> skip = writtenBefore.get(partition);
        if (skip != null && skip.remove(offset)) {
            entry.outputs = List.of();
            entry.written = true;
        }
        lane.open.put(offset, entry);
        lane.fetchedUpTo = Math.max(lane.fetchedUpTo, nextOffset);
        return entry;
    }

    /**
     * What the committed offsets' metadata says was written past them ({@link WrittenOffsets#decodeAll}), read on
     * assignment or rewind; replaces what was known for those partitions.
     */
    void writtenBefore(final Collection<TopicPartition> partitions, final Map<TopicPartition, Set<Long>> written) {
        for (final TopicPartition partition : partitions) {
            final Set<Long> offsets = written.get(partition);
            if (offsets == null || offsets.isEmpty()) {
                writtenBefore.remove(partition);
            } else {
                writtenBefore.put(partition, new HashSet<>(offsets));
            }
        }
    }

    void started(final Entry entry, final Future<?> task) {
        entry.task = task;
        running++;
    }

    /** Records the outputs of a finished record; ignored if its partition was revoked (or reassigned) since. */
    void done(final Entry entry, final List<ProducerRecord<String, SpecificRecord>> outputs) {
        if (lanes.get(entry.partition) != entry.lane || entry.outputs != null) {
            return;
        }
        entry.outputs = outputs;
        running--;
    }

    /** Records being handled now. */
    int running() {
        return running;
    }

    /** True when nothing is fetched and uncommitted. */
    boolean isEmpty() {
        return lanes.values().stream().allMatch(lane -> lane.open.isEmpty());
    }

    /** The outputs of done records that no transaction has written yet, in offset order per partition. */
    List<ProducerRecord<String, SpecificRecord>> unwrittenOutputs() {
        final List<ProducerRecord<String, SpecificRecord>> outputs = new ArrayList<>();
        for (final Lane lane : lanes.values()) {
            for (final Entry entry : lane.open.values()) {
                if (entry.outputs != null && !entry.written) {
                    outputs.addAll(entry.outputs);
                }
            }
        }
        return outputs;
    }

    /** True when a commit would write outputs or move an offset. */
    boolean commitDue() {
        for (final Lane lane : lanes.values()) {
            final Map.Entry<Long, Entry> first = lane.open.firstEntry();
            if (first != null && first.getValue().outputs != null) {
                return true;
            }
            for (final Entry entry : lane.open.values()) {
                if (entry.outputs != null && !entry.written) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Per partition with anything done, the offset up to which every fetched record is done (the first not-done
     * record's, or the fetch position), with metadata naming the done records past it ({@link WrittenOffsets}).
     */
    Map<TopicPartition, OffsetAndMetadata> committableOffsets() {
        final Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        lanes.forEach((partition, lane) -> {
            final Entry firstOpen = lane.open.values().stream().filter(e -> e.outputs == null).findFirst().orElse(null);
            if (lane.open.values().stream().noneMatch(Entry::isDone)) {
                return;
            }
            final long offset = firstOpen == null ? lane.fetchedUpTo : firstOpen.offset;
            final List<Long> donePastIt = lane.open.values().stream().filter(e -> e.isDone() && e.offset > offset)
                    .map(e -> e.offset).toList();
            offsets.put(partition, new OffsetAndMetadata(offset, WrittenOffsets.encode(offset, donePastIt)));
        });
        return offsets;
    }

    /** After a commit of {@link #unwrittenOutputs()} and {@link #committableOffsets()}: forget what is behind the offsets. */
    void committed(final Map<TopicPartition, OffsetAndMetadata> offsets) {
        for (final Map.Entry<TopicPartition, Lane> laneEntry : lanes.entrySet()) {
            final OffsetAndMetadata upTo = offsets.get(laneEntry.getKey());
            final Iterator<Entry> it = laneEntry.getValue().open.values().iterator();
            while (it.hasNext()) {
                final Entry entry = it.next();
                if (upTo != null && entry.offset < upTo.offset()) {
                    it.remove();
                } else if (entry.outputs != null) {
                    entry.written = true;
                }
            }
        }
    }

    /** Where each partition's uncommitted records begin: where to rewind a partition that never committed. */
    Map<TopicPartition, Long> firstOffsets() {
        final Map<TopicPartition, Long> offsets = new HashMap<>();
        lanes.forEach((partition, lane) -> {
            if (!lane.open.isEmpty()) {
                offsets.put(partition, lane.open.firstKey());
            }
        });
        return offsets;
    }

    /** Forgets the partitions (revoked, lost, or rewound after a failed commit), cancelling their running records. */
    void forget(final Collection<TopicPartition> partitions) {
        for (final TopicPartition partition : partitions) {
            writtenBefore.remove(partition);
            final Lane lane = lanes.remove(partition);
            if (lane == null) {
                continue;
            }
            for (final Entry entry : lane.open.values()) {
                if (entry.task != null && entry.outputs == null) {
                    entry.task.cancel(true);
                    running--;
                }
            }
        }
    }

    /** Forgets every partition. */
    void forgetAll() {
        forget(List.copyOf(lanes.keySet()));
    }
}
