package dev.stepwise.agents;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stepwise.schemas.serde.InMemorySchemaRegistry;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Building agents connects to nothing; these run without a broker. */
class AgentsTest {

    private final AgentConfig config = new AgentConfig(Map.of(AgentConfig.INSTANCE_ID, "node-a"));

    @ParameterizedTest
    @EnumSource(AgentKind.class)
    void buildsAnAgentOfEachKindThatHasNotStarted(final AgentKind kind) {
        final Agent agent = Agents.create(kind, config, new FakeBackend(), new InMemorySchemaRegistry());

        assertThat(agent.kind()).isEqualTo(kind);
        assertThat(agent.instanceIds()).containsExactly("node-a");
        assertThat(agent.isRunning()).isFalse();
        assertThat(agent.failure()).isEmpty();
        agent.close(Duration.ofSeconds(5));
    }

    @Test
    void aPoolNamesItsInstancesAfterTheConfiguredId() throws InterruptedException {
        final AgentPool pool = Agents.createPool(AgentKind.PROPOSER, config, new FakeBackend(), new InMemorySchemaRegistry(), 3);

        assertThat(pool.instanceIds()).containsExactly("node-a-0", "node-a-1", "node-a-2");
        assertThat(pool.members()).hasSize(3);
        pool.close(Duration.ofSeconds(5));
        assertThat(pool.awaitTermination(Duration.ZERO)).isTrue();
        assertThat(pool.isRunning()).isFalse();
    }
}
