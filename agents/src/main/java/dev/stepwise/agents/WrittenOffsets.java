package dev.stepwise.agents;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * The records past a partition's committed offset whose outputs are already written, carried in the metadata of
 * that committed offset (as Confluent's Parallel Consumer does), so that whoever handles the partition next skips
 * them instead of calling the model again and writing the same outputs twice.
 *
 * <p>A record finished out of order has its outputs committed while the offset still waits behind a slower record
 * before it; the offset alone would make the next owner redo it. The metadata is committed in the same transaction
 * as those outputs, so it never names a record whose outputs were not written. Format {@code w1:} then ranges of
 * offsets relative to the committed offset, e.g. {@code w1:1-3,7}. Metadata this class cannot read (another
 * format, another tool's) reads as nothing skipped: the records are redone with the same ids, which is safe.
 * The encoding is bounded well under the broker's {@code offset.metadata.max.bytes} (4096 by default); offsets
 * that do not fit are left out and redone.
 */
final class WrittenOffsets {

    private static final String PREFIX = "w1:";
    static final int MAX_CHARS = 2_000;

    private WrittenOffsets() {
    }

    /** The metadata for a commit at {@code committedOffset} whose later records {@code written} are done. */
    static String encode(final long committedOffset, final Collection<Long> written) {
        final NavigableSet<Long> after = new TreeSet<>(written).tailSet(committedOffset, false);
        if (after.isEmpty()) {
            return "";
        }
        final StringBuilder out = new StringBuilder(PREFIX);
        long start = -1;
        long end = -1;
        for (final long offset : after) {
            if (start >= 0 && offset == end + 1) {
                end = offset;
                continue;
            }
            if (start >= 0 && !appendRange(out, committedOffset, start, end)) {
                return out.toString();
            }
            start = offset;
            end = offset;
        }
        appendRange(out, committedOffset, start, end);
        return out.toString();
    }

    private static boolean appendRange(final StringBuilder out, final long base, final long start, final long end) {
        final String range = start == end ? Long.toString(start - base) : (start - base) + "-" + (end - base);
        if (out.length() + range.length() + 1 > MAX_CHARS) {
            return false;
        }
        if (out.length() > PREFIX.length()) {
            out.append(',');
        }
        out.append(range);
        return true;
    }

    /** The absolute offsets {@code committed}'s metadata names as written; empty when there are none or it cannot be read. */
    static Set<Long> decode(final OffsetAndMetadata committed) {
        if (committed == null || committed.metadata() == null || !committed.metadata().startsWith(PREFIX)) {
            return Set.of();
        }
        final String body = committed.metadata().substring(PREFIX.length());
        final Set<Long> offsets = new TreeSet<>();
        try {
            for (final String range : body.split(",")) {
                final int dash = range.indexOf('-');
                final long from = Long.parseLong(dash < 0 ? range : range.substring(0, dash));
                final long to = dash < 0 ? from : Long.parseLong(range.substring(dash + 1));
                if (from <= 0 || to < from || to - from > MAX_CHARS * 1_000L) {
                    return Set.of();
                }
                for (long delta = from; delta <= to; delta++) {
                    offsets.add(committed.offset() + delta);
                }
            }
        } catch (NumberFormatException e) {
            return Set.of();
        }
        return offsets;
    }

    /** {@link #decode} for every partition of a {@code committed()} answer; partitions with none are left out. */
    static Map<TopicPartition, Set<Long>> decodeAll(final Map<TopicPartition, OffsetAndMetadata> committed) {
        final Map<TopicPartition, Set<Long>> written = new HashMap<>();
        committed.forEach((partition, offset) -> {
            final Set<Long> offsets = decode(offset);
            if (!offsets.isEmpty()) {
                written.put(partition, offsets);
            }
        });
        return written;
    }
}
