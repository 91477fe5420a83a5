package dev.stepwise.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLayersTest {

    @TempDir
    Path dir;

    @Test
    void flagsWinOverEnvironmentWhichWinsOverTheFile() throws IOException {
        final Path file = dir.resolve("stepwise.properties");
        Files.writeString(file, "bootstrap.servers=file:9092\nagent.max.in.flight=8\ntopic.prefix=fromfile\n");
        final Map<String, String> env = Map.of("STEPWISE_AGENT_MAX_IN_FLIGHT", "16", "STEPWISE_TOPIC_PREFIX", "fromenv");
        final Map<String, String> flags = new HashMap<>();
        flags.put("topic.prefix", "fromflag");
        flags.put("schema.registry.url", null);

        final Map<String, String> merged = ConfigLayers.load(file, env, flags);

        assertThat(merged).containsEntry("bootstrap.servers", "file:9092")
                .containsEntry("agent.max.in.flight", "16")
                .containsEntry("topic.prefix", "fromflag")
                .doesNotContainKey("schema.registry.url");
    }

    @Test
    void environmentNamesMapToDottedKeysAndShortAliases() {
        final Map<String, String> env = Map.of(
                "STEPWISE_BOOTSTRAP", "b:1",
                "STEPWISE_REGISTRY_URL", "http://r",
                "STEPWISE_SYNTHETIC_STEP_ERROR_RATE", "0.2",
                "STEPWISE_HOME", "/not/a/key",
                "PATH", "/usr/bin");

        assertThat(ConfigLayers.fromEnv(env)).containsOnly(
                Map.entry("bootstrap.servers", "b:1"),
                Map.entry("schema.registry.url", "http://r"),
                Map.entry("synthetic.step.error.rate", "0.2"));
    }

    @Test
    void aMissingConfigFileIsAClearError() {
        assertThatThrownBy(() -> ConfigLayers.load(dir.resolve("nope.properties"), Map.of(), Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nope.properties");
    }

    @Test
    void halfAnExternalClusterIsRefused() {
        assertThatThrownBy(() -> StepwiseStack.isExternal(Map.of("bootstrap.servers", "x:1")))
                .hasMessageContaining("--registry");
        assertThat(StepwiseStack.isExternal(Map.of())).isFalse();
        assertThat(StepwiseStack.isExternal(Map.of("bootstrap.servers", "x:1", "schema.registry.url", "http://r"))).isTrue();
    }
}
