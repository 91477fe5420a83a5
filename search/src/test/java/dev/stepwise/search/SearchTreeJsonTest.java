package dev.stepwise.search;

import static dev.stepwise.search.testing.TestEvents.T0;
import static dev.stepwise.search.testing.TestEvents.beam;
import static dev.stepwise.search.testing.TestEvents.bestOfN;
import static dev.stepwise.search.testing.TestEvents.budget;
import static dev.stepwise.search.testing.TestEvents.prompt;
import static dev.stepwise.search.testing.TestEvents.step;
import static dev.stepwise.search.testing.TestEvents.verdict;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stepwise.schemas.avro.AnswerPublished;
import dev.stepwise.search.strategy.BeamState;
import dev.stepwise.search.strategy.BestOfN;
import dev.stepwise.search.strategy.StrategyRegistry;
import dev.stepwise.search.testing.EngineHarness;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class SearchTreeJsonTest {

    private final SearchTreeJson json = new SearchTreeJson(StrategyRegistry.standard());
    private final SearchEngine engine = new SearchEngine(SearchSettings.defaults(), StrategyRegistry.standard());

    @Test
    void aTreeMidSearchReadsBackWithItsStrategysTypedStateAndTheSearchGoesOnTheSame() throws IOException {
        final EngineHarness h = new EngineHarness(SearchSettings.defaults(), prompt("p1", "q", beam(2, 2, 10, 1),
                budget(400, 1_000_000, null), T0), T0);
        h.level("p1", "p1/r0", new double[] {0.9, 0.4}, null);

        final SearchTree copy = json.read(json.write(h.tree));

        assertThat(copy.strategyState()).isInstanceOf(BeamState.class);
        assertThat(((BeamState) copy.strategyState()).level()).isEqualTo(1);
        assertThat(new String(json.write(copy), StandardCharsets.UTF_8))
                .isEqualTo(new String(json.write(h.tree), StandardCharsets.UTF_8));
        // The copy and the original decide the same on the same next event.
        final var next = step("p1", "p1/r1", 0, "next", true, "5");
        assertThat(engine.onStep(copy, next, T0).decisions()).isEqualTo(h.step(next).decisions());
        assertThat(engine.onVerdict(copy, verdict("p1", "p1/r1.0", 0.8), T0).answer())
                .isEqualTo(h.verdict(verdict("p1", "p1/r1.0", 0.8)).answer());
    }

    /**
     * A store hands entries back sorted by key, where {@code p1/r10.0} comes before {@code p1/r2.0}: the tree read
     * back from them must still go through its steps and requests in the order they were added, as the engine did.
     */
    @Test
    void aTreeStoredInPartsReadsBackInTheOrderItsEntriesWereAddedNotInTheOrderOfTheirKeys() throws IOException {
        final EngineHarness h = new EngineHarness(SearchSettings.defaults(), prompt("p1", "q", bestOfN(12, 10),
                budget(400, 1_000_000, null), T0), T0);
        for (int lane = 11; lane >= 0; lane--) {
            h.step(step("p1", "p1/r" + lane, 0, "step of chain " + lane));
        }
        // Every entry, keyed and sorted as the topology's entry store holds them.
        final SearchTree whole = json.read(json.write(h.tree));
        whole.touchAll();
        final TreeMap<String, byte[]> stored = new TreeMap<>();
        json.changedEntries(whole).forEach(e -> stored.put(e.key(), e.value()));

        final SearchTree read = json.withEntries(json.read(json.writeSummary(whole)), stored.entrySet().stream()
                .map(e -> new SearchTreeJson.Entry(e.getKey(), e.getValue())).toList());

        assertThat(stored.firstKey()).isEqualTo("p");
        assertThat(new String(json.write(read), StandardCharsets.UTF_8))
                .isEqualTo(new String(json.write(h.tree), StandardCharsets.UTF_8));
        assertThat(read.stepCount()).isEqualTo(12);
    }

    @Test
    void aTreeAnEarlierVersionStoredWholeIsReadWholeAndItsEntriesAreAllToBeWrittenInParts() throws IOException {
        final String formatTwo = "{\"format\":2,\"promptId\":\"p1\",\"status\":\"SEARCHING\",\"problem\":\"q\","
                + "\"strategy\":\"beam\",\"params\":{\"beam-width\":\"1\",\"branching\":\"2\",\"max-depth\":\"10\","
                + "\"max-revisions\":\"0\"},\"maxModelCalls\":400,\"maxTokens\":1000000,\"submittedAt\":" + T0
                + ",\"deadlineAt\":" + (T0 + 120_000) + ",\"nextRequest\":1,\"nextDecision\":1,"
                + "\"calls\":{\"reserved\":4,\"made\":{\"proposer\":1},\"tokens\":10},"
                + "\"requests\":{\"p1/r0\":{\"id\":\"p1/r0\",\"kind\":\"PROPOSAL\",\"chainId\":\"p1\",\"depth\":0,"
                + "\"samples\":2,\"verification\":\"STEP\",\"askedAt\":" + T0 + ",\"arrived\":[\"p1/r0.0\"],\"done\":false}},"
                + "\"steps\":{\"p1/r0.0\":{\"id\":\"p1/r0.0\",\"requestId\":\"p1/r0\",\"chainId\":\"p1\",\"depth\":0,"
                + "\"text\":\"a\",\"terminal\":true,\"answer\":\"5\",\"arrivedAt\":" + (T0 + 1) + ",\"check\":{\"kind\":\"STEP\","
                + "\"askedAt\":" + (T0 + 1) + ",\"done\":false},\"chainScore\":1.0,\"fate\":\"OPEN\"}},"
                + "\"earlyVerdicts\":{},\"finished\":[],\"state\":{\"strategy\":\"beam\",\"level\":0,"
                + "\"pending\":[\"p1/r0\"],\"revisions\":{},\"held\":{}},\"stepsProposed\":1,\"deepest\":1,"
                + "\"openRequests\":1,\"wakeAt\":" + (T0 + 15_001) + "}";

        final SearchTree tree = json.read(formatTwo.getBytes(StandardCharsets.UTF_8));

        assertThat(tree.format()).isEqualTo(SearchTree.FORMAT);
        assertThat(tree.stepCount()).isEqualTo(1);
        assertThat(json.changedEntries(tree)).extracting(SearchTreeJson.Entry::key)
                .containsExactly("p", "r/p1/r0", "s/p1/r0.0");
        engine.onStep(tree, step("p1", "p1/r0", 1, "b", true, "6"), T0 + 2);
        engine.onVerdict(tree, verdict("p1", "p1/r0.1", 0.4), T0 + 3);
        final AnswerPublished answer = engine.onVerdict(tree, verdict("p1", "p1/r0.0", 0.9), T0 + 4).answer().orElseThrow();
        assertThat(answer.getAnswer()).isEqualTo("5");
        assertThat(answer.getModelCalls()).isEqualTo(4);
    }

    @Test
    void eachStrategysStateIsWrittenUnderItsName() throws IOException {
        final EngineHarness h = new EngineHarness(SearchSettings.defaults(), prompt("p1", "q", bestOfN(2, 10),
                budget(400, 1_000_000, null), T0), T0);

        final String written = new String(json.write(h.tree), StandardCharsets.UTF_8);

        assertThat(written).contains("\"state\":{\"strategy\":\"best-of-n\"");
        assertThat(json.read(written.getBytes(StandardCharsets.UTF_8)).strategyState()).isInstanceOf(BestOfN.State.class);
    }

    @Test
    void aSearchStartedByAnEarlierLayoutIsAnsweredWithAnErrorAndAnAnsweredOneStaysATombstone() throws IOException {
        final String running = "{\"format\":1,\"promptId\":\"old\",\"status\":\"SEARCHING\",\"strategy\":\"beam\","
                + "\"beamWidth\":2,\"submittedAt\":" + T0 + ",\"deadlineAt\":" + (T0 + 60_000) + ",\"steps\":{}}";
        final SearchTree tree = json.read(running.getBytes(StandardCharsets.UTF_8));

        final AnswerPublished answer = engine.onTimer(tree, T0 + 1_000).answer().orElseThrow();

        assertThat(answer.getAnswer()).isNull();
        assertThat(answer.getError()).contains("started by an earlier version of the topology").contains("submit the prompt again");
        assertThat(answer.getStopCause()).isEqualTo("error");
        assertThat(tree.status()).isEqualTo(SearchTree.Status.ANSWERED);

        final String answered = "{\"format\":1,\"promptId\":\"done\",\"status\":\"ANSWERED\",\"answeredAt\":" + T0 + "}";
        final SearchTree tombstone = json.read(answered.getBytes(StandardCharsets.UTF_8));
        assertThat(tombstone.status()).isEqualTo(SearchTree.Status.ANSWERED);
        assertThat(engine.onTimer(tombstone, T0 + 1).ignored()).isPresent();
        assertThat(engine.isExpired(tombstone, T0 + SearchSettings.defaults().tombstoneRetentionMs())).isTrue();
    }
}
