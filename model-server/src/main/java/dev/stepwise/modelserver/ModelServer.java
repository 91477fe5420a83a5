package dev.stepwise.modelserver;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * An OpenAI-compatible chat-completions server whose "model" is the synthetic task suite: a stand-in for a real model
 * server, never a language model. It answers the prompts Stepwise's OpenAI backend sends (proposer, verifier,
 * reviser) in natural-language steps with the suite's fallibility, with {@code n}, logprobs, streaming, a seeded
 * latency and injected faults, so the HTTP path can be tested, and a deployment checked, where no real model can run.
 *
 * <pre>{@code
 * try (ModelServer server = ModelServer.start(new ModelServerConfig(Map.of("modelserver.port", "0")))) {
 *     URI baseUrl = server.baseUrl();   // http://127.0.0.1:PORT/v1, what openai.base.url takes
 * }
 * }</pre>
 *
 * Built on Helidon SE 4 (its WebServer runs every request on a virtual thread, and a response's output stream is
 * written as it is flushed, which server-sent events need).
 */
public final class ModelServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ModelServer.class);
    /** How long stop() lets requests in flight finish; a held "timeout" request is not waited for longer. */
    private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(1);

    private final WebServer server;
    private final ModelServerConfig config;
    private final ChatCompletions completions;

    private ModelServer(final WebServer server, final ModelServerConfig config, final ChatCompletions completions) {
        this.server = server;
        this.config = config;
        this.completions = completions;
    }

    /** Starts listening; returns once requests are accepted. */
    public static ModelServer start(final ModelServerConfig config) {
        final ChatCompletions completions = new ChatCompletions(config);
        final WebServer server = WebServer.builder()
                .host(config.host())
                .port(config.port())
                .shutdownGracePeriod(SHUTDOWN_GRACE)
                .routing(routing -> routing
                        .post("/v1/chat/completions", completions)
                        .get("/v1/models", (request, response) -> models(config, request, response)))
                .build()
                .start();
        final ModelServer started = new ModelServer(server, config, completions);
        LOG.info("Model server (the synthetic task suite, not a language model) serving '{}' at {}", config.model(),
                started.baseUrl());
        return started;
    }

    /** The port it listens on (the one chosen when the configured port is 0). */
    public int port() {
        return server.port();
    }

    /** The API root, e.g. {@code http://127.0.0.1:8090/v1}: what {@code openai.base.url} takes. */
    public URI baseUrl() {
        final String host = "0.0.0.0".equals(config.host()) ? "127.0.0.1" : config.host();
        return URI.create("http://" + host + ":" + port() + "/v1");
    }

    public ModelServerConfig config() {
        return config;
    }

    /** Chat-completion requests received so far, answered or not: how a test counts the requests a client made. */
    public long requests() {
        return completions.received();
    }

    @Override
    public void close() {
        server.stop();
    }

    /** {@code GET /v1/models}: the one model this server serves. */
    private static void models(final ModelServerConfig config, final ServerRequest request,
                               final ServerResponse response) {
        if (!authorized(config, request, response)) {
            return;
        }
        final ObjectNode body = Completions.JSON.createObjectNode().put("object", "list");
        body.putArray("data").addObject().put("id", config.model()).put("object", "model").put("created", 0L)
                .put("owned_by", "stepwise-synthetic-suite");
        response.header(HeaderNames.CONTENT_TYPE, "application/json");
        response.send(body.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** With an API key configured, a request without it gets 401 (and false); else true. */
    static boolean authorized(final ModelServerConfig config, final ServerRequest request,
                              final ServerResponse response) {
        final String key = config.apiKey();
        if (key == null) {
            return true;
        }
        final Optional<String> header = request.headers().first(HeaderNames.AUTHORIZATION);
        if (header.isPresent() && header.get().equals("Bearer " + key)) {
            return true;
        }
        ChatCompletions.send(response, 401, Completions.error("Incorrect API key provided.", "invalid_request_error",
                null, "invalid_api_key"));
        return false;
    }
}
