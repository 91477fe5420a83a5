package dev.stepwise.schemas.serde;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stepwise.schemas.serde.RegistryExchange.Attempt;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client of the Confluent Schema Registry REST API, for any Confluent-compatible registry:
 * Confluent Schema Registry, Apicurio's {@code /apis/ccompat/v7}, Karapace, Redpanda.
 *
 * <p>Written by hand on purpose: Confluent's own client ({@code io.confluent:kafka-schema-registry-client})
 * is not published on Maven Central, and Apicurio's serdes speak Apicurio's native API, not Confluent's
 * (see {@code /work/shared/notes/schema-registry.md}). The few calls Stepwise needs are small enough to
 * do with the JDK's {@link java.net.HttpURLConnection} (see {@link RegistryExchange} for why not its newer
 * client) and Jackson.
 *
 * <p>Credentials for HTTP basic auth (Confluent Cloud's API key and secret) come from the user-info of
 * the base URL, {@code https://KEY:SECRET@host}; percent-encode reserved characters in the secret. They
 * are sent in an {@code Authorization} header and never appear in messages, logs or {@link #toString()}.
 *
 * <p>Failures that may go away (connect failures, timeouts, HTTP 5xx, 429) are retried with exponential
 * backoff up to {@code maxAttempts}; 4xx answers are final. Every failure is a
 * {@link SchemaRegistryException} carrying the HTTP status (0 when the registry was not reached) and the
 * registry's {@code error_code}. Nothing is cached here: the serializer and deserializer cache ids and
 * schemas. Thread-safe; closing it is allowed but releases nothing (it holds no connection between calls).
 */
public final class ConfluentSchemaRegistryClient implements SchemaRegistryClient, AutoCloseable {

    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);
    public static final int DEFAULT_MAX_ATTEMPTS = 5;
    public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofMillis(200);
    /** Longest wait between two attempts, so that a long retry budget does not turn into minute-long pauses. */
    static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

    /** Shortest time limit of a poll in {@link #awaitReachable}, so the wait may overrun by at most this much. */
    private static final Duration LAST_POLL_MIN_TIMEOUT = Duration.ofMillis(500);

    static final String CONTENT_TYPE = RegistryExchange.CONTENT_TYPE;
    /** Confluent error codes for "no such subject" and "no such version", as opposed to a 404 from a wrong base URL. */
    private static final int SUBJECT_NOT_FOUND = 40401;
    private static final int VERSION_NOT_FOUND = 40402;

    private static final Logger LOG = LoggerFactory.getLogger(ConfluentSchemaRegistryClient.class);

    /** Base URL without user-info and without a trailing slash (safe to print), and the credentials' header. */
    private final RegistryUrl base;
    private final String baseUrl;
    private final Duration requestTimeout;
    private final int maxAttempts;
    private final Duration initialBackoff;
    private final RegistryExchange http;

    public ConfluentSchemaRegistryClient(final URI baseUrl) {
        this(baseUrl, DEFAULT_REQUEST_TIMEOUT, DEFAULT_MAX_ATTEMPTS, DEFAULT_INITIAL_BACKOFF);
    }

    /**
     * @param baseUrl        registry base URL, with or without a trailing slash, e.g. {@code http://127.0.0.1:8081}
     *                       or {@code http://host:8080/apis/ccompat/v7}; may carry {@code user:secret@} for basic auth
     * @param requestTimeout time limit of one HTTP attempt (connect and response)
     * @param maxAttempts    attempts per call, at least 1; only retriable failures are tried again
     * @param initialBackoff wait before the second attempt, doubled before each further one (capped at 5 s)
     */
    public ConfluentSchemaRegistryClient(final URI baseUrl, final Duration requestTimeout, final int maxAttempts,
                                         final Duration initialBackoff) {
        Objects.requireNonNull(baseUrl, "baseUrl");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        this.base = RegistryUrl.of(baseUrl);
        if (requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("requestTimeout must be positive, got " + requestTimeout);
        }
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
        }
        if (initialBackoff.isNegative()) {
            throw new IllegalArgumentException("initialBackoff must not be negative, got " + initialBackoff);
        }
        this.baseUrl = base.printable();
        this.requestTimeout = requestTimeout;
        this.maxAttempts = maxAttempts;
        this.initialBackoff = initialBackoff;
        this.http = new RegistryExchange(base, requestTimeout);
    }

    /** A client with the default timeout (10 s) and retries (5 attempts, 200 ms initial backoff). */
    public static ConfluentSchemaRegistryClient create(final String baseUrl) {
        Objects.requireNonNull(baseUrl, "baseUrl");
        final URI uri;
        try {
            uri = new URI(baseUrl.strip());
        } catch (URISyntaxException e) {
            // The input may hold a secret: name the problem, not the whole string.
            throw new IllegalArgumentException("Schema registry URL is not a valid URL (" + e.getReason()
                    + "); expected an absolute http(s) URL such as http://127.0.0.1:8081", e);
        }
        return new ConfluentSchemaRegistryClient(uri);
    }

    /** The base URL without credentials, as used in messages. */
    public String baseUrl() {
        return baseUrl;
    }

    @Override
    public int register(final String subject, final Schema schema) {
        Objects.requireNonNull(schema, "schema");
        final JsonNode answer = call("POST", "/subjects/" + encode(subject) + "/versions", schemaBody(schema));
        return requiredInt(answer, "id", "POST", "/subjects/" + encode(subject) + "/versions");
    }

    @Override
    public Schema schemaById(final int id) {
        final String path = "/schemas/ids/" + id;
        final JsonNode answer = call("GET", path, null);
        final String type = answer.path("schemaType").asText("AVRO");
        if (!"AVRO".equalsIgnoreCase(type)) {
            throw new SchemaRegistryException("GET " + url(path) + ": schema " + id + " is a " + type
                    + " schema, not Avro", 200, 0);
        }
        final String text = requiredText(answer, "schema", "GET", path);
        try {
            return new Schema.Parser().parse(text);
        } catch (SchemaParseException e) {
            throw new SchemaRegistryException("GET " + url(path) + ": schema " + id + " is not a valid Avro schema: "
                    + e.getMessage(), 200, 0, e);
        }
    }

    @Override
    public List<String> subjects() {
        final JsonNode answer = call("GET", "/subjects", null);
        final List<String> subjects = new ArrayList<>(answer.size());
        requiredArray(answer, "GET", "/subjects").forEach(node -> subjects.add(node.asText()));
        return List.copyOf(subjects);
    }

    /**
     * The versions registered under {@code subject}, oldest first.
     *
     * @throws SchemaRegistryException with status 404 and error code 40401 when the subject does not exist
     */
    public List<Integer> versions(final String subject) {
        final String path = "/subjects/" + encode(subject) + "/versions";
        final JsonNode answer = call("GET", path, null);
        final List<Integer> versions = new ArrayList<>(answer.size());
        requiredArray(answer, "GET", path).forEach(node -> versions.add(node.asInt()));
        return List.copyOf(versions);
    }

    /** The registry-wide compatibility level, e.g. {@code BACKWARD} (Confluent's default) or {@code NONE} (Apicurio's). */
    public String compatibilityLevel() {
        return requiredText(call("GET", "/config", null), "compatibilityLevel", "GET", "/config");
    }

    /** Sets the registry-wide compatibility level: NONE, BACKWARD, BACKWARD_TRANSITIVE, FORWARD, FULL, ... */
    public void setCompatibilityLevel(final String level) {
        if (level == null || level.isBlank()) {
            throw new IllegalArgumentException("compatibility level must not be blank");
        }
        final ObjectNode body = RegistryExchange.JSON.createObjectNode().put("compatibility", level.strip().toUpperCase(Locale.ROOT));
        call("PUT", "/config", body);
    }

    /**
     * Whether {@code schema} may be registered under {@code subject} as its next version, by the
     * registry's compatibility rules. A subject with no versions yet accepts any schema.
     */
    public boolean isCompatible(final String subject, final Schema schema) {
        Objects.requireNonNull(schema, "schema");
        final String path = "/compatibility/subjects/" + encode(subject) + "/versions/latest";
        try {
            final JsonNode answer = call("POST", path, schemaBody(schema));
            final JsonNode verdict = answer.get("is_compatible");
            if (verdict == null || !verdict.isBoolean()) {
                throw unexpectedAnswer("POST", path, "no boolean 'is_compatible'", answer);
            }
            return verdict.booleanValue();
        } catch (SchemaRegistryException e) {
            // Only a Confluent "no such subject / version" answer means "nothing to be compatible with".
            // A bare 404 usually means a wrong base URL (e.g. Apicurio without /apis/ccompat/v7), which
            // must not pass a compatibility check silently.
            if (e.status() == 404 && (e.errorCode() == SUBJECT_NOT_FOUND || e.errorCode() == VERSION_NOT_FOUND)) {
                return true;
            }
            throw e;
        }
    }

    /**
     * Waits until the registry answers {@code GET /subjects}, polling with exponential backoff (from
     * the initial backoff, capped at 5 s) for at most {@code maxWait}. An answer other than a
     * connection failure, timeout, 5xx or 429 ends the wait at once, since waiting will not fix it.
     *
     * @throws SchemaRegistryException with a message that says what to do, when the registry is not reachable in time
     */
    public void awaitReachable(final Duration maxWait) {
        Objects.requireNonNull(maxWait, "maxWait");
        final long start = System.nanoTime();
        final long deadline = start + maxWait.toNanos();
        int attempts = 0;
        Duration backoff = initialBackoff.isZero() ? Duration.ofMillis(50) : initialBackoff;
        while (true) {
            attempts++;
            final Duration left = remaining(deadline);
            final Attempt attempt = http.send("GET", "/subjects", null,
                    left.compareTo(requestTimeout) < 0 ? left : requestTimeout);
            if (attempt.succeeded()) {
                LOG.debug("Schema registry at {} reachable after {} attempt(s)", baseUrl, attempts);
                return;
            }
            if (!attempt.retriable()) {
                throw notUsable(attempt);
            }
            final long untilDeadline = deadline - System.nanoTime();
            if (untilDeadline <= 0) {
                throw notReachable(attempts, System.nanoTime() - start, attempt);
            }
            LOG.debug("Schema registry at {} not reachable yet (attempt {}): {}", baseUrl, attempts, attempt.reason());
            pause(Duration.ofNanos(Math.min(untilDeadline, backoff.toNanos())), "GET", "/subjects");
            backoff = next(backoff);
        }
    }

    /** Nothing to release (see {@link RegistryExchange#close()}); kept so that callers may use try-with-resources. */
    @Override
    public void close() {
        http.close();
    }

    @Override
    public String toString() {
        return "ConfluentSchemaRegistryClient[" + baseUrl + "]";
    }

    // ---------------------------------------------------------------------------------------------
    // One call: bounded attempts, retries only for what may succeed later.

    private JsonNode call(final String method, final String path, final JsonNode body) {
        final long start = System.nanoTime();
        Duration backoff = initialBackoff;
        Attempt attempt = null;
        for (int number = 1; number <= maxAttempts; number++) {
            attempt = http.send(method, path, body, requestTimeout);
            if (attempt.succeeded()) {
                return attempt.json();
            }
            if (!attempt.retriable()) {
                throw refused(attempt);
            }
            if (number < maxAttempts) {
                LOG.warn("Schema registry {} {} failed (attempt {}/{}): {}; retrying in {} ms", method, url(path), number,
                        maxAttempts, attempt.reason(), backoff.toMillis());
                pause(backoff, method, path);
                backoff = next(backoff);
            }
        }
        throw gaveUp(attempt, System.nanoTime() - start);
    }

    private SchemaRegistryException refused(final Attempt attempt) {
        return new SchemaRegistryException(attempt.method() + " " + attempt.url() + " failed: " + attempt.reason(),
                attempt.status(), attempt.errorCode(), attempt.cause());
    }

    private SchemaRegistryException gaveUp(final Attempt attempt, final long elapsedNanos) {
        return new SchemaRegistryException(attempt.method() + " " + attempt.url() + " failed after " + maxAttempts
                + (maxAttempts == 1 ? " attempt" : " attempts") + " in " + seconds(elapsedNanos) + ": " + attempt.reason(),
                attempt.status(), attempt.errorCode(), attempt.cause());
    }

    private SchemaRegistryException notReachable(final int attempts, final long elapsedNanos, final Attempt last) {
        return new SchemaRegistryException("Schema registry at " + baseUrl + " is not reachable after " + attempts
                + (attempts == 1 ? " attempt" : " attempts") + " in " + seconds(elapsedNanos) + " (" + last.reason()
                + "). Start the embedded one with './stepwise up', or point --registry / STEPWISE_REGISTRY_URL at a "
                + "Confluent-compatible registry.", last.status(), last.errorCode(), last.cause());
    }

    private SchemaRegistryException notUsable(final Attempt last) {
        final String hint = switch (last.status()) {
            case 401, 403 -> " Check the credentials in the registry URL (https://KEY:SECRET@host).";
            case 404 -> " Is the base URL right? Apicurio serves the Confluent API under /apis/ccompat/v7.";
            default -> "";
        };
        return new SchemaRegistryException("Schema registry at " + baseUrl + " answered GET /subjects with "
                + last.reason() + "." + hint, last.status(), last.errorCode(), last.cause());
    }

    private SchemaRegistryException unexpectedAnswer(final String method, final String path, final String what,
                                                     final JsonNode answer) {
        return new SchemaRegistryException(method + " " + url(path) + " answered without " + what + ": "
                + RegistryExchange.preview(RegistryExchange.toBytes(answer)), 200, 0);
    }

    private void pause(final Duration wait, final String method, final String path) {
        try {
            Thread.sleep(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SchemaRegistryException(method + " " + url(path) + " interrupted while waiting to retry", 0, 0, e);
        }
    }

    private static Duration next(final Duration backoff) {
        final Duration doubled = backoff.multipliedBy(2);
        return doubled.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : doubled;
    }

    /** Time left before the deadline, but never so little that the last poll cannot possibly succeed. */
    private static Duration remaining(final long deadlineNanos) {
        return Duration.ofNanos(Math.max(LAST_POLL_MIN_TIMEOUT.toNanos(), deadlineNanos - System.nanoTime()));
    }

    // ---------------------------------------------------------------------------------------------
    // Bodies, URLs and messages.

    private static ObjectNode schemaBody(final Schema schema) {
        return RegistryExchange.JSON.createObjectNode().put("schema", schema.toString()).put("schemaType", "AVRO");
    }

    private int requiredInt(final JsonNode answer, final String field, final String method, final String path) {
        final JsonNode value = answer.get(field);
        if (value == null || !value.canConvertToInt()) {
            throw unexpectedAnswer(method, path, "an integer '" + field + "'", answer);
        }
        return value.intValue();
    }

    private String requiredText(final JsonNode answer, final String field, final String method, final String path) {
        final JsonNode value = answer.get(field);
        if (value == null || !value.isTextual()) {
            throw unexpectedAnswer(method, path, "a string '" + field + "'", answer);
        }
        return value.textValue();
    }

    private JsonNode requiredArray(final JsonNode answer, final String method, final String path) {
        if (!answer.isArray()) {
            throw unexpectedAnswer(method, path, "a JSON array", answer);
        }
        return answer;
    }

    private String url(final String path) {
        return base.url(path);
    }

    /** Encodes a subject as one path segment: a subject may hold any character, '/' included. */
    private static String encode(final String subject) {
        if (subject == null || subject.isEmpty()) {
            throw new IllegalArgumentException("subject must not be empty");
        }
        return URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String seconds(final long nanos) {
        final double seconds = nanos / 1e9;
        return seconds >= 10 ? Math.round(seconds) + " s" : String.format(Locale.ROOT, "%.1f s", seconds);
    }
}
