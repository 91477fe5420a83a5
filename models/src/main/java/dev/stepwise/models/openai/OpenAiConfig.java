package dev.stepwise.models.openai;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * Settings of one OpenAI-compatible chat-completions server and model (OpenAI, vLLM, Ollama, llama.cpp server), as
 * one role resolves them (see {@code ModelBackendConfig}). Built by {@code ModelBackendConfig}, or in code with
 * {@link #of} and the {@code with...} methods.
 *
 * @param baseUrl         the API root that {@code /chat/completions} is appended to, e.g. {@code http://127.0.0.1:8000/v1}
 *                        (vLLM), {@code http://127.0.0.1:11434/v1} (Ollama), {@code https://api.openai.com/v1}
 * @param apiKey          sent as {@code Authorization: Bearer <key>}; null or blank for local servers that need none
 * @param model           the model name the server knows, e.g. {@code gpt-4o-mini} or {@code Qwen/Qwen2.5-7B-Instruct}
 * @param temperature     sampling temperature of the proposer and the reviser, in [0,2]; the verifier always uses 0
 * @param maxTokens       upper bound on the tokens of one reply
 * @param timeout         timeout of one HTTP request (one attempt)
 * @param retries         how failed requests are retried
 * @param topLogprobs     alternatives per token the verifier asks for, to score a yes/no judgement from its
 *                        log-probabilities; 0 asks for none and reads the score from the reply's text
 * @param arithmeticCheck whether the verifier rejects a step with a wrong {@code a op b = c} claim without asking
 *                        the model
 * @param maxN            most samples asked for in one request ({@code n}); 1 always sends one request per sample
 */
public record OpenAiConfig(URI baseUrl, String apiKey, String model, double temperature, int maxTokens,
                           Duration timeout, Retries retries, int topLogprobs, boolean arithmeticCheck, int maxN) {

    public static final double DEFAULT_TEMPERATURE = 0.7;
    public static final int DEFAULT_MAX_TOKENS = 512;
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
    public static final int DEFAULT_TOP_LOGPROBS = 5;
    public static final int MAX_TOP_LOGPROBS = 20;
    public static final int DEFAULT_MAX_N = 16;
    public static final int MAX_N = 128;

    /**
     * How a failed request is retried: HTTP 408, 429 and 5xx, timeouts, refused connections and unreadable replies,
     * up to {@code maxRetries} times. The wait is what a {@code Retry-After} header says (at most
     * {@code maxRetryAfter}), else an exponential backoff from {@code initialBackoff} up to {@code maxBackoff}, with
     * jitter.
     */
    public record Retries(int maxRetries, Duration initialBackoff, Duration maxBackoff, Duration maxRetryAfter) {

        public static final int DEFAULT_MAX_RETRIES = 3;
        public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofMillis(500);
        public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(30);
        public static final Duration DEFAULT_MAX_RETRY_AFTER = Duration.ofSeconds(60);

        public Retries {
            if (maxRetries < 0) {
                throw new IllegalArgumentException("maxRetries must not be negative, got " + maxRetries);
            }
            Objects.requireNonNull(initialBackoff, "initialBackoff");
            Objects.requireNonNull(maxBackoff, "maxBackoff");
            Objects.requireNonNull(maxRetryAfter, "maxRetryAfter");
            if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0 || maxRetryAfter.isNegative()) {
                throw new IllegalArgumentException("need 0 <= initialBackoff <= maxBackoff and maxRetryAfter >= 0, got "
                        + initialBackoff + ", " + maxBackoff + " and " + maxRetryAfter);
            }
        }

        public static Retries defaults() {
            return new Retries(DEFAULT_MAX_RETRIES, DEFAULT_INITIAL_BACKOFF, DEFAULT_MAX_BACKOFF, DEFAULT_MAX_RETRY_AFTER);
        }

        /** Attempts of one request, the first included. */
        public int maxAttempts() {
            return maxRetries + 1;
        }
    }

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
        Objects.requireNonNull(retries, "retries");
        if (topLogprobs < 0 || topLogprobs > MAX_TOP_LOGPROBS) {
            throw new IllegalArgumentException("topLogprobs must be in [0," + MAX_TOP_LOGPROBS + "], got " + topLogprobs);
        }
        if (maxN < 1 || maxN > MAX_N) {
            throw new IllegalArgumentException("maxN must be in [1," + MAX_N + "], got " + maxN);
        }
        apiKey = apiKey == null || apiKey.isBlank() ? null : apiKey.strip();
        model = model.strip();
    }

    /** The given server and model with the defaults of every other setting, and no API key. */
    public static OpenAiConfig of(final URI baseUrl, final String model) {
        return new OpenAiConfig(baseUrl, null, model, DEFAULT_TEMPERATURE, DEFAULT_MAX_TOKENS, DEFAULT_TIMEOUT,
                Retries.defaults(), DEFAULT_TOP_LOGPROBS, true, DEFAULT_MAX_N);
    }

    public OpenAiConfig withApiKey(final String key) {
        return new OpenAiConfig(baseUrl, key, model, temperature, maxTokens, timeout, retries, topLogprobs,
                arithmeticCheck, maxN);
    }

    public OpenAiConfig withSampling(final double newTemperature, final int newMaxTokens) {
        return new OpenAiConfig(baseUrl, apiKey, model, newTemperature, newMaxTokens, timeout, retries, topLogprobs,
                arithmeticCheck, maxN);
    }

    public OpenAiConfig withTimeout(final Duration newTimeout) {
        return new OpenAiConfig(baseUrl, apiKey, model, temperature, maxTokens, newTimeout, retries, topLogprobs,
                arithmeticCheck, maxN);
    }

    public OpenAiConfig withRetries(final Retries newRetries) {
        return new OpenAiConfig(baseUrl, apiKey, model, temperature, maxTokens, timeout, newRetries, topLogprobs,
                arithmeticCheck, maxN);
    }

    public OpenAiConfig withVerifier(final int newTopLogprobs, final boolean newArithmeticCheck) {
        return new OpenAiConfig(baseUrl, apiKey, model, temperature, maxTokens, timeout, retries, newTopLogprobs,
                newArithmeticCheck, maxN);
    }

    public OpenAiConfig withMaxN(final int newMaxN) {
        return new OpenAiConfig(baseUrl, apiKey, model, temperature, maxTokens, timeout, retries, topLogprobs,
                arithmeticCheck, newMaxN);
    }

    /** Keeps the API key out of logs and exception messages. */
    @Override
    public String toString() {
        return "OpenAiConfig[baseUrl=" + baseUrl + ", apiKey=" + (apiKey == null ? "none" : "[hidden]") + ", model="
                + model + ", temperature=" + temperature + ", maxTokens=" + maxTokens + ", timeout=" + timeout
                + ", retries=" + retries + ", topLogprobs=" + topLogprobs + ", arithmeticCheck=" + arithmeticCheck
                + ", maxN=" + maxN + "]";
    }
}
