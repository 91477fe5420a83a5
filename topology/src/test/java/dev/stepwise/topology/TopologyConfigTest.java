package dev.stepwise.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stepwise.schemas.avro.Budget;
import dev.stepwise.schemas.avro.Strategy;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class TopologyConfigTest {

    @Test
    void defaultsAreTheDocumentedOnes() {
        final TopologyConfig config = TopologyConfig.of(Map.of());

        assertThat(config.applicationId()).isEqualTo("stepwise-topology");
        assertThat(config.bootstrapServers()).isEqualTo("127.0.0.1:9092");
        assertThat(config.topics().prompts().name()).isEqualTo("stepwise.prompts");
        assertThat(config.getInt(TopologyConfig.REPLICATION_FACTOR)).isEqualTo(-1);
        assertThat(config.searchSettings().defaultTimeoutMs()).isEqualTo(120_000L);
        assertThat(config.searchSettings().verdictTimeoutMs()).isEqualTo(15_000L);
        assertThat(config.searchSettings().proposalTimeoutMs()).isEqualTo(30_000L);
        assertThat(config.searchSettings().acceptThreshold()).isEqualTo(0.5);
        assertThat(config.searchSettings().tombstoneRetentionMs()).isEqualTo(3_600_000L);
        assertThat(config.punctuateInterval().toMillis()).isEqualTo(500L);
        assertThat(config.limits().maxBeamWidth()).isEqualTo(16);
        assertThat(config.limits().maxBranching()).isEqualTo(16);
        assertThat(config.limits().maxDepth()).isEqualTo(512);
        assertThat(config.limits().maxModelCalls()).isEqualTo(100_000);
        assertThat(config.limits().maxTokens()).isEqualTo(100_000_000L);
        final Strategy strategy = config.defaultStrategy();
        assertThat(strategy.getName()).isEqualTo("beam");
        assertThat(strategy.getBeamWidth()).isEqualTo(2);
        assertThat(strategy.getBranching()).isEqualTo(3);
        assertThat(strategy.getMaxDepth()).isEqualTo(40);
        assertThat(strategy.getMaxRevisions()).isEqualTo(2);
        final Budget budget = config.defaultBudget();
        assertThat(budget.getMaxModelCalls()).isEqualTo(400);
        assertThat(budget.getMaxTokens()).isEqualTo(1_000_000L);
        assertThat(budget.getDeadline()).isNull();
    }

    @Test
    void overridesWinOverDefaultsAndStringsAreParsed() {
        final TopologyConfig config = TopologyConfig.of(Map.of(
                "application.id", "my-app",
                "topic.prefix", "t1",
                "search.verdict.timeout.ms", "2000",
                "search.accept.threshold", "0.75",
                "default.strategy", "best-of-n",
                "default.beam.width", "4",
                "streams.num.standby.replicas", "1"));

        assertThat(config.applicationId()).isEqualTo("my-app");
        assertThat(config.topics().answers().name()).isEqualTo("t1.answers");
        assertThat(config.searchSettings().verdictTimeoutMs()).isEqualTo(2000L);
        assertThat(config.searchSettings().acceptThreshold()).isEqualTo(0.75);
        assertThat(config.defaultStrategy().getName()).isEqualTo("best-of-n");
        assertThat(config.defaultStrategy().getBeamWidth()).isEqualTo(4);
        assertThat(config.streamsOverrides()).containsEntry("num.standby.replicas", "1");
    }

    @Test
    void theDefaultStrategyIsAFreshObjectEachTime() {
        final TopologyConfig config = TopologyConfig.of(Map.of());
        config.defaultStrategy().setBeamWidth(9);

        assertThat(config.defaultStrategy().getBeamWidth()).isEqualTo(2);
    }

    @Test
    void anAcceptThresholdOutsideZeroToOneIsRejected() {
        assertThatThrownBy(() -> TopologyConfig.of(Map.of("search.accept.threshold", "1.5")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("search.accept.threshold");
    }

    @Test
    void anUnknownDefaultStrategyIsRejected() {
        assertThatThrownBy(() -> TopologyConfig.of(Map.of("default.strategy", "mcts")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("default.strategy");
    }

    @Test
    void aNonNumericTimeoutIsRejected() {
        assertThatThrownBy(() -> TopologyConfig.of(Map.of("search.default.timeout.ms", "soon")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("search.default.timeout.ms");
    }

    @Test
    void aZeroTimeoutIsRejected() {
        assertThatThrownBy(() -> TopologyConfig.of(Map.of("search.proposal.timeout.ms", "0")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("search.proposal.timeout.ms");
    }

    @Test
    void defaultsAboveTheLimitsAreRejected() {
        assertThatThrownBy(() -> TopologyConfig.of(Map.of("default.beam.width", "20")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("limits.max.beam.width");
        assertThatThrownBy(() -> TopologyConfig.of(Map.of("limits.max.model.calls", "100")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("default.max.model.calls");
    }

    @Test
    void aDefaultBudgetThatCannotPayForOneSampleIsRejected() {
        assertThatThrownBy(() -> TopologyConfig.of(Map.of("default.max.model.calls", "1")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("at least one sample");
    }

    @Test
    void everyKeyIsDocumented() {
        assertThat(TopologyConfig.configDef().configKeys().values())
                .allSatisfy(key -> assertThat(key.documentation).isNotBlank());
        assertThat(TopologyConfig.configDef().names()).contains("application.id", "state.dir",
                "search.default.timeout.ms", "search.verdict.timeout.ms", "search.proposal.timeout.ms",
                "search.punctuate.interval.ms", "search.accept.threshold", "limits.max.beam.width",
                "limits.max.branching", "limits.max.depth", "limits.max.model.calls", "limits.max.tokens",
                "default.strategy", "default.beam.width", "default.branching", "default.max.depth",
                "default.max.revisions", "default.max.model.calls", "default.max.tokens", "bootstrap.servers",
                "schema.registry.url");
    }
}
