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

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ModelBackendConfigTest {

    @Test
    void emptyMapGivesTheSyntheticBackendWithItsDefaults() {
        final ModelBackendConfig config = ModelBackendConfig.fromMap(Map.of());
        assertThat(config).isEqualTo(ModelBackendConfig.defaults());
        assertThat(config.kind()).isEqualTo(ModelBackendConfig.Kind.SYNTHETIC);
        assertThat(config.synthetic()).isEqualTo(new SyntheticConfig(42L, 0.1, 0.0, 0.0, 0.1));
        assertThat(config.openai()).isNull();
    }

    @Test
    void everyKeyHasADocumentedDefaultOrIsOptionalAndDerivesEnvAndFlagNames() {
        assertThat(ModelBackendConfig.KEYS).extracting(ConfigKey::name).containsExactly("model.backend",
                "synthetic.seed", "synthetic.step.error.rate", "synthetic.verifier.false.accept.rate",
                "synthetic.verifier.false.reject.rate", "synthetic.reviser.error.rate", "openai.base.url",
                "openai.api.key", "openai.model", "openai.temperature", "openai.max.tokens", "openai.timeout.ms",
                "openai.max.retries");
        assertThat(ModelBackendConfig.KEYS).allSatisfy(key -> {
            assertThat(key.description()).isNotBlank();
            assertThat(key.validValues()).isNotBlank();
        });
        assertThat(ModelBackendConfig.MODEL_BACKEND.envVar()).isEqualTo("STEPWISE_MODEL_BACKEND");
        assertThat(ModelBackendConfig.OPENAI_BASE_URL.envVar()).isEqualTo("STEPWISE_OPENAI_BASE_URL");
        assertThat(ModelBackendConfig.OPENAI_API_KEY.envVar()).isEqualTo("STEPWISE_OPENAI_API_KEY");
        assertThat(ModelBackendConfig.OPENAI_BASE_URL.flag()).isEqualTo("--openai-base-url");
        assertThat(ModelBackendConfig.MODEL_BACKEND.flag()).isEqualTo("--model-backend");
        // The defaults written in KEYS are the ones the loader applies.
        final Map<String, String> defaults = new HashMap<>();
        ModelBackendConfig.KEYS.stream().filter(k -> k.defaultValue() != null)
                .forEach(k -> defaults.put(k.name(), k.defaultValue()));
        assertThat(ModelBackendConfig.fromMap(defaults)).isEqualTo(ModelBackendConfig.fromMap(Map.of()));
    }

    @Test
    void syntheticKeysOverrideTheDefaults() {
        final ModelBackendConfig config = ModelBackendConfig.fromMap(Map.of(
                "synthetic.seed", "-7",
                "synthetic.step.error.rate", "0.25",
                "synthetic.verifier.false.accept.rate", "0.05",
                "synthetic.verifier.false.reject.rate", " 0.02 ",
                "synthetic.reviser.error.rate", "1",
                "unrelated.key", "ignored"));
        assertThat(config.synthetic()).isEqualTo(new SyntheticConfig(-7L, 0.25, 0.05, 0.02, 1.0));
    }

    @Test
    void openaiBackendReadsItsKeys() {
        final ModelBackendConfig config = ModelBackendConfig.fromMap(Map.of(
                "model.backend", "OpenAI",
                "openai.base.url", "http://127.0.0.1:11434/v1",
                "openai.model", "qwen2.5:7b",
                "openai.api.key", "sk-x",
                "openai.temperature", "0.2",
                "openai.max.tokens", "1024",
                "openai.timeout.ms", "1500",
                "openai.max.retries", "0"));
        assertThat(config.kind()).isEqualTo(ModelBackendConfig.Kind.OPENAI);
        assertThat(config.openai()).isEqualTo(new OpenAiConfig(URI.create("http://127.0.0.1:11434/v1"), "sk-x",
                "qwen2.5:7b", 0.2, 1024, Duration.ofMillis(1500), 0));
        assertThat(config.toString()).doesNotContain("sk-x");
    }

    @Test
    void openaiBackendDefaultsItsOptionalKeys() {
        final ModelBackendConfig config = ModelBackendConfig.fromMap(Map.of("model.backend", "openai",
                "openai.base.url", "https://api.openai.com/v1", "openai.model", "gpt-4o-mini", "openai.api.key", ""));
        assertThat(config.openai()).isEqualTo(OpenAiConfig.of(URI.create("https://api.openai.com/v1"), "gpt-4o-mini"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "model.backend|gpt|Invalid value 'gpt' for model.backend (STEPWISE_MODEL_BACKEND, --model-backend): expected synthetic|openai",
        "synthetic.seed|forty-two|Invalid value 'forty-two' for synthetic.seed (STEPWISE_SYNTHETIC_SEED, --synthetic-seed): expected a 64-bit integer",
        "synthetic.step.error.rate|1.5|Invalid value '1.5' for synthetic.step.error.rate (STEPWISE_SYNTHETIC_STEP_ERROR_RATE, --synthetic-step-error-rate): expected a number in [0,1]",
        "synthetic.verifier.false.accept.rate|NaN|for synthetic.verifier.false.accept.rate",
        "synthetic.verifier.false.reject.rate|-0.1|for synthetic.verifier.false.reject.rate",
        "synthetic.reviser.error.rate|ten percent|for synthetic.reviser.error.rate",
        "openai.base.url|localhost:8000|Invalid value 'localhost:8000' for openai.base.url (STEPWISE_OPENAI_BASE_URL, --openai-base-url): expected an http(s) URL such as http://127.0.0.1:8000/v1",
        "openai.temperature|3|expected a number in [0,2]",
        "openai.max.tokens|0|for openai.max.tokens",
        "openai.timeout.ms|-5|for openai.timeout.ms",
        "openai.max.retries|many|for openai.max.retries",
        "synthetic.step.eror.rate|0.1|Unknown configuration key 'synthetic.step.eror.rate'"
    })
    void invalidValuesNameTheKeyAndWhatItAccepts(final String key, final String value, final String message) {
        assertThatThrownBy(() -> ModelBackendConfig.fromMap(Map.of(key, value)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
    }

    @Test
    void openaiBackendNeedsABaseUrlAndAModel() {
        assertThatThrownBy(() -> ModelBackendConfig.fromMap(Map.of("model.backend", "openai", "openai.model", "m")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("openai.base.url (STEPWISE_OPENAI_BASE_URL, --openai-base-url) is required");
        assertThatThrownBy(() -> ModelBackendConfig.fromMap(Map.of("model.backend", "openai",
                "openai.base.url", "http://127.0.0.1:8000/v1")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("openai.model (STEPWISE_OPENAI_MODEL, --openai-model) is required");
    }

    @Test
    void createBuildsTheConfiguredBackend() {
        try (ModelBackend synthetic = ModelBackends.create(ModelBackendConfig.defaults())) {
            assertThat(synthetic).isInstanceOf(SyntheticModelBackend.class);
            assertThat(synthetic.model()).isEqualTo("synthetic/serial-v1");
        }
        try (ModelBackend openai = ModelBackends.create(ModelBackendConfig.fromMap(Map.of("model.backend", "openai",
                "openai.base.url", "http://127.0.0.1:8000/v1", "openai.model", "llama")))) {
            assertThat(openai).isInstanceOf(OpenAiCompatibleBackend.class);
            assertThat(openai.model()).isEqualTo("openai/llama");
        }
    }
}
