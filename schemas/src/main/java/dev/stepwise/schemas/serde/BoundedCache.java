package dev.stepwise.schemas.serde;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * A small least-recently-used map. Schema ids are immutable, so entries never go stale; the bound
 * only keeps a process that meets many schemas (a replay across versions) from growing without limit.
 */
final class BoundedCache<K, V> {

    private final Map<K, V> entries;

    BoundedCache(final int maxEntries) {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("cache size must be at least 1, got " + maxEntries);
        }
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(final Map.Entry<K, V> eldest) {
                return size() > maxEntries;
            }
        };
    }

    /** The cached value, or the one {@code load} returns (not cached if it throws). Loads outside the lock. */
    V get(final K key, final Function<K, V> load) {
        synchronized (entries) {
            final V cached = entries.get(key);
            if (cached != null) {
                return cached;
            }
        }
        final V loaded = load.apply(key);
        synchronized (entries) {
            entries.put(key, loaded);
        }
        return loaded;
    }

    int size() {
        synchronized (entries) {
            return entries.size();
        }
    }
}
