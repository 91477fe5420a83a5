package dev.stepwise.models.synthetic;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A small LRU map from problem text to parsed problem, so that the thousands of calls a search makes on one prompt
 * parse it once. A synchronized access-ordered LinkedHashMap is enough: parsing is cheap, so the lock is held only
 * for map operations and two threads parsing the same text at once is harmless. No cache library is a dependency
 * of this module.
 */
final class ProblemCache {

    private final Map<String, SerialProblem<?>> entries;

    ProblemCache(final int capacity) {
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(final Map.Entry<String, SerialProblem<?>> eldest) {
                return size() > capacity;
            }
        };
    }

    SerialProblem<?> get(final String text) {
        synchronized (entries) {
            final SerialProblem<?> cached = entries.get(text);
            if (cached != null) {
                return cached;
            }
        }
        final SerialProblem<?> parsed = SyntheticTaskSuite.parse(text);
        synchronized (entries) {
            entries.put(text, parsed);
        }
        return parsed;
    }
}
