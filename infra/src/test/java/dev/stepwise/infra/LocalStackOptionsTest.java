package dev.stepwise.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stepwise.schemas.topics.Topics;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class LocalStackOptionsTest {

    @Test
    void ephemeralUsesTemporaryDataAndAnEphemeralPort() {
        final LocalStackOptions options = LocalStackOptions.ephemeral(Topics.defaults());

        assertThat(options.dataDir()).isNull();
        assertThat(options.kafkaPort()).isZero();
        assertThat(options.topics()).isEqualTo(Topics.defaults());
        assertThat(options.registryTimeout()).isEqualTo(ApicurioRegistryServer.DEFAULT_START_TIMEOUT);
    }

    @Test
    void rejectsAPortOutsideTheTcpRange() {
        assertThatThrownBy(() -> new LocalStackOptions(null, 70_000, null, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("kafkaPort");
        assertThatThrownBy(() -> new LocalStackOptions(null, -1, null, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("kafkaPort");
    }

    @Test
    void rejectsANonPositiveRegistryTimeout() {
        assertThatThrownBy(() -> new LocalStackOptions(null, 0, null, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("registryTimeout");
    }
}
