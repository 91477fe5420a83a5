package dev.stepwise.models.openai;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * Settings of an OpenAI-compatible chat-completions server (OpenAI, vLLM, Ollama, llama.cpp server).
 *
 * @param baseUrl     the API root that {@code /chat/completions} is appended to, e.g. {@code http://127.0.0.1:8000/v1}
 *                    (vLLM), {@code http://127.0.0.1:11434/v1} (Ollama), {@code https://api.openai.com/v1}
 * @param apiKey      sent as {@code Authorization: Bearer <key>}; null or blank for local servers that need none
 * @param model       the model name the server knows, e.g. {@code gpt-4o-mini} or {@code Qwen/Qwen2.5-7B-Instruct}
 * @param temperature sampling temperature of the proposer and the reviser, in [0,2]; the verifier always uses 0
 * @param maxTokens   upper bound on the tokens of one reply
 * @param timeout     per-request timeout
 * @param maxRetries  retries after a 429, a 5xx, a timeout or a failed connection, before giving up
 */
public record OpenAiConfig(URI baseUrl, String apiKey, String model, double temperature, int maxTokens,
                           Duration timeout, int maxRetries) {

    public static final double DEFAULT_TEMPERATURE = 0.7;
    public static final int DEFAULT_MAX_TOKENS = 512;
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
    public static final int DEFAULT_MAX_RETRIES = 3;

    public OpenAiConfig {
        Objects.requireNonNull(baseUrl, "baseUrl");
        final String scheme = baseUrl.getScheme() == null ? "" : baseUrl.getScheme().toLowerCase(Locale.ROOT);
        if (!("http".equals(scheme) || "https".equals(scheme)) || baseUrl.getHost() == null) {
            throw new IllegalArgumentException("baseUrl must be an http(s) URL such as http://127.0.0.1:8000/v1, got "
                    + baseUrl);
        }
        if (model == null || model.isBlank()) {
            throw new IllegalArgumentException("model must name the model to call, e.g. gpt-4o-mini");
        }
        if (!(temperature >= 0.0 && temperature <= 2.0)) {
            throw new IllegalArgumentException("temperature must be in [0,2], got " + temperature);
        }
        if (maxTokens < 1) {
            throw new IllegalArgumentException("maxTokens must be positive, got " + maxTokens);
        }
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, got " + timeout);
        }
        if (maxRetries < 0) {
            throw new IllegalArgumentException("maxRetries must not be negative, got " + maxRetries);
        }
        apiKey = apiKey == null || apiKey.isBlank() ? null : apiKey.strip();
        model = model.strip();
    }

    /** The given server and model with default sampling, timeout and retries, and no API key. */
    public static OpenAiConfig of(final URI baseUrl, final String model) {
        return new OpenAiConfig(baseUrl, null, model, DEFAULT_TEMPERATURE, DEFAULT_MAX_TOKENS, DEFAULT_TIMEOUT,
                DEFAULT_MAX_RETRIES);
    }

    public OpenAiConfig withApiKey(final String key) {
        return new OpenAiConfig(baseUrl, key, model, temperature, maxTokens, timeout, maxRetries);
    }

    /** Keeps the API key out of logs and exception messages. */
    @Override
    public String toString() {
        return "OpenAiConfig[baseUrl=" + baseUrl + ", apiKey=" + (apiKey == null ? "none" : "[hidden]") + ", model="
                + model + ", temperature=" + temperature + ", maxTokens=" + maxTokens + ", timeout=" + timeout
                + ", maxRetries=" + maxRetries + "]";
    }
}
