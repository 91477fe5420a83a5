package dev.stepwise.topology;

import static dev.stepwise.topology.TestEvents.T0;
import static dev.stepwise.topology.TestEvents.prompt;
import static dev.stepwise.topology.TestEvents.step;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stepwise.topology.search.SearchPolicy;
import dev.stepwise.topology.search.SearchSettings;
import dev.stepwise.topology.search.SearchTree;
import java.nio.charset.StandardCharsets;
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
