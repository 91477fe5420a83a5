package dev.stepwise.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stepwise.topology.TopologyConfig;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The CLI looks for the topology under the application id the topology itself uses. */
class StepwiseStackTest {

    private static Map<String, String> config(final String... keyValues) {
        final Map<String, String> config = new HashMap<>();
        config.put("bootstrap.servers", "127.0.0.1:9092");
        config.put("schema.registry.url", "http://127.0.0.1:8080");
        for (int i = 0; i < keyValues.length; i += 2) {
            config.put(keyValues[i], keyValues[i + 1]);
        }
        return config;
    }

    @Test
    void theApplicationIdDefaultsToTheTopicPrefixPlusTopology() {
        assertThat(StepwiseStack.topologyApplicationId(config())).isEqualTo("stepwise-topology");
        assertThat(StepwiseStack.topologyApplicationId(config("topic.prefix", "team-a"))).isEqualTo("team-a-topology");
    }

    @Test
    void aConfiguredApplicationIdWins() {
        assertThat(StepwiseStack.topologyApplicationId(config("topic.prefix", "team-a", "application.id", "mine")))
                .isEqualTo("mine");
        assertThat(StepwiseStack.topologyApplicationId(config("topic.prefix", "team-a", "application.id", " ")))
                .isEqualTo("team-a-topology");
    }

    @Test
    void theCliAndTheTopologyDeriveTheSameApplicationId() {
        for (Map<String, String> config : List.of(config(), config("topic.prefix", "team-b"),
                config("topic.prefix", "team-b", "application.id", "other"))) {
            assertThat(StepwiseStack.topologyApplicationId(config)).as(config.toString())
                    .isEqualTo(new TopologyConfig(config).applicationId());
        }
    }
}
