package dev.stepwise.models.openai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stepwise.models.Judgement;
import dev.stepwise.models.ModelBackend;
import dev.stepwise.models.ModelCallException;
import dev.stepwise.models.ProposedStep;
import dev.stepwise.models.RevisionTask;
import dev.stepwise.models.StepTask;
import dev.stepwise.models.VerificationTask;
import dev.stepwise.models.openai.ChatPrompts.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A model behind an OpenAI-compatible {@code /chat/completions} endpoint: OpenAI, vLLM, Ollama, llama.cpp server.
 * Built on the JDK's {@link HttpClient} and Jackson, which the shared notes (llm-backends.md §1) measured as the
 * lightest choice (3 jars, 2.4 MB, against 25 jars and 84 MB for openai-java) with the fastest cold start (0.7-0.85 s
 * against 3.1-4.7 s), and able to do everything the search needs.
 *
 * <p>Retries: HTTP 408, 429 and 5xx, timeouts and failed connections are retried up to {@code maxRetries} times,
 * waiting as long as a {@code Retry-After} header says (at most {@link #MAX_RETRY_AFTER}), else an exponential backoff
 * with jitter; then a retriable {@link ModelCallException}. Any other 4xx (a wrong key, URL or model name) fails at
 * once with a {@link ModelCallException#notRetriable non-retriable} one carrying the server's message. The proposer
 * and reviser sample at the configured temperature; the verifier uses temperature 0, so that a score depends on the
 * step rather than on sampling. Thread-safe.
 */
public final class OpenAiCompatibleBackend implements ModelBackend {

    /** The longest a Retry-After header is honoured; a longer one would stall an agent for minutes. */
    static final Duration MAX_RETRY_AFTER = Duration.ofSeconds(60);
    static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofMillis(500);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    private static final Duration MAX_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final int MAX_ERROR_TEXT = 500;

    private static final Logger LOG = LoggerFactory.getLogger(OpenAiCompatibleBackend.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final OpenAiConfig config;
    private final URI endpoint;
    private final Duration initialBackoff;
    private final HttpClient http;

    public OpenAiCompatibleBackend(final OpenAiConfig config) {
        this(config, DEFAULT_INITIAL_BACKOFF);
    }

    /** With a shorter backoff, for tests. */
    OpenAiCompatibleBackend(final OpenAiConfig config, final Duration initialBackoff) {
        this.config = Objects.requireNonNull(config, "config");
        this.initialBackoff = initialBackoff;
        this.endpoint = URI.create(config.baseUrl().toString().replaceAll("/+$", "") + "/chat/completions");
        final Duration connectTimeout = config.timeout().compareTo(MAX_CONNECT_TIMEOUT) < 0 ? config.timeout()
                : MAX_CONNECT_TIMEOUT;
        // HTTP/1.1: on plain http the JDK's default HTTP/2 sends an h2c upgrade that some local servers mishandle.
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(connectTimeout).build();
    }

    public OpenAiConfig config() {
        return config;
    }

    @Override
    public String model() {
        return "openai/" + config.model();
    }

    @Override
    public ProposedStep propose(final StepTask task) {
        return step(ChatPrompts.propose(task));
    }

    @Override
    public Judgement verify(final VerificationTask task) {
        final List<Message> messages = ChatPrompts.verify(task);
        final Completion completion = complete(messages, 0.0);
        return ChatPrompts.parseJudgement(completion.content(), completion.tokens());
    }

    @Override
    public ProposedStep revise(final RevisionTask task) {
        return step(ChatPrompts.revise(task));
    }

    @Override
    public void close() {
        http.close();
    }

    private ProposedStep step(final List<Message> messages) {
        final Completion completion = complete(messages, config.temperature());
        final ProposedStep step = ChatPrompts.parseStep(completion.content(), completion.tokens());
        if (step == null) {
            // Another sample may well say something; retrying is the caller's call.
            throw new ModelCallException(model() + " returned an empty step");
        }
        return step;
    }

    /** The text of the first choice and the tokens the call used. */
    private record Completion(String content, int tokens) {
    }

    private Completion complete(final List<Message> messages, final double temperature) {
        final String body = requestBody(messages, temperature);
        final String response = send(body);
        final JsonNode root;
        try {
            root = JSON.readTree(response);
        } catch (final JsonProcessingException e) {
            throw new ModelCallException("the reply of " + endpoint + " is not JSON: " + truncate(response), e);
        }
        final JsonNode content = root.path("choices").path(0).path("message").path("content");
        if (!content.isTextual()) {
            throw new ModelCallException("the reply of " + endpoint + " has no choices[0].message.content: "
                    + truncate(response));
        }
        final int reported = root.path("usage").path("total_tokens").asInt(0);
        final int tokens = reported > 0 ? reported : ChatPrompts.estimateTokens(messages, content.asText());
        return new Completion(content.asText(), tokens);
    }

    private String requestBody(final List<Message> messages, final double temperature) {
        final ObjectNode body = JSON.createObjectNode();
        body.put("model", config.model());
        final ArrayNode array = body.putArray("messages");
        for (final Message message : messages) {
            array.addObject().put("role", message.role()).put("content", message.content());
        }
        body.put("temperature", temperature);
        // max_tokens rather than max_completion_tokens: vLLM, Ollama and llama.cpp read the former; OpenAI accepts it
        // for chat models.
        body.put("max_tokens", config.maxTokens());
        try {
            return JSON.writeValueAsString(body);
        } catch (final JsonProcessingException e) {
            throw new IllegalStateException("cannot write a request body", e);
        }
    }

    private String send(final String body) {
        final HttpRequest.Builder builder = HttpRequest.newBuilder(endpoint)
                .timeout(config.timeout())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (config.apiKey() != null) {
            builder.header("Authorization", "Bearer " + config.apiKey());
        }
        final HttpRequest request = builder.build();
        final int attempts = config.maxRetries() + 1;
        for (int attempt = 1; ; attempt++) {
            final HttpResponse<String> response;
            try {
                response = http.send(request, HttpResponse.BodyHandlers.ofString());
            } catch (final HttpTimeoutException e) {
                if (attempt >= attempts) {
                    throw new ModelCallException(endpoint + " did not answer within " + config.timeout() + " ("
                            + attempts + " attempts)", e);
                }
                pause(backoff(attempt), attempt, attempts, "timeout");
                continue;
            } catch (final IOException e) {
                if (attempt >= attempts) {
                    throw new ModelCallException("cannot reach " + endpoint + " (" + attempts + " attempts): " + e, e);
                }
                pause(backoff(attempt), attempt, attempts, e.toString());
                continue;
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ModelCallException("interrupted while calling " + endpoint, e);
            }
            final int status = response.statusCode();
            if (status / 100 == 2) {
                return response.body();
            }
            final String message = serverMessage(response.body());
            if (status == 408 || status == 429 || status >= 500) {
                if (attempt >= attempts) {
                    throw new ModelCallException("HTTP " + status + " from " + endpoint + " after " + attempts
                            + " attempts: " + message);
                }
                pause(retryAfter(response).orElse(backoff(attempt)), attempt, attempts, "HTTP " + status);
                continue;
            }
            throw ModelCallException.notRetriable("HTTP " + status + " from " + endpoint + " (not retriable: check the"
                    + " base URL, the model name and the API key): " + message);
        }
    }

    private void pause(final Duration wait, final int attempt, final int attempts, final String reason) {
        LOG.warn("Call {}/{} to {} failed ({}); retrying in {} ms", attempt, attempts, endpoint, reason, wait.toMillis());
        try {
            Thread.sleep(wait);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ModelCallException("interrupted while waiting to retry " + endpoint, e);
        }
    }

    /** initialBackoff * 2^(attempt-1), capped, with up to 50% jitter so that many agents do not retry in step. */
    private Duration backoff(final int attempt) {
        final long base = Math.min(MAX_BACKOFF.toMillis(), initialBackoff.toMillis() << Math.min(attempt - 1, 20));
        return Duration.ofMillis(base / 2 + ThreadLocalRandom.current().nextLong(base / 2 + 1));
    }

    /** A Retry-After header in seconds or as an HTTP date, capped at {@link #MAX_RETRY_AFTER}. */
    static Optional<Duration> retryAfter(final HttpResponse<?> response) {
        final Optional<String> header = response.headers().firstValue("Retry-After");
        if (header.isEmpty()) {
            return Optional.empty();
        }
        final String value = header.get().strip();
        Duration wait;
        try {
            wait = Duration.ofSeconds(Long.parseLong(value));
        } catch (final NumberFormatException notSeconds) {
            try {
                wait = Duration.between(Instant.now(), ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME));
            } catch (final DateTimeParseException notADate) {
                return Optional.empty();
            }
        }
        if (wait.isNegative()) {
            return Optional.of(Duration.ZERO);
        }
        return Optional.of(wait.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : wait);
    }

    /** The error message of an OpenAI ({@code error.message}), vLLM ({@code message}) or Ollama ({@code error}) reply. */
    private static String serverMessage(final String body) {
        try {
            final JsonNode root = JSON.readTree(body);
            for (final JsonNode candidate : List.of(root.path("error").path("message"), root.path("error"),
                    root.path("message"), root.path("detail"))) {
                if (candidate.isTextual() && !candidate.asText().isBlank()) {
                    return truncate(candidate.asText());
                }
            }
        } catch (final JsonProcessingException | RuntimeException e) {
            // Not JSON: the raw body is the message.
        }
        return truncate(body == null || body.isBlank() ? "(empty body)" : body.strip());
    }

    private static String truncate(final String text) {
        return text.length() <= MAX_ERROR_TEXT ? text : text.substring(0, MAX_ERROR_TEXT) + "...";
    }
}
