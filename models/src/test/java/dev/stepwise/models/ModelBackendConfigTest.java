package dev.stepwise.models;

import dev.stepwise.models.openai.OpenAiCompatibleBackend;
import dev.stepwise.models.openai.OpenAiConfig;
import dev.stepwise.models.synthetic.SyntheticConfig;
import dev.stepwise.models.synthetic.SyntheticModelBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ModelBackendConfigTest {

    private static final Map<String, String> OPENAI = Map.of("model.backend", "openai",
            "openai.base.url", "http://127.0.0.1:8000/v1", "openai.model", "qwen-7b");

    private static Map<String, String> openai(final String... more) {
        final Map<String, String> values = new HashMap<>(OPENAI);
        for (int i = 0; i < more.length; i += 2) {
            values.put(more[i], more[i + 1]);
        }
        return values;
    }

    @Test
    void emptyMapGivesTheSyntheticBackendWithItsDefaults() {
        final ModelBackendConfig config = ModelBackendConfig.fromMap(Map.of());
        assertThat(config.kind()).isEqualTo(ModelBackendConfig.Kind.SYNTHETIC);
        assertThat(config.synthetic()).isEqualTo(new SyntheticConfig(42L, 0.1, 0.0, 0.0, 0.1));
        assertThat(ModelBackendConfig.defaults().synthetic()).isEqualTo(SyntheticConfig.defaults());
        assertThatThrownBy(() -> config.openai(ModelRole.PROPOSER)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not openai");
    }

    @Test
    void everyKeyIsDeclaredOnceWithADescriptionAndTheDocumentedDefaultsAreTheOnesApplied() {
        final ConfigDef def = ModelBackendConfig.configDef();
        assertThat(def.names()).contains("model.backend", "synthetic.seed", "synthetic.step.error.rate",
                "synthetic.verifier.false.accept.rate", "synthetic.verifier.false.reject.rate",
                "synthetic.reviser.error.rate", "openai.base.url", "openai.api.key", "openai.model", "openai.temperature",
                "openai.max.tokens", "openai.timeout.ms", "openai.max.retries", "openai.retry.backoff.ms",
                "openai.retry.backoff.max.ms", "openai.retry.after.max.ms", "openai.top.logprobs",
                "openai.arithmetic.check", "openai.max.n", "proposer.openai.base.url", "verifier.openai.model",
                "reviser.openai.temperature");
        // 6 shared synthetic and backend keys, the profile and its 5 realistic knobs, 4 latency keys, 13 openai keys,
        // and each openai key once per role.
        assertThat(def.names()).hasSize(6 + 6 + 4 + 13 + 3 * 13);
        assertThat(def.configKeys().values()).allSatisfy(key -> assertThat(key.documentation).isNotBlank());
        final Map<String, Object> defaults = new HashMap<>(OPENAI);
        def.configKeys().values().stream().filter(key -> key.hasDefault() && key.defaultValue != null)
                .forEach(key -> defaults.putIfAbsent(key.name, key.defaultValue.toString()));
        final ModelBackendConfig explicit = ModelBackendConfig.fromMap(defaults);
        final ModelBackendConfig implicit = ModelBackendConfig.fromMap(OPENAI);
        assertThat(explicit.synthetic()).isEqualTo(implicit.synthetic());
        for (final ModelRole role : ModelRole.values()) {
            assertThat(explicit.openai(role)).isEqualTo(implicit.openai(role));
        }
        assertThat(ModelBackendConfig.envVar("verifier.openai.base.url")).isEqualTo("STEPWISE_VERIFIER_OPENAI_BASE_URL");
    }

    @Test
    void syntheticKeysOverrideTheDefaultsAndBlankMeansDefault() {
        final ModelBackendConfig config = ModelBackendConfig.fromMap(Map.of(
                "synthetic.seed", "-7",
                "synthetic.step.error.rate", "0.25",
                "synthetic.verifier.false.accept.rate", "0.05",
                "synthetic.verifier.false.reject.rate", " 0.02 ",
                "synthetic.reviser.error.rate", "1",
                "openai.model", "  ",
                "unrelated.key", "ignored"));
        assertThat(config.synthetic()).isEqualTo(new SyntheticConfig(-7L, 0.25, 0.05, 0.02, 1.0));
        assertThat(config.kind()).isEqualTo(ModelBackendConfig.Kind.SYNTHETIC);
    }

    @Test
    void openaiBackendReadsItsKeysForEveryRole() {
        final ModelBackendConfig config = ModelBackendConfig.fromMap(Map.ofEntries(
                Map.entry("model.backend", "OpenAI"),
                Map.entry("openai.base.url", "http://127.0.0.1:11434/v1"),
                Map.entry("openai.model", "qwen2.5:7b"),
                Map.entry("openai.api.key", "sk-x"),
                Map.entry("openai.temperature", "0.2"),
                Map.entry("openai.max.tokens", "1024"),
                Map.entry("openai.timeout.ms", "1500"),
                Map.entry("openai.max.retries", "0"),
                Map.entry("openai.retry.backoff.ms", "10"),
                Map.entry("openai.retry.backoff.max.ms", "20"),
                Map.entry("openai.retry.after.max.ms", "5000"),
                Map.entry("openai.top.logprobs", "0"),
                Map.entry("openai.arithmetic.check", "false"),
                Map.entry("openai.max.n", "1")));
        final OpenAiConfig expected = new OpenAiConfig(URI.create("http://127.0.0.1:11434/v1"), "sk-x", "qwen2.5:7b",
                0.2, 1024, Duration.ofMillis(1500), new OpenAiConfig.Retries(0, Duration.ofMillis(10),
                Duration.ofMillis(20), Duration.ofSeconds(5)), 0, false, 1);
        assertThat(config.kind()).isEqualTo(ModelBackendConfig.Kind.OPENAI);
        for (final ModelRole role : ModelRole.values()) {
            assertThat(config.openai(role)).isEqualTo(expected);
        }
        assertThat(config.toString()).doesNotContain("sk-x").contains("[hidden]");
    }

    @Test
    void openaiBackendDefaultsItsOptionalKeys() {
        final ModelBackendConfig config = ModelBackendConfig.fromMap(Map.of("model.backend", "openai",
                "openai.base.url", "https://api.openai.com/v1", "openai.model", "gpt-4o-mini", "openai.api.key", ""));
        assertThat(config.openai(ModelRole.VERIFIER))
                .isEqualTo(OpenAiConfig.of(URI.create("https://api.openai.com/v1"), "gpt-4o-mini"));
    }

    @Test
    void aRoleOverrideWinsOverTheSharedKeyForThatRoleAlone() {
        final ModelBackendConfig config = ModelBackendConfig.fromMap(openai(
                "verifier.openai.base.url", "http://127.0.0.1:9000/v1",
                "verifier.openai.model", "qwen-72b",
                "verifier.openai.api.key", "sk-verifier",
                "reviser.openai.temperature", "1.1",
                "proposer.openai.max.retries", "7",
                "proposer.openai.timeout.ms", ""));
        final OpenAiConfig proposer = config.openai(ModelRole.PROPOSER);
        final OpenAiConfig verifier = config.openai(ModelRole.VERIFIER);
        final OpenAiConfig reviser = config.openai(ModelRole.REVISER);
        assertThat(proposer.baseUrl()).isEqualTo(URI.create("http://127.0.0.1:8000/v1"));
        assertThat(proposer.model()).isEqualTo("qwen-7b");
        assertThat(proposer.retries().maxRetries()).isEqualTo(7);
        assertThat(proposer.timeout()).as("a blank override takes the shared value").isEqualTo(Duration.ofSeconds(60));
        assertThat(verifier.baseUrl()).isEqualTo(URI.create("http://127.0.0.1:9000/v1"));
        assertThat(verifier.model()).isEqualTo("qwen-72b");
        assertThat(verifier.apiKey()).isEqualTo("sk-verifier");
        assertThat(verifier.retries().maxRetries()).isEqualTo(3);
        assertThat(reviser.temperature()).isEqualTo(1.1);
        assertThat(reviser.model()).isEqualTo("qwen-7b");
        assertThat(proposer.temperature()).isEqualTo(0.7);
        assertThat(config.toString()).doesNotContain("sk-verifier");
    }

    @Test
    void rolesMayGetEverythingFromTheirOverridesWithoutSharedKeys() {
        final Map<String, String> values = new HashMap<>(Map.of("model.backend", "openai"));
        for (final ModelRole role : ModelRole.values()) {
            values.put(role.prefix() + "openai.base.url", "http://" + role.id() + ":8000/v1");
            values.put(role.prefix() + "openai.model", role.id() + "-model");
        }
        final ModelBackendConfig config = ModelBackendConfig.fromMap(values);
        assertThat(config.openai(ModelRole.REVISER).baseUrl()).isEqualTo(URI.create("http://reviser:8000/v1"));
        assertThat(config.openai(ModelRole.VERIFIER).model()).isEqualTo("verifier-model");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "model.backend|gpt|Invalid value gpt for configuration model.backend: expected synthetic or openai (key model.backend, environment variable STEPWISE_MODEL_BACKEND)",
        "synthetic.seed|forty-two|Invalid value forty-two for configuration synthetic.seed: Not a number of type LONG (key synthetic.seed, environment variable STEPWISE_SYNTHETIC_SEED)",
        "synthetic.step.error.rate|1.5|Invalid value 1.5 for configuration synthetic.step.error.rate: expected a number in [0,1]",
        "synthetic.verifier.false.accept.rate|NaN|expected a number in [0,1] (key synthetic.verifier.false.accept.rate",
        "synthetic.verifier.false.reject.rate|-0.1|for configuration synthetic.verifier.false.reject.rate",
        "synthetic.reviser.error.rate|ten percent|for configuration synthetic.reviser.error.rate",
        "openai.base.url|localhost:8000|Invalid value localhost:8000 for configuration openai.base.url: expected an http(s) URL such as http://127.0.0.1:8000/v1",
        "openai.temperature|3|expected a number in [0,2]",
        "openai.max.tokens|0|for configuration openai.max.tokens",
        "openai.timeout.ms|-5|for configuration openai.timeout.ms",
        "openai.max.retries|many|for configuration openai.max.retries",
        "openai.top.logprobs|21|expected a number in [0,20]",
        "openai.arithmetic.check|maybe|for configuration openai.arithmetic.check",
        "verifier.openai.base.url|ftp://x/v1|for configuration verifier.openai.base.url: expected an http(s) URL",
        "reviser.openai.temperature|-1|(key reviser.openai.temperature, environment variable STEPWISE_REVISER_OPENAI_TEMPERATURE)",
        "synthetic.step.eror.rate|0.1|Unknown configuration key 'synthetic.step.eror.rate'",
        "verifier.openai.modle|x|Unknown configuration key 'verifier.openai.modle'"
    })
    void invalidValuesNameTheKeyAndWhatItAccepts(final String key, final String value, final String message) {
        assertThatThrownBy(() -> ModelBackendConfig.fromMap(Map.of(key, value)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
    }

    @Test
    void settingsThatDoNotFitTogetherNameTheRole() {
        assertThatThrownBy(() -> ModelBackendConfig.fromMap(openai("reviser.openai.retry.backoff.ms", "5000",
                "openai.retry.backoff.max.ms", "1000")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Invalid model settings for the reviser: need 0 <= initialBackoff <= maxBackoff");
    }

    @Test
    void openaiBackendNeedsABaseUrlAndAModelForEveryRole() {
        assertThatThrownBy(() -> ModelBackendConfig.fromMap(Map.of("model.backend", "openai", "openai.model", "m")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("openai.base.url (environment variable STEPWISE_OPENAI_BASE_URL) is required")
                .hasMessageContaining("or set proposer.openai.base.url for the proposer");
        assertThatThrownBy(() -> ModelBackendConfig.fromMap(Map.of("model.backend", "openai",
                "openai.base.url", "http://127.0.0.1:8000/v1")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("openai.model (environment variable STEPWISE_OPENAI_MODEL) is required");
        assertThatThrownBy(() -> ModelBackendConfig.fromMap(Map.of("model.backend", "openai",
                "openai.base.url", "http://127.0.0.1:8000/v1", "proposer.openai.model", "m", "reviser.openai.model", "m")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("set verifier.openai.model for the verifier");
    }

    @Test
    void createBuildsTheConfiguredBackend() {
        try (ModelBackend synthetic = ModelBackends.create(ModelBackendConfig.defaults())) {
            assertThat(synthetic).isInstanceOf(SyntheticModelBackend.class);
            assertThat(synthetic.model()).isEqualTo("synthetic/serial-v1");
            assertThat(synthetic.model(ModelRole.VERIFIER)).isEqualTo("synthetic/serial-v1");
        }
        try (ModelBackend openai = ModelBackends.create(ModelBackendConfig.fromMap(OPENAI))) {
            assertThat(openai).as("one server for all roles: one client").isInstanceOf(OpenAiCompatibleBackend.class);
            assertThat(openai.model()).isEqualTo("openai/qwen-7b");
        }
    }

    @Test
    void rolesWithTheirOwnServerGetTheirOwnClientAndNameTheirModel() {
        try (ModelBackend routed = ModelBackends.create(ModelBackendConfig.fromMap(openai(
                "verifier.openai.model", "qwen-72b")))) {
            assertThat(routed).isInstanceOf(RoleRoutedBackend.class);
            assertThat(routed.model(ModelRole.PROPOSER)).isEqualTo("openai/qwen-7b");
            assertThat(routed.model(ModelRole.VERIFIER)).isEqualTo("openai/qwen-72b");
            assertThat(routed.model(ModelRole.REVISER)).isEqualTo("openai/qwen-7b");
            assertThat(routed.model())
                    .isEqualTo("proposer=openai/qwen-7b, verifier=openai/qwen-72b, reviser=openai/qwen-7b");
        }
    }

    @Test
    void theRealisticProfileAndItsKnobsAreRead() {
        final var synthetic = ModelBackendConfig.fromMap(java.util.Map.of("synthetic.profile", "realistic",
                "synthetic.realistic.verifier.noise", "0", "synthetic.realistic.trap.rate", "0.5")).synthetic();

        org.assertj.core.api.Assertions.assertThat(synthetic.profile())
                .isEqualTo(dev.stepwise.models.synthetic.Profile.REALISTIC);
        org.assertj.core.api.Assertions.assertThat(synthetic.realistic().verifierNoise()).isZero();
        org.assertj.core.api.Assertions.assertThat(synthetic.realistic().trapRate()).isEqualTo(0.5);
        org.assertj.core.api.Assertions.assertThat(ModelBackendConfig.fromMap(java.util.Map.of()).synthetic().profile())
                .isEqualTo(dev.stepwise.models.synthetic.Profile.UNIFORM);
    }
}
