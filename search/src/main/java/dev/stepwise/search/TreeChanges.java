package dev.stepwise.search;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Which entries of a tree changed since it was last stored. A tree is stored as a small summary plus one
 * entry per step, request and early verdict (and one for the problem's text), so that an event writes the
 * summary and the few entries it changed, not the whole tree (see {@link SearchTreeJson}). Every change
 * to an entry goes through {@link SearchTree}, which records its key here. Not stored itself.
 *
 * <p>An entry's key names its kind and id: {@code s/<stepId>}, {@code r/<requestId>},
 * {@code e/<stepId>/<kind>} and {@code p}. A key whose entry is gone from the tree is a deletion.
 */
final class TreeChanges {

    static final String PROBLEM = "p";
    static final String STEP = "s/";
    static final String REQUEST = "r/";
    static final String EARLY_VERDICT = "e/";

    private final Set<String> keys = new LinkedHashSet<>();

    void step(final String stepId) {
        keys.add(STEP + stepId);
    }

    void request(final String requestId) {
        keys.add(REQUEST + requestId);
    }

    void earlyVerdict(final String key) {
        keys.add(EARLY_VERDICT + key);
    }

    void problem() {
        keys.add(PROBLEM);
    }

    /** The keys changed since the last call, in the order they first changed; forgets them. */
    List<String> take() {
        final List<String> taken = List.copyOf(keys);
        keys.clear();
        return taken;
    }
}
