package dev.stepwise.search;

import dev.stepwise.search.strategy.StrategyRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.TreeMap;

/**
 * Stores one tree in parts after every event, as the topology does (the summary, and the entries the
 * event changed), and checks that reading the parts back gives the same tree, with the same index of
 * open work. It catches a change to an entry that did not go through {@link SearchTree} (the topology
 * would not write it, and a restarted topology would search on without it) and an index that drifted
 * from the tree. {@code EngineHarness} runs it after every event of every engine and strategy test.
 */
public final class StoredTreeCheck {

    private final SearchTreeJson json;
    /** Sorted by key, as the topology's store hands them back: not in the order they were added. */
    private final Map<String, byte[]> entries = new TreeMap<>();

    public StoredTreeCheck(final StrategyRegistry registry) {
        this.json = new SearchTreeJson(registry);
    }

    /** Writes what the last event changed, reads the tree back, and throws if it is not {@code tree}. */
    public void afterEvent(final SearchTree tree) {
        final byte[] summary = json.writeSummary(tree);
        for (final SearchTreeJson.Entry entry : json.changedEntries(tree)) {
            if (entry.value() == null) {
                entries.remove(entry.key());
            } else {
                entries.put(entry.key(), entry.value());
            }
        }
        final SearchTree read;
        try {
            read = json.withEntries(json.read(summary), entries.entrySet().stream()
                    .map(e -> new SearchTreeJson.Entry(e.getKey(), e.getValue())).toList());
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
        final String expected = new String(json.write(tree), StandardCharsets.UTF_8);
        final String actual = new String(json.write(read), StandardCharsets.UTF_8);
        if (!expected.equals(actual)) {
            throw new AssertionError("The tree read back from its stored parts differs from the tree: a change "
                    + "did not go through SearchTree.\n  tree:      " + expected + "\n  read back: " + actual);
        }
        same("requests not done", tree.open.requests(), read.open.requests());
        same("open steps", tree.open.openSteps(), read.open.openSteps());
        // Steps join this one when asked to be verified, which may be after later steps arrived: order is not kept.
        same("steps awaiting verdicts", new HashSet<>(tree.open.awaitingVerdicts()),
                new HashSet<>(read.open.awaitingVerdicts()));
    }

    private static void same(final String what, final Collection<String> live, final Collection<String> rebuilt) {
        if (!live.equals(rebuilt)) {
            throw new AssertionError("The index of " + what + " drifted from the tree: " + live + ", rebuilt "
                    + rebuilt);
        }
    }
}
