package dev.stepwise.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stepwise.search.SearchTree;
import dev.stepwise.search.SearchTreeJson;
import dev.stepwise.search.strategy.StrategyRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.internals.WrappedStateStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How the topology keeps its search trees ({@link SearchTrees}): in parts, behind a cache, restored from the
 * changelogs, and from a store an earlier version wrote. Six prompts of six strategies are played at once by
 * {@link ScriptedAgents} (rejections, merges, early, duplicate and lost replies, retries); two runs that must
 * agree are compared on everything the topology wrote, record for record.
 */
class SearchTreesTest {

    private static final long SEED = 11L;
    private static final int MAX_ROUNDS = 400;
    private static final String CHANGELOG = "topology-test-%s-changelog";
    private static final List<String> STORES = List.of(StepwiseTopology.SEARCH_TREE_STORE,
            StepwiseTopology.SEARCH_ENTRY_STORE, StepwiseTopology.SEARCH_TIMER_STORE);

    @TempDir
    Path dir;

    private final SearchTreeJson json = new SearchTreeJson(StrategyRegistry.standard());

    /** Plays until every prompt is answered; returns the transcript. */
    private static List<String> playToTheEnd(final ScriptedAgents agents, final TopologyFixture fx) {
        for (int round = 0; round < MAX_ROUNDS; round++) {
            if (!agents.round(fx)) {
                return agents.transcript();
            }
        }
        throw new AssertionError("not every prompt was answered after " + MAX_ROUNDS + " rounds");
    }

    private List<String> uninterrupted(final Map<String, String> config) {
        final ScriptedAgents agents = new ScriptedAgents(SEED);
        try (TopologyFixture fx = new TopologyFixture(dir.resolve("uninterrupted-" + config.hashCode()), config)) {
            agents.submitAll(fx);
            return playToTheEnd(agents, fx);
        }
    }

    @Test
    void aSearchReadBackFromItsStoresOnEveryEventDecidesExactlyAsOneKeptInMemory() {
        final List<String> cached = uninterrupted(Map.of());
        final List<String> uncached = uninterrupted(Map.of(TopologyConfig.SEARCH_TREE_CACHE_STEPS, "0"));
        // Room for a tree or two: trees are evicted and read back all the time.
        final List<String> small = uninterrupted(Map.of(TopologyConfig.SEARCH_TREE_CACHE_STEPS, "12"));

        assertThat(cached).anyMatch(r -> r.contains("\"action\": \"REVISE\"")).anyMatch(r -> r.contains("\"action\": \"RETRY\""))
                .filteredOn(r -> r.contains("\"stopCause\"")).hasSize(ScriptedAgents.STRATEGIES.size());
        assertThat(uncached).isEqualTo(cached);
        assertThat(small).isEqualTo(cached);
    }

    @Test
    void anAnsweredSearchLeavesItsTombstoneAndNoEntries() {
        final ScriptedAgents agents = new ScriptedAgents(SEED);
        try (TopologyFixture fx = new TopologyFixture(dir, Map.of())) {
            agents.submitAll(fx);
            playToTheEnd(agents, fx);

            for (final String promptId : ScriptedAgents.STRATEGIES.keySet()) {
                assertThat(fx.trees().get(promptId).status()).isEqualTo(SearchTree.Status.ANSWERED);
            }
            try (var entries = fx.entries().all()) {
                assertThat(entries.hasNext()).as("entries left after every search was answered").isFalse();
            }
        }
    }

    /**
     * Halfway through, the topology's state is rebuilt in an empty one from the changelogs, as Kafka Streams
     * restores a task that moved or lost its disk (the records copied verbatim into the new stores); played on
     * there, the searches go on exactly as they do without the restart.
     */
    @Test
    void aSearchRestoredFromTheChangelogsGoesOnExactlyAsOneThatWasNeverInterrupted() {
        final ScriptedAgents agents = new ScriptedAgents(SEED);
        try (TopologyFixture before = new TopologyFixture(dir.resolve("before"), Map.of());
             TopologyFixture after = new TopologyFixture(dir.resolve("after"), Map.of())) {
            agents.submitAll(before);
            for (int round = 0; round < 4; round++) {
                assertThat(agents.round(before)).isTrue();
            }
            for (final String store : STORES) {
                restore(after, store, changelog(before, store));
            }
            for (final String promptId : ScriptedAgents.STRATEGIES.keySet()) {
                assertThat(json.write(after.tree(promptId))).isEqualTo(json.write(before.tree(promptId)));
            }

            agents.round(before, after);
            assertThat(playToTheEnd(agents, after)).isEqualTo(uninterrupted(Map.of()));
        }
    }

    /**
     * The previous version stored each tree whole (format 2). A topology restarted on such a store reads them
     * whole, goes on with their searches as if nothing changed, and stores them in parts from their next event.
     */
    @Test
    void aTreeAnEarlierVersionStoredWholeIsReadAndItsSearchGoesOnStoredInParts() {
        final ScriptedAgents agents = new ScriptedAgents(SEED);
        try (TopologyFixture before = new TopologyFixture(dir.resolve("before"), Map.of());
             TopologyFixture after = new TopologyFixture(dir.resolve("after"), Map.of())) {
            agents.submitAll(before);
            for (int round = 0; round < 4; round++) {
                assertThat(agents.round(before)).isTrue();
            }
            final KeyValueStore<Bytes, byte[]> trees = raw(after, StepwiseTopology.SEARCH_TREE_STORE);
            for (final String promptId : ScriptedAgents.STRATEGIES.keySet()) {
                trees.put(key(promptId), formatTwo(json.write(before.tree(promptId))));
            }
            restore(after, StepwiseTopology.SEARCH_TIMER_STORE, changelog(before, StepwiseTopology.SEARCH_TIMER_STORE));
            final List<String> searching = ScriptedAgents.STRATEGIES.keySet().stream().sorted()
                    .filter(p -> before.tree(p).status() == SearchTree.Status.SEARCHING).toList();
            assertThat(searching).isNotEmpty();
            for (final String promptId : searching) {
                assertThat(after.tree(promptId).stepCount()).isPositive().isEqualTo(before.tree(promptId).stepCount());
            }
            try (var entries = after.entries().all()) {
                assertThat(entries.hasNext()).isFalse();
            }

            agents.round(before, after);
            final String promptId = searching.get(0);
            assertThat(new String(trees.get(key(promptId)), StandardCharsets.UTF_8)).startsWith("{\"format\":3,")
                    .doesNotContain("\"steps\"");
            try (var entries = after.entries().prefixScan(SearchTrees.prefix(promptId), new StringSerializer())) {
                assertThat(entries.hasNext()).as("the tree's entries, stored in parts").isTrue();
            }
            assertThat(playToTheEnd(agents, after)).isEqualTo(uninterrupted(Map.of()));
        }
    }

    /**
     * What an event writes to the stores (their changelog records) depends on what it changed, not on the size of
     * the tree: the events of a beam whose tree holds 1,000 steps write as much as those of one with 40 (give or
     * take the longer ids). Before the trees were stored in parts, each of them wrote the whole tree: about
     * 10 times more at 40 steps, over 300 times more at 1,000 ({@link SearchStoreCost} measures it).
     */
    @Test
    void everyEventOfALargeTreeWritesAboutAsMuchAsAnEventOfASmallOne() {
        try (TopologyFixture fx = new TopologyFixture(dir, Map.of())) {
            final List<GrowingSearch.Sample> samples = new GrowingSearch(fx).grow("big", 1_100);
            final long[] small = window(samples, 40);
            final long[] large = window(samples, 1_000);

            assertThat(large[0]).as("most bytes an event wrote at 1,000 steps").isLessThanOrEqualTo(small[0] * 11 / 10)
                    .isLessThan(16_384);
            assertThat(large[1]).as("bytes written by the window's events at 1,000 steps")
                    .isLessThanOrEqualTo(small[1] * 11 / 10);
        }
    }

    /** The most bytes one event wrote, and all they wrote, over the 64 events from the first at {@code steps} steps. */
    private static long[] window(final List<GrowingSearch.Sample> samples, final int steps) {
        final List<GrowingSearch.Sample> window = samples.stream().dropWhile(s -> s.steps() < steps).limit(64).toList();
        assertThat(window).hasSize(64);
        return new long[] {window.stream().mapToLong(GrowingSearch.Sample::bytesWritten).max().orElseThrow(),
            window.stream().mapToLong(GrowingSearch.Sample::bytesWritten).sum()};
    }

    /** What the previous version wrote for a tree: the same document, without the entries' order and as format 2. */
    private static byte[] formatTwo(final byte[] whole) {
        final String text = new String(whole, StandardCharsets.UTF_8);
        assertThat(text).startsWith("{\"format\":3,");
        return text.replaceFirst("^\\{\"format\":3,", "{\"format\":2,").replaceAll("\"seq\":\\d+,", "")
                .replaceAll(",\"nextEntry\":\\d+", "").getBytes(StandardCharsets.UTF_8);
    }

    /** Every record written to a store's changelog so far, in order. */
    private static List<TestRecord<byte[], byte[]>> changelog(final TopologyFixture fx, final String store) {
        final TestOutputTopic<byte[], byte[]> topic = fx.driver.createOutputTopic(String.format(CHANGELOG, store),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        return new ArrayList<>(topic.readRecordsToList());
    }

    /** Applies changelog records to a store byte for byte, as a restoring task does. */
    private static void restore(final TopologyFixture fx, final String store, final List<TestRecord<byte[], byte[]>> records) {
        final KeyValueStore<Bytes, byte[]> bytes = raw(fx, store);
        for (final TestRecord<byte[], byte[]> record : records) {
            bytes.put(Bytes.wrap(record.key()), record.value());
        }
    }

    /**
     * The bytes store under a store's serdes. Test-only use of a Streams internal: the driver offers no other way
     * to write bytes that the topology's serdes would not write (a changelog's, or an earlier version's).
     */
    @SuppressWarnings("unchecked")
    private static KeyValueStore<Bytes, byte[]> raw(final TopologyFixture fx, final String store) {
        final Object typed = fx.driver.getKeyValueStore(store);
        return (KeyValueStore<Bytes, byte[]>) ((WrappedStateStore<?, ?, ?>) typed).wrapped();
    }

    private static Bytes key(final String text) {
        return Bytes.wrap(text.getBytes(StandardCharsets.UTF_8));
    }
}
