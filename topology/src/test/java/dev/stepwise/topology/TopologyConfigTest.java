package dev.stepwise.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stepwise.schemas.avro.Budget;
import dev.stepwise.search.strategy.StrategyRegistry;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class TopologyConfigTest {

    @Test
    void defaultsAreTheDocumentedOnes() {
        final TopologyConfig config = TopologyConfig.of(Map.of());

        assertThat(config.applicationId()).isEqualTo("stepwise-topology");
        assertThat(config.getString(TopologyConfig.APPLICATION_ID)).isNull();
        assertThat(config.bootstrapServers()).isEqualTo("127.0.0.1:9092");
        assertThat(config.topics().prompts().name()).isEqualTo("stepwise.prompts");
        assertThat(config.getInt(TopologyConfig.REPLICATION_FACTOR)).isEqualTo(-1);
        assertThat(config.searchSettings().defaultTimeoutMs()).isEqualTo(120_000L);
        assertThat(config.searchSettings().verdictTimeoutMs()).isEqualTo(15_000L);
        assertThat(config.searchSettings().proposalTimeoutMs()).isEqualTo(30_000L);
        assertThat(config.searchSettings().acceptThreshold()).isEqualTo(0.5);
        assertThat(config.searchSettings().tombstoneRetentionMs()).isEqualTo(3_600_000L);
        assertThat(config.punctuateInterval().toMillis()).isEqualTo(500L);
        assertThat(config.treeCacheSteps()).isEqualTo(50_000);
        assertThat(config.limits().maxModelCalls()).isEqualTo(100_000);
        assertThat(config.limits().maxTokens()).isEqualTo(100_000_000L);
        // The default strategy's parameters are the registry's, not this config's.
        assertThat(config.defaultStrategy()).isEqualTo(StrategyRegistry.standard().resolve("auto", Map.of()));
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
                "search.tree.cache.steps", "0",
                "default.strategy", "best-of-n",
                "streams.num.standby.replicas", "1"));

        assertThat(config.applicationId()).isEqualTo("my-app");
        assertThat(config.topics().answers().name()).isEqualTo("t1.answers");
        assertThat(config.searchSettings().verdictTimeoutMs()).isEqualTo(2000L);
        assertThat(config.searchSettings().acceptThreshold()).isEqualTo(0.75);
        assertThat(config.treeCacheSteps()).isZero();
        assertThat(config.defaultStrategy().name()).isEqualTo("best-of-n");
        assertThat(config.streamsOverrides()).containsEntry("num.standby.replicas", "1");
    }

    @Test
    void theApplicationIdFollowsTheTopicPrefixSoTwoDeploymentsNeverShareAStreamsGroup() {
        assertThat(TopologyConfig.of(Map.of("topic.prefix", "team-a")).applicationId()).isEqualTo("team-a-topology");
        assertThat(TopologyConfig.of(Map.of("topic.prefix", "team-b")).applicationId()).isEqualTo("team-b-topology");
        assertThat(TopologyConfig.of(Map.of("topic.prefix", "team-b", "application.id", "mine")).applicationId())
                .isEqualTo("mine");
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
    void aNegativeTreeCacheIsRejected() {
        assertThatThrownBy(() -> TopologyConfig.of(Map.of("search.tree.cache.steps", "-1")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("search.tree.cache.steps");
    }

    @Test
    void defaultsAboveTheLimitsAreRejected() {
        assertThatThrownBy(() -> TopologyConfig.of(Map.of("limits.max.model.calls", "100")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("default.max.model.calls");
    }

    @Test
    void aDefaultBudgetThatCannotPayForOneSampleIsRejected() {
        assertThatThrownBy(() -> TopologyConfig.of(Map.of("default.max.model.calls", "1")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("at least one verified sample");
    }

    @Test
    void everyKeyIsDocumented() {
        assertThat(TopologyConfig.configDef().configKeys().values())
                .allSatisfy(key -> assertThat(key.documentation).isNotBlank());
        assertThat(TopologyConfig.configDef().names()).contains("application.id", "state.dir",
                "search.default.timeout.ms", "search.verdict.timeout.ms", "search.proposal.timeout.ms",
                "search.punctuate.interval.ms", "search.accept.threshold", "limits.max.model.calls",
                "limits.max.tokens", "default.strategy", "default.max.model.calls", "default.max.tokens",
                "bootstrap.servers", "schema.registry.url");
        // Strategy parameters are declared in the strategy registry, not here.
        assertThat(TopologyConfig.configDef().names()).doesNotContain("default.beam.width", "limits.max.beam.width");
    }
}
