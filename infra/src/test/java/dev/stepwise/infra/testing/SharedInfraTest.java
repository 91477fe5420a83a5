package dev.stepwise.infra.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stepwise.schemas.topics.Topics;
import org.junit.jupiter.api.Test;

class SharedInfraTest {

    @Test
    void uniqueNamesAreLegalTopicPrefixesAndDifferEveryCall() {
        final String first = SharedInfra.uniqueName("My Test: round/trip");
        final String second = SharedInfra.uniqueName("My Test: round/trip");

        assertThat(first).matches("it-my-test-round-trip-[0-9a-f]{8}").isNotEqualTo(second);
        assertThat(new Topics(first, 1).prompts().name()).startsWith(first + ".");
    }

    @Test
    void longNamesAreCutAndEmptyNamesStillWork() {
        assertThat(SharedInfra.uniqueName("x".repeat(100))).hasSize("it-".length() + 40 + 1 + 8);
        assertThat(SharedInfra.uniqueName("  ")).matches("it-[0-9a-f]{8}");
    }

    @Test
    void accessorsExplainWhatIsMissingOutsideTheExtension() {
        // No test in this class uses the extension, and unit tests run in their own JVM.
        assertThatThrownBy(SharedInfra::bootstrapServers)
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("@ExtendWith(SharedInfra.class)");
    }
}
