package dev.stepwise.schemas.serde;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * One HTTP exchange with a Confluent-compatible registry, and what came of it: a 2xx JSON body, the registry's
 * refusal with its {@code error_code}, or a transport failure (status 0) put into words. No retries here: the
 * client decides what to try again.
 *
 * <p>Built on {@link HttpURLConnection} rather than {@code java.net.http.HttpClient} on purpose: every
 * {@code ./stepwise} command makes a registry client, and in a fresh JVM the first exchange of
 * {@code HttpClient} costs about 0.6 s (it loads the TLS stack and the trust store even for plain http, then its
 * own asynchronous machinery), against about 0.1 s here. HTTP/1.1 only, no proxy, no redirects followed, idle
 * connections kept alive by the JDK between exchanges.
 */
final class RegistryExchange implements AutoCloseable {

    static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final String ACCEPT =
            "application/vnd.schemaregistry.v1+json, application/vnd.schemaregistry+json; q=0.9, application/json; q=0.5";
    private static final int TOO_MANY_REQUESTS = 429;
    private static final int MAX_BODY_IN_MESSAGE = 300;
    static final ObjectMapper JSON = new ObjectMapper();

    private final RegistryUrl base;
    private final Duration connectTimeout;

    RegistryExchange(final RegistryUrl base, final Duration connectTimeout) {
        this.base = base;
        this.connectTimeout = connectTimeout;
    }

    /** The outcome of one HTTP exchange: a 2xx body, a registry refusal, or a transport failure (status 0). */
    record Attempt(String method, String url, int status, JsonNode json, int errorCode, String reason,
                   Throwable cause) {

        boolean succeeded() {
            return status >= 200 && status < 300;
        }

        boolean retriable() {
            return status == 0 || status >= 500 || status == TOO_MANY_REQUESTS;
        }
    }

    /**
     * One exchange.
     *
     * @param timeout time limit of connecting (at most the connect timeout given at construction) and of each
     *                wait for the answer's bytes
     */
    Attempt send(final String method, final String path, final JsonNode body, final Duration timeout) {
        final String target = base.url(path);
        if (Thread.currentThread().isInterrupted()) {
            throw new SchemaRegistryException(method + " " + target + " interrupted", 0, 0);
        }
        final int status;
        final byte[] bytes;
        try {
            final HttpURLConnection http = (HttpURLConnection) URI.create(target).toURL().openConnection(Proxy.NO_PROXY);
            final int millis = (int) Math.clamp(timeout.toMillis(), 1L, Integer.MAX_VALUE);
            http.setConnectTimeout((int) Math.clamp(Math.min(millis, connectTimeout.toMillis()), 1L, Integer.MAX_VALUE));
            http.setReadTimeout(millis);
            http.setInstanceFollowRedirects(false);
            http.setUseCaches(false);
            http.setRequestMethod(method);
            http.setRequestProperty("Accept", ACCEPT);
            if (base.authorization() != null) {
                http.setRequestProperty("Authorization", base.authorization());
            }
            if (body != null) {
                http.setDoOutput(true);
                http.setRequestProperty("Content-Type", CONTENT_TYPE);
                try (OutputStream out = http.getOutputStream()) {
                    out.write(toBytes(body));
                }
            }
            status = http.getResponseCode();
            bytes = readFully(status < 400 ? http.getInputStream() : http.getErrorStream());
        } catch (IOException e) {
            return new Attempt(method, target, 0, null, 0, transportFailure(e), e);
        }
        final Optional<JsonNode> json = parse(bytes);
        if (status >= 200 && status < 300) {
            if (json.isEmpty()) {
                throw new SchemaRegistryException(method + " " + target + " answered HTTP " + status
                        + " with a body that is not JSON: " + preview(bytes), status, 0);
            }
            return new Attempt(method, target, status, json.get(), 0, "HTTP " + status, null);
        }
        // Confluent error body: {"error_code": 40403, "message": "Schema 7 not found"}.
        final int errorCode = json.map(node -> node.path("error_code").asInt(0)).orElse(0);
        final String message = json.map(node -> node.path("message").asText(""))
                .filter(text -> !text.isBlank())
                .orElseGet(() -> preview(bytes));
        final String reason = "HTTP " + status + (errorCode == 0 ? "" : " (error code " + errorCode + ")")
                + (message.isBlank() ? "" : ": " + message);
        return new Attempt(method, target, status, null, errorCode, reason, null);
    }

    /** Nothing to release: connections are per exchange, idle ones the JDK's keep-alive cache closes on its own. */
    @Override
    public void close() {
    }

    /** The whole body (read to the end and closed, so the connection can be kept alive); empty when there is none. */
    private static byte[] readFully(final InputStream in) throws IOException {
        if (in == null) {
            return new byte[0];
        }
        try (in) {
            return in.readAllBytes();
        }
    }

    static byte[] toBytes(final JsonNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write JSON", e);
        }
    }

    private static Optional<JsonNode> parse(final byte[] bytes) {
        if (bytes.length == 0) {
            return Optional.empty();
        }
        try {
            return Optional.ofNullable(JSON.readTree(bytes));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    static String preview(final byte[] bytes) {
        final String text = new String(bytes, StandardCharsets.UTF_8).strip();
        return text.length() <= MAX_BODY_IN_MESSAGE ? text : text.substring(0, MAX_BODY_IN_MESSAGE) + "...";
    }

    /**
     * Words for a transport failure: an unknown host is an {@code UnknownHostException} whose message is only
     * the host, and a refused connection may come without a message.
     */
    private String transportFailure(final Throwable error) {
        String message = null;
        boolean connect = false;
        for (Throwable t = error; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof UnknownHostException) {
                return "Unknown host " + base.host();
            }
            if (t instanceof SocketTimeoutException && t.getMessage() != null) {
                return t.getMessage();
            }
            connect |= t instanceof ConnectException;
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                message = t.getMessage();
            }
        }
        if (message != null) {
            return message;
        }
        return connect ? "Connection refused" : error.getClass().getSimpleName();
    }
}
