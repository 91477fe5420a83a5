package dev.stepwise.topology;

import dev.stepwise.search.SearchTree;
import dev.stepwise.search.SearchTreeJson;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The search trees of one task's prompts, stored so that what an event costs does not grow with its
 * prompt's tree: each tree's summary in the tree store (key: the prompt id), and each of its entries —
 * steps, requests, early verdicts, the problem's text — as a record of its own in the entry store (see
 * {@link SearchTreeJson}). Saving a tree writes its summary and the entries the event changed, so the
 * changelogs get those few records, in the transaction of the event's outputs.
 *
 * <p>Reading a tree back means a prefix scan of its entries, so the trees are also kept as the engine uses
 * them, in a cache in front of the stores, least recently used out first beyond {@code maxCachedSteps} steps.
 * The cache holds a tree only as it was last written to the stores (a tree is cached when it is saved, not
 * when it is read), and a tree the engine may have changed without it being saved must be {@link #forget
 * forgotten}. It lives and dies with the processor of its task, so it is empty whenever a task starts,
 * is restored from its changelogs, or moves to another instance.
 *
 * <p>Entry keys are {@code <length of the prompt id>:<prompt id>/<entry>}: prompt ids may hold any
 * character, and with its length in front no prompt's keys begin with another prompt's prefix.
 */
final class SearchTrees {

    private static final StringSerializer KEYS = new StringSerializer();

    private final KeyValueStore<String, SearchTree> summaries;
    private final KeyValueStore<String, byte[]> entries;
    private final SearchTreeJson json;
    private final int maxCachedSteps;
    /** Access-ordered: the least recently used tree comes first. */
    private final LinkedHashMap<String, Cached> cache = new LinkedHashMap<>(16, 0.75f, true);
    private long cachedSteps;

    private record Cached(SearchTree tree, int steps) {
    }

    SearchTrees(final KeyValueStore<String, SearchTree> summaries, final KeyValueStore<String, byte[]> entries,
                final SearchTreeJson json, final int maxCachedSteps) {
        this.summaries = summaries;
        this.entries = entries;
        this.json = json;
        this.maxCachedSteps = maxCachedSteps;
    }

    /** The tree of {@code promptId}, whole, or null when there is none. */
    SearchTree get(final String promptId) {
        final Cached cached = cache.get(promptId);
        if (cached != null) {
            return cached.tree();
        }
        final SearchTree summary = summaries.get(promptId);
        if (summary == null) {
            return null;
        }
        final List<SearchTreeJson.Entry> stored = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> it = entries.prefixScan(prefix(promptId), KEYS)) {
            final int from = prefix(promptId).length();
            it.forEachRemaining(kv -> stored.add(new SearchTreeJson.Entry(kv.key.substring(from), kv.value)));
        }
        try {
            return json.withEntries(summary, stored);
        } catch (final IOException e) {
            throw new SerializationException("Cannot read the search state of " + promptId, e);
        }
    }

    /** Where the search of {@code promptId} is, or null when there is none (reads the summary only). */
    SearchTree.Status status(final String promptId) {
        final Cached cached = cache.get(promptId);
        final SearchTree tree = cached != null ? cached.tree() : summaries.get(promptId);
        return tree == null ? null : tree.status();
    }

    /** Writes the tree's summary and the entries changed since it was last written (an answer deletes them all). */
    void put(final SearchTree tree) {
        final String promptId = tree.promptId();
        summaries.put(promptId, tree);
        for (final SearchTreeJson.Entry entry : json.changedEntries(tree)) {
            // A null value deletes the entry, without the read that delete() makes to return the old value.
            entries.put(prefix(promptId) + entry.key(), entry.value());
        }
        uncache(promptId);
        if (maxCachedSteps > 0 && tree.status() == SearchTree.Status.SEARCHING) {
            cache(tree);
        }
    }

    /** Deletes the tree of {@code promptId}: its summary and any entry left. */
    void delete(final String promptId) {
        uncache(promptId);
        summaries.delete(promptId);
        final List<String> left = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> it = entries.prefixScan(prefix(promptId), KEYS)) {
            it.forEachRemaining(kv -> left.add(kv.key));
        }
        left.forEach(key -> entries.put(key, null));
    }

    /** Drops the cached tree of {@code promptId}: the engine may have changed it, and it was not saved. */
    void forget(final String promptId) {
        uncache(promptId);
    }

    /** Drops every cached tree. */
    void clear() {
        cache.clear();
        cachedSteps = 0;
    }

    private void cache(final SearchTree tree) {
        final int steps = tree.stepCount() + 1;
        cache.put(tree.promptId(), new Cached(tree, steps));
        cachedSteps += steps;
        final Iterator<Cached> eldest = cache.values().iterator();
        // The tree just saved stays, even when it alone is over the limit: it is the one in use.
        while (cachedSteps > maxCachedSteps && cache.size() > 1) {
            cachedSteps -= eldest.next().steps();
            eldest.remove();
        }
    }

    private void uncache(final String promptId) {
        final Cached removed = cache.remove(promptId);
        if (removed != null) {
            cachedSteps -= removed.steps();
        }
    }

    static String prefix(final String promptId) {
        return promptId.length() + ":" + promptId + "/";
    }
}
