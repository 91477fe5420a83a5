package dev.stepwise.agents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stepwise.models.ModelBackendConfig;
import dev.stepwise.models.ModelRole;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class AgentConfigTest {

    private static AgentConfig config(final Map<String, Object> props) {
        return new AgentConfig(props);
    }

    @Test
    void defaultsMatchTheDocumentedValues() {
        final AgentConfig config = config(Map.of());

        assertThat(config.getInt(AgentConfig.MAX_IN_FLIGHT)).isEqualTo(64);
        assertThat(config.getInt(AgentConfig.MAX_POLL_RECORDS)).isEqualTo(100);
        assertThat(config.getInt(AgentConfig.TRANSACTION_TIMEOUT_MS)).isEqualTo(10_000);
        assertThat(config.getInt(AgentConfig.SESSION_TIMEOUT_MS)).isEqualTo(10_000);
        assertThat(config.getLong(AgentConfig.RETRY_BACKOFF_MS)).isEqualTo(200L);
        assertThat(config.staticMembership()).isFalse();
        assertThat(config.retryBackoff()).isEqualTo(new Backoff(Duration.ofMillis(200), Duration.ofMillis(10_000)));
        assertThat(config.topics().prefix()).isEqualTo("stepwise");
    }

    @Test
    void instanceIdDefaultsToHostnameAndPid() {
        final String id = config(Map.of()).instanceId();

        assertThat(id).endsWith("-" + ProcessHandle.current().pid()).matches("[a-zA-Z0-9._-]+");
    }

    @Test
    void consumerReadsCommittedWithoutAutoCommitInTheKindsGroup() {
        final AgentConfig config = config(Map.of("bootstrap.servers", "broker:1234", "topic.prefix", "t1",
                AgentConfig.INSTANCE_ID, "p7", AgentConfig.MAX_POLL_RECORDS, "17", AgentConfig.SESSION_TIMEOUT_MS, "9000"));

        final Map<String, Object> consumer = config.consumerProperties(AgentKind.PROPOSER);

        assertThat(consumer)
                .containsEntry(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, "broker:1234")
                .containsEntry(ConsumerConfig.GROUP_ID_CONFIG, "t1-proposer")
                .containsEntry(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed")
                .containsEntry(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false)
                .containsEntry(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest")
                .containsEntry(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 17)
                .containsEntry(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 9000)
                .containsEntry(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 3000)
                .doesNotContainKey(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
    }

    @Test
    void staticMembershipUsesTheInstanceNameAsGroupInstanceId() {
        final AgentConfig config = config(Map.of(AgentConfig.INSTANCE_ID, "v-2", AgentConfig.STATIC_MEMBERSHIP, "true"));

        assertThat(config.consumerProperties(AgentKind.VERIFIER))
                .containsEntry(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, "stepwise-verifier-v-2");
    }

    @Test
    void producerIsTransactionalAndIdempotentWithAShortTimeout() {
        final AgentConfig config = config(Map.of(AgentConfig.INSTANCE_ID, "r1", AgentConfig.TRANSACTION_TIMEOUT_MS, "7000"));

        assertThat(config.transactionalId(AgentKind.REVISER)).isEqualTo("stepwise-reviser-r1");
        assertThat(config.producerProperties(AgentKind.REVISER))
                .containsEntry(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "stepwise-reviser-r1")
                .containsEntry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true)
                .containsEntry(ProducerConfig.ACKS_CONFIG, "all")
                .containsEntry(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 7000);
    }

    @Test
    void prefixedClientSettingsPassThroughButCannotWeakenExactlyOnce() {
        final Map<String, Object> props = new HashMap<>();
        props.put(AgentConfig.INSTANCE_ID, "p1");
        props.put("consumer.max.poll.interval.ms", "600000");
        props.put("consumer.isolation.level", "read_uncommitted");
        props.put("consumer.enable.auto.commit", "true");
        props.put("producer.linger.ms", "20");
        props.put("producer.transactional.id", "someone-else");
        props.put("producer.enable.idempotence", "false");
        final AgentConfig config = config(props);

        assertThat(config.consumerProperties(AgentKind.PROPOSER))
                .containsEntry("max.poll.interval.ms", "600000")
                .containsEntry(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed")
                .containsEntry(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        assertThat(config.producerProperties(AgentKind.PROPOSER))
                .containsEntry("linger.ms", "20")
                .containsEntry(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "stepwise-proposer-p1")
                .containsEntry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    }

    @Test
    void rejectsValuesOutOfRange() {
        assertThatThrownBy(() -> config(Map.of(AgentConfig.MAX_IN_FLIGHT, "0")))
                .isInstanceOf(ConfigException.class).hasMessageContaining(AgentConfig.MAX_IN_FLIGHT);
        assertThatThrownBy(() -> config(Map.of(AgentConfig.TRANSACTION_TIMEOUT_MS, "100")))
                .isInstanceOf(ConfigException.class).hasMessageContaining(AgentConfig.TRANSACTION_TIMEOUT_MS);
        assertThatThrownBy(() -> config(Map.of(AgentConfig.INSTANCE_ID, "has space")))
                .isInstanceOf(ConfigException.class).hasMessageContaining(AgentConfig.INSTANCE_ID);
        assertThatThrownBy(() -> config(Map.of(AgentConfig.MAX_POLL_RECORDS, "many")))
                .isInstanceOf(ConfigException.class).hasMessageContaining(AgentConfig.MAX_POLL_RECORDS);
        assertThatThrownBy(() -> config(Map.of(AgentConfig.RETRY_BACKOFF_MS, "500", AgentConfig.RETRY_BACKOFF_MAX_MS, "100")))
                .isInstanceOf(ConfigException.class).hasMessageContaining(AgentConfig.RETRY_BACKOFF_MAX_MS);
    }

    @Test
    void theKeysOfTheRemovedModelRetryLayerFailTheConfigurationAndSayWhatReplacedThem() {
        assertThatThrownBy(() -> config(Map.of("agent.model.retries", "3")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("agent.model.retries")
                .hasMessageContaining("openai.max.retries");
        assertThatThrownBy(() -> config(Map.of("agent.model.retry.backoff.ms", "200")))
                .isInstanceOf(ConfigException.class).hasMessageContaining(AgentConfig.RETRY_BACKOFF_MS);
    }

    @Test
    void everyAgentKeyIsDeclaredWithADescription() {
        assertThat(AgentConfig.configDef().configKeys().values())
                .filteredOn(key -> key.name.startsWith("agent."))
                .hasSize(8)
                .allSatisfy(key -> assertThat(key.documentation).isNotBlank());
    }

    @Test
    void withInstanceIdChangesOnlyTheInstanceId() {
        final AgentConfig config = config(Map.of(AgentConfig.INSTANCE_ID, "base", AgentConfig.MAX_IN_FLIGHT, "5"));

        final AgentConfig copy = config.withInstanceId("base-1");

        assertThat(copy.instanceId()).isEqualTo("base-1");
        assertThat(copy.maxInFlight()).isEqualTo(5);
        assertThat(config.instanceId()).isEqualTo("base");
    }

    @Test
    void modelBackendSettingsAreTheModelKeysOnly() {
        final AgentConfig config = config(Map.of("model.backend", "openai", "openai.base.url", "http://llm:8000/v1",
                "synthetic.error.rate", "0.1", "verifier.openai.model", "qwen-72b", "bootstrap.servers", "b:1",
                AgentConfig.MAX_IN_FLIGHT, "8"));

        assertThat(config.modelBackendSettings()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "model.backend", "openai", "openai.base.url", "http://llm:8000/v1", "synthetic.error.rate", "0.1",
                "verifier.openai.model", "qwen-72b"));
    }

    @Test
    void theModelBackendDefaultsToSyntheticAndBadModelSettingsAreConfigErrors() {
        assertThat(config(Map.of()).modelBackendConfig().kind()).isEqualTo(ModelBackendConfig.Kind.SYNTHETIC);
        assertThat(config(Map.of("model.backend", "openai", "openai.base.url", "http://llm:8000/v1", "openai.model", "qwen"))
                .modelBackendConfig().openai(ModelRole.PROPOSER).model()).isEqualTo("qwen");
        assertThatThrownBy(() -> config(Map.of("model.backend", "openai")).modelBackendConfig())
                .isInstanceOf(ConfigException.class).hasMessageContaining("openai.base.url");
    }
}
