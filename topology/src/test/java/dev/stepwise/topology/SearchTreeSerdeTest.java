package dev.stepwise.topology;

import static dev.stepwise.topology.TestEvents.T0;
import static dev.stepwise.topology.TestEvents.beam;
import static dev.stepwise.topology.TestEvents.budget;
import static dev.stepwise.topology.TestEvents.prompt;
import static dev.stepwise.topology.TestEvents.step;
import static dev.stepwise.topology.TestEvents.verdict;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stepwise.topology.search.Commands;
import dev.stepwise.topology.search.SearchPolicy;
import dev.stepwise.topology.search.SearchSettings;
import dev.stepwise.topology.search.SearchTree;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class SearchTreeSerdeTest {

    private final SearchTreeSerde serde = new SearchTreeSerde();

    private SearchTree roundTrip(final SearchTree tree) {
        return serde.deserializer().deserialize("t", serde.serializer().serialize("t", tree));
    }

    @Test
    void aTreeReadBackContinuesExactlyAsTheOriginal() {
        final SearchPolicy policy = new SearchPolicy(SearchSettings.defaults());
        final SearchTree original = policy.start(prompt("p1", T0), T0).tree();
        policy.onStep(original, step("p1", "p1/r0", 0, "a"), T0 + 1);
        final SearchTree copy = roundTrip(original);

        final var next = step("p1", "p1/r0", 1, "b");
        assertThat(policy.onStep(copy, next, T0 + 2).decisions())
                .isEqualTo(policy.onStep(original, next, T0 + 2).decisions());
        assertThat(serde.serializer().serialize("t", copy)).isEqualTo(serde.serializer().serialize("t", original));
        assertThat(copy.callsMade()).isEqualTo(2);
        assertThat(copy.stepCount()).isEqualTo(2);
    }

    @Test
    void aTreeWrittenBeforeStepsCountedAgreeingSamplesContinuesAsItWasSearched() throws Exception {
        final SearchPolicy policy = new SearchPolicy(SearchSettings.defaults());
        final SearchTree original = policy.start(prompt("p1", "q", beam(2, 2, 10, 0), budget(400, 1_000_000L, null), T0),
                T0).tree();
        // Depth 0: one chain finishes (holding one of the two beam slots), one is expanded.
        policy.onStep(original, step("p1", "p1/r0", 0, "a", true, "5"), T0 + 1);
        policy.onStep(original, step("p1", "p1/r0", 1, "b"), T0 + 1);
        policy.onVerdict(original, verdict("p1", "p1/r0.0", 1.0), T0 + 2);
        policy.onVerdict(original, verdict("p1", "p1/r0.1", 1.0), T0 + 2);
        // The same state as an older version wrote it: without the agreement fields.
        final ObjectMapper json = new ObjectMapper();
        final ObjectNode old = (ObjectNode) json.readTree(serde.serializer().serialize("t", original));
        old.remove("stepsMerged");
        old.get("steps").forEach(step -> ((ObjectNode) step).remove(List.of("agreement", "slots", "mergedScore")));
        assertThat(old.toString()).doesNotContain("\"slots\"").contains("\"p1/r0.0\"");
        final SearchTree copy = serde.deserializer().deserialize("t", json.writeValueAsBytes(old));

        for (final SearchTree tree : List.of(original, copy)) {
            policy.onStep(tree, step("p1", "p1/r1", 0, "c", true, "5"), T0 + 3);
            policy.onStep(tree, step("p1", "p1/r1", 1, "d", true, "6"), T0 + 3);
            policy.onVerdict(tree, verdict("p1", "p1/r1.0", 1.0), T0 + 4);
        }
        final Commands expected = policy.onVerdict(original, verdict("p1", "p1/r1.1", 1.0), T0 + 4);
        final Commands actual = policy.onVerdict(copy, verdict("p1", "p1/r1.1", 1.0), T0 + 4);

        // The finished chain still fills one slot, so one of the two new candidates is kept and the search stops.
        assertThat(expected.answer()).hasValueSatisfying(a -> assertThat(a.getVotes().get(0).getWeight()).isEqualTo(2.0));
        assertThat(actual.decisions()).isEqualTo(expected.decisions());
        assertThat(actual.answer()).isEqualTo(expected.answer());
    }

    @Test
    void fieldsItDoesNotKnowAreIgnoredAndMissingOnesKeepTheirDefaults() {
        final String json = "{\"promptId\":\"p9\",\"status\":\"ANSWERED\",\"answeredAt\":5,\"fieldFromANewerVersion\":[1,2]}";

        final SearchTree tree = serde.deserializer().deserialize("t", json.getBytes(StandardCharsets.UTF_8));

        assertThat(tree.promptId()).isEqualTo("p9");
        assertThat(tree.status()).isEqualTo(SearchTree.Status.ANSWERED);
        assertThat(tree.answeredAt()).isEqualTo(5);
        assertThat(tree.stepCount()).isZero();
        assertThat(tree.finishedSteps()).isEmpty();
    }
}
