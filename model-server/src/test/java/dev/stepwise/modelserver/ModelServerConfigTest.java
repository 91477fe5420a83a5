package dev.stepwise.modelserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stepwise.models.latency.Latency;
import dev.stepwise.models.synthetic.SyntheticConfig;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class ModelServerConfigTest {

    @Test
    void defaultsServeTheSuiteOnAFixedPortWithoutFaultsOrLatency() {
        final ModelServerConfig config = new ModelServerConfig(Map.of());
        assertThat(config.host()).isEqualTo("127.0.0.1");
        assertThat(config.port()).isEqualTo(8091);
        assertThat(config.model()).isEqualTo("synthetic/serial-v1");
        assertThat(config.apiKey()).isNull();
        assertThat(config.synthetic()).isEqualTo(SyntheticConfig.defaults());
        assertThat(config.latency()).isEqualTo(Latency.constant(Duration.ZERO));
        assertThat(ModelServerConfig.FAULT_RATES).allSatisfy(key -> assertThat(config.getDouble(key)).isZero());
        assertThat(ModelServerConfig.configDef().configKeys().values())
                .allSatisfy(key -> assertThat(key.documentation).isNotBlank());
    }

    @Test
    void readsItsKeysAndTheSuitesKeysAndLeavesOtherServicesKeysAlone() {
        final ModelServerConfig config = new ModelServerConfig(Map.of(ModelServerConfig.PORT, "0",
                ModelServerConfig.LATENCY, "LogNormal", ModelServerConfig.LATENCY_MEDIAN_MS, "40",
                ModelServerConfig.LATENCY_P99_MS, "400", ModelServerConfig.API_KEY, "sk-1",
                "synthetic.step.error.rate", "0.3", "synthetic.seed", "9", "bootstrap.servers", "ignored:9092",
                "openai.model", "ignored"));
        assertThat(config.port()).isZero();
        assertThat(config.apiKey()).isEqualTo("sk-1");
        assertThat(config.latency()).isEqualTo(Latency.logNormal(Duration.ofMillis(40), Duration.ofMillis(400)));
        assertThat(config.synthetic()).isEqualTo(SyntheticConfig.defaults().withSeed(9).withStepErrorRate(0.3));
    }

    @Test
    void invalidSettingsNameTheKey() {
        assertThatThrownBy(() -> new ModelServerConfig(Map.of(ModelServerConfig.FAULT_SERVER_ERROR_RATE, "0.6",
                ModelServerConfig.FAULT_TIMEOUT_RATE, "0.6"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("add up to 1.2");
        assertThatThrownBy(() -> new ModelServerConfig(Map.of(ModelServerConfig.LATENCY, "lognormal",
                ModelServerConfig.LATENCY_MEDIAN_MS, "500", ModelServerConfig.LATENCY_P99_MS, "100")))
                .isInstanceOf(ConfigException.class).hasMessageContaining(ModelServerConfig.LATENCY_P99_MS);
        assertThatThrownBy(() -> new ModelServerConfig(Map.of(ModelServerConfig.LATENCY, "gaussian")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("expected constant or lognormal");
        assertThatThrownBy(() -> new ModelServerConfig(Map.of(ModelServerConfig.FAULT_MALFORMED_RATE, "NaN")))
                .isInstanceOf(ConfigException.class).hasMessageContaining(ModelServerConfig.FAULT_MALFORMED_RATE);
        assertThatThrownBy(() -> new ModelServerConfig(Map.of("modelserver.prot", "1")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("Unknown configuration key 'modelserver.prot'");
        assertThatThrownBy(() -> new ModelServerConfig(Map.of("synthetic.step.error.rate", "2")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("synthetic.step.error.rate");
    }
}
