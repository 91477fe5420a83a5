package dev.stepwise.models.openai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.failsafe.ExecutionContext;
import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeException;
import dev.failsafe.RetryPolicy;
import dev.stepwise.models.ModelCallException;
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
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * POSTs chat-completion requests to one server, and is the one place a model call is retried (Failsafe): HTTP 408,
 * 429 and 5xx, timeouts, refused connections and unreadable replies, up to {@code openai.max.retries} times. The wait
 * is what {@code Retry-After} says, never shorter (spread over up to a tenth more, so that the clients a 429 stopped
 * together do not come back together), else an exponential backoff with jitter. Failsafe's own jitter is not used
 * because it would also shorten a Retry-After. Any other 4xx fails at once, not retriable. Thread-safe.
 */
final class ChatClient implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ChatClient.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration MAX_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final int MAX_ERROR_TEXT = 500;

    private final OpenAiConfig config;
    private final URI endpoint;
    private final HttpClient http;
    private final RetryPolicy<JsonNode> retries;

    ChatClient(final OpenAiConfig config) {
        this.config = config;
        this.endpoint = URI.create(config.baseUrl().toString().replaceAll("/+$", "") + "/chat/completions");
        final Duration connectTimeout = config.timeout().compareTo(MAX_CONNECT_TIMEOUT) < 0 ? config.timeout()
                : MAX_CONNECT_TIMEOUT;
        // HTTP/1.1: on plain http the JDK's default HTTP/2 sends an h2c upgrade that some local servers mishandle.
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(connectTimeout).build();
        this.retries = RetryPolicy.<JsonNode>builder()
                // An interrupted call means the caller is stopping: no retry.
                .handleIf(failure -> failure instanceof ModelCallException call && call.retriable()
                        && !Thread.currentThread().isInterrupted())
                .withMaxRetries(config.retries().maxRetries())
                .withDelayFn(this::delay)
                .onRetryScheduled(event -> LOG.warn("Call {}/{} to {} failed, retrying in {} ms: {}",
                        event.getAttemptCount(), config.retries().maxAttempts(), endpoint, event.getDelay().toMillis(),
                        event.getLastException().getMessage()))
                .build();
    }

    URI endpoint() {
        return endpoint;
    }

    /**
     * The reply to a request body, a JSON object with at least one choice that has text.
     *
     * @throws ModelCallException retriable when every attempt failed in a way a retry may fix; not retriable (an
     *                            {@link HttpStatusException}) when the server refused the request
     */
    JsonNode complete(final String body) {
        final HttpRequest.Builder builder = HttpRequest.newBuilder(endpoint)
                .timeout(config.timeout())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (config.apiKey() != null) {
            builder.header("Authorization", "Bearer " + config.apiKey());
        }
        final HttpRequest request = builder.build();
        try {
            return Failsafe.with(retries).get(() -> attempt(request));
        } catch (final ModelCallException e) {
            if (!e.retriable() || Thread.currentThread().isInterrupted()) {
                throw e;
            }
            throw new ModelCallException(e.getMessage() + " (gave up after " + config.retries().maxAttempts()
                    + " attempts)", e);
        } catch (final FailsafeException e) {
            // Only an interrupt while waiting to retry gets here: every attempt throws ModelCallExceptions.
            Thread.currentThread().interrupt();
            throw new ModelCallException("interrupted while waiting to retry " + endpoint, e);
        }
    }

    private JsonNode attempt(final HttpRequest request) {
        final HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (final HttpTimeoutException e) {
            throw new ModelCallException(endpoint + " did not answer within " + config.timeout(), e);
        } catch (final IOException e) {
            throw new ModelCallException("cannot reach " + endpoint + ": " + e, e);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ModelCallException("interrupted while calling " + endpoint, e);
        }
        final int status = response.statusCode();
        if (status / 100 == 2) {
            return readCompletion(response.body());
        }
        final JsonNode error = errorOf(response.body());
        final String message = serverMessage(error, response.body());
        final String param = error.path("param").isTextual() ? error.path("param").asText() : null;
        if (status == 408 || status == 429 || status >= 500) {
            throw new HttpStatusException("HTTP " + status + " from " + endpoint + ": " + message, status, message, param,
                    retryAfter(response).orElse(null), true);
        }
        throw new HttpStatusException("HTTP " + status + " from " + endpoint + " (not retriable: check the base URL, the"
                + " model name and the API key): " + message, status, message, param, null, false);
    }

    /** A reply that cannot be read is retried like a failed request: the next one may well be whole. */
    private JsonNode readCompletion(final String body) {
        final JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (final JsonProcessingException e) {
            throw new ModelCallException("the reply of " + endpoint + " is not JSON: " + truncate(body), e);
        }
        if (root == null || !root.path("choices").path(0).path("message").path("content").isTextual()) {
            throw new ModelCallException("the reply of " + endpoint + " has no choices[0].message.content: "
                    + truncate(String.valueOf(body)));
        }
        return root;
    }

    /** The Retry-After of the failure if it sent one (capped), else initial * 2^(attempt-1), capped, with jitter. */
    private Duration delay(final ExecutionContext<JsonNode> context) {
        final OpenAiConfig.Retries settings = config.retries();
        if (context.getLastException() instanceof HttpStatusException failure && failure.retryAfter().isPresent()) {
            final long wait = Math.min(failure.retryAfter().get().toMillis(), settings.maxRetryAfter().toMillis());
            return Duration.ofMillis(wait + ThreadLocalRandom.current().nextLong(wait / 10 + 1));
        }
        final int attempt = Math.max(1, context.getAttemptCount());
        final long base = Math.min(settings.maxBackoff().toMillis(),
                settings.initialBackoff().toMillis() << Math.min(attempt - 1, 20));
        return Duration.ofMillis(base / 2 + ThreadLocalRandom.current().nextLong(base / 2 + 1));
    }

    /** A Retry-After header in seconds or as an HTTP date. */
    static Optional<Duration> retryAfter(final HttpResponse<?> response) {
        final Optional<String> header = response.headers().firstValue("Retry-After");
        if (header.isEmpty()) {
            return Optional.empty();
        }
        final String value = header.get().strip();
        try {
            return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(value))));
        } catch (final NumberFormatException notSeconds) {
            try {
                final Duration wait = Duration.between(Instant.now(),
                        ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME));
                return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
            } catch (final DateTimeParseException notADate) {
                return Optional.empty();
            }
        }
    }

    private static JsonNode errorOf(final String body) {
        try {
            final JsonNode root = JSON.readTree(body == null ? "" : body);
            return root == null ? JSON.missingNode() : root.path("error").isObject() ? root.path("error") : root;
        } catch (final JsonProcessingException e) {
            return JSON.missingNode();
        }
    }

    /** The error message of an OpenAI ({@code error.message}), vLLM ({@code message}) or Ollama ({@code error}) reply. */
    private static String serverMessage(final JsonNode error, final String body) {
        for (final JsonNode candidate : List.of(error.path("message"), error.path("error"), error.path("detail"),
                error)) {
            if (candidate.isTextual() && !candidate.asText().isBlank()) {
                return truncate(candidate.asText());
            }
        }
        return truncate(body == null || body.isBlank() ? "(empty body)" : body.strip());
    }

    private static String truncate(final String text) {
        return text.length() <= MAX_ERROR_TEXT ? text : text.substring(0, MAX_ERROR_TEXT) + "...";
    }

    @Override
    public void close() {
        http.close();
    }
}
