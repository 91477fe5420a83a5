package dev.stepwise.topology;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * When each search must next be woken (its next timeout, its deadline, or its tombstone's purge), indexed by
 * time over the timer store: key {@code <19-digit time>/<promptId>}, value the prompt id. A punctuation reads
 * only the entries that are due, however many searches are waiting.
 */
final class WakeUps {

    /** A search due at {@code at}. */
    record Due(long at, String promptId) {
    }

    private final KeyValueStore<String, String> store;

    WakeUps(final KeyValueStore<String, String> store) {
        this.store = store;
    }

    /** Removes and returns every wake-up due at {@code now}, earliest first. */
    List<Due> takeDue(final long now) {
        final List<Due> due = new ArrayList<>();
        try (KeyValueIterator<String, String> it = store.range(null, upperBound(now))) {
            it.forEachRemaining(kv -> due.add(new Due(time(kv.key), kv.value)));
        }
        due.forEach(d -> store.delete(key(d.at(), d.promptId())));
        return due;
    }

    /** Moves {@code promptId}'s wake-up from {@code before} (negative: it had none) to {@code after}. */
    void move(final String promptId, final long before, final long after) {
        if (before == after) {
            return;
        }
        if (before >= 0) {
            store.delete(key(before, promptId));
        }
        store.put(key(after, promptId), promptId);
    }

    /**
     * Keys sort by due time: the time is zero-padded to 19 digits (any non-negative long), so the string
     * order of keys (and of their UTF-8 bytes in the store) is the numeric order of times.
     */
    static String key(final long at, final String promptId) {
        return String.format(Locale.ROOT, "%019d/%s", Math.max(0, at), promptId);
    }

    /** The last key due at {@code now}: '/' (0x2F) sorts before '0' (0x30), so every "&lt;now&gt;/id" is below "&lt;now&gt;0". */
    private static String upperBound(final long now) {
        return String.format(Locale.ROOT, "%019d0", Math.max(0, now));
    }

    private static long time(final String key) {
        return Long.parseLong(key.substring(0, key.indexOf('/')));
    }
}
