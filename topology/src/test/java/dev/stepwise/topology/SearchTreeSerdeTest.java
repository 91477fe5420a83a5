package dev.stepwise.topology;

import static dev.stepwise.search.testing.TestEvents.T0;
import static dev.stepwise.search.testing.TestEvents.prompt;
import static dev.stepwise.search.testing.TestEvents.step;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stepwise.search.SearchEngine;
import dev.stepwise.search.SearchSettings;
import dev.stepwise.search.SearchTree;
import dev.stepwise.search.SearchTreeJson;
import dev.stepwise.search.strategy.StrategyRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class SearchTreeSerdeTest {

    private final SearchTreeJson json = new SearchTreeJson(StrategyRegistry.standard());
    private final SearchTreeSerde serde = new SearchTreeSerde(json);
    private final SearchEngine engine = new SearchEngine(SearchSettings.defaults(), StrategyRegistry.standard());

    /** As the topology stores a tree: the summary through the serde, and the entries changed since the last save. */
    private SearchTree roundTrip(final SearchTree tree) throws IOException {
        final byte[] summary = serde.serializer().serialize("t", tree);
        return json.withEntries(serde.deserializer().deserialize("t", summary), json.changedEntries(tree));
    }

    @Test
    void aTreeReadBackFromItsSummaryAndEntriesContinuesExactlyAsTheOriginal() throws IOException {
        final SearchTree original = engine.start(prompt("p1", T0), T0).tree();
        engine.onStep(original, step("p1", "p1/r0", 0, "a"), T0 + 1);
        final SearchTree copy = roundTrip(original);

        final var next = step("p1", "p1/r0", 1, "b");
        assertThat(engine.onStep(copy, next, T0 + 2).decisions())
                .isEqualTo(engine.onStep(original, next, T0 + 2).decisions());
        assertThat(json.write(copy)).isEqualTo(json.write(original));
        assertThat(copy.callsMade()).isEqualTo(2);
        assertThat(copy.stepCount()).isEqualTo(2);
    }

    @Test
    void theSummaryLeavesOutTheStepsRequestsAndProblemWhichAreWrittenAsEntriesWhenTheyChange() {
        final SearchTree tree = engine.start(prompt("p1", T0), T0).tree();
        assertThat(json.changedEntries(tree)).extracting(SearchTreeJson.Entry::key).containsExactly("p", "r/p1/r0");
        engine.onStep(tree, step("p1", "p1/r0", 0, "the step's text"), T0 + 1);

        final String summary = new String(serde.serializer().serialize("t", tree), StandardCharsets.UTF_8);

        assertThat(summary).contains("\"promptId\":\"p1\"").doesNotContain("the step's text")
                .doesNotContain("\"steps\"").doesNotContain("\"requests\"").doesNotContain("What is 6 * 7?");
        assertThat(json.changedEntries(tree)).extracting(SearchTreeJson.Entry::key)
                .containsExactly("s/p1/r0.0", "r/p1/r0");
        assertThat(json.changedEntries(tree)).isEmpty();
    }

    @Test
    void fieldsItDoesNotKnowAreIgnoredAndMissingOnesKeepTheirDefaults() {
        final String text = "{\"format\":3,\"promptId\":\"p9\",\"status\":\"ANSWERED\",\"answeredAt\":5,"
                + "\"fieldFromANewerVersion\":[1,2]}";

        final SearchTree tree = serde.deserializer().deserialize("t", text.getBytes(StandardCharsets.UTF_8));

        assertThat(tree.promptId()).isEqualTo("p9");
        assertThat(tree.status()).isEqualTo(SearchTree.Status.ANSWERED);
        assertThat(tree.answeredAt()).isEqualTo(5);
        assertThat(tree.stepCount()).isZero();
        assertThat(tree.finishedSteps()).isEmpty();
    }

    @Test
    void bytesThatAreNotASearchTreeFailAsASerializationError() {
        assertThatThrownBy(() -> serde.deserializer().deserialize("t", "not json".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(SerializationException.class).hasMessageContaining("Cannot read a search state");
    }
}
