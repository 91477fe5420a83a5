package dev.stepwise.gateway;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.Semaphore;

/**
 * The OpenAI-compatible HTTP server: {@code GET /v1/models}, {@code POST /v1/chat/completions} and
 * {@code POST /v1/responses}, plain and streaming, on Helidon SE 4 (one virtual thread per request, so a
 * request simply blocks while its search runs).
 *
 * <p>A request is checked in this order: API key (401), body size (413), body (400), in-flight limit (429,
 * with {@code Retry-After}). Then its prompt is published and the request waits for the answer; a streaming
 * request meanwhile sends the search's progress (numbers only) as reasoning text, and a keep-alive comment
 * each second when nothing changed, so that a client that went away is noticed and its prompt cancelled.
 */
public final class GatewayServer implements AutoCloseable {

    /** Header with the prompt id of a request's search, so an auditor can find its chain in the log. */
    public static final String PROMPT_ID_HEADER = "x-stepwise-prompt-id";

    private static final String RETRY_AFTER_SECONDS = "1";

    private final GatewayConfig config;
    private final PromptService prompts;
    private final ModelCatalog models;
    private final RequestMapper mapper;
    private final List<byte[]> apiKeys;
    private final Semaphore inFlight;
    private final WebServer server;
    private final String instanceId;

    private GatewayServer(final GatewayConfig config, final PromptService prompts, final ModelCatalog models) {
        this.config = config;
        this.prompts = prompts;
        this.models = models;
        this.mapper = new RequestMapper(models, config.defaultModel());
        this.apiKeys = config.apiKeys().stream().map(k -> k.getBytes(StandardCharsets.UTF_8)).toList();
        this.inFlight = new Semaphore(config.maxInFlight());
        this.server = WebServer.builder()
                .host(config.host())
                .port(config.port())
                .shutdownHook(false)
                .routing(this::routes)
                .build()
                .start();
        this.instanceId = config.instanceId() != null ? config.instanceId() : "gateway-" + config.host() + ":" + server.port();
    }

    /** Starts a gateway for {@code prompts} with the standard models (one per registry strategy). */
    public static GatewayServer start(final GatewayConfig config, final PromptService prompts) {
        return new GatewayServer(config, prompts, ModelCatalog.standard());
    }

    public int port() {
        return server.port();
    }

    /** The base URL OpenAI SDKs take: {@code http://HOST:PORT/v1}. */
    public String baseUrl() {
        final String host = config.host().equals("0.0.0.0") ? "127.0.0.1" : config.host();
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port() + "/v1";
    }

    /** Requests working on a prompt now. */
    public int inFlight() {
        return config.maxInFlight() - inFlight.availablePermits();
    }

    private void routes(final HttpRouting.Builder routing) {
        routing.get("/healthz", (req, res) -> res.send("ok"))
                .get("/v1/models", (req, res) -> handle(req, res, () -> sendJson(res, 200, models.list())))
                .get("/v1/models/{id}", (req, res) -> handle(req, res,
                        () -> sendJson(res, 200, modelOrNotFound(req.path().pathParameters().get("id")))))
                .post("/v1/chat/completions", (req, res) -> handle(req, res, () -> chat(req, res)))
                .post("/v1/responses", (req, res) -> handle(req, res, () -> responses(req, res)))
                .any((req, res) -> handle(req, res, () -> {
                    throw new ApiError(404, ApiError.INVALID_REQUEST, null, "unknown_url", "Unknown request URL: "
                            + req.prologue().method().text() + " " + req.path().path() + ".");
                }));
    }

    private ObjectNode modelOrNotFound(final String id) {
        if (!models.contains(id)) {
            throw new ApiError(404, ApiError.INVALID_REQUEST, "model", "model_not_found", "The model '" + id + "' does not exist.");
        }
        return models.model(id);
    }

    /** Runs a handler after the API key check, turning an {@link ApiError} into an OpenAI error response. */
    private void handle(final ServerRequest req, final ServerResponse res, final Runnable handler) {
        try {
            authorize(req);
            handler.run();
        } catch (ApiError e) {
            if (!res.isSent()) {
                sendError(res, e);
            }
        }
    }

    private void authorize(final ServerRequest req) {
        if (apiKeys.isEmpty()) {
            return;
        }
        final String header = req.headers().first(HeaderNames.AUTHORIZATION).orElse("");
        if (!header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new ApiError(401, ApiError.INVALID_REQUEST, null, "missing_api_key",
                    "You didn't provide an API key: send it as 'Authorization: Bearer KEY'.");
        }
        final byte[] given = header.substring(7).strip().getBytes(StandardCharsets.UTF_8);
        boolean known = false;
        for (byte[] key : apiKeys) {
            // Constant-time per key, and every key is compared, so timing does not tell which one nearly matched.
            known |= MessageDigest.isEqual(key, given);
        }
        if (!known) {
            throw new ApiError(401, ApiError.INVALID_REQUEST, null, "invalid_api_key", "Incorrect API key provided.");
        }
    }

    private JsonNode readBody(final ServerRequest req) {
        final int limit = config.maxBodyBytes();
        final OptionalLong declared = req.headers().contentLength();
        if (declared.isPresent() && declared.getAsLong() > limit) {
            throw tooLarge(limit);
        }
        final byte[] body;
        try (InputStream in = req.content().inputStream()) {
            body = in.readNBytes(limit + 1);
        } catch (IOException e) {
            throw ApiError.badRequest(null, "unreadable_body", "Cannot read the request body: " + e.getMessage());
        }
        if (body.length > limit) {
            throw tooLarge(limit);
        }
        try {
            return Jsons.MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw ApiError.badRequest(null, "invalid_json", "We could not parse the JSON body of your request: "
                    + e.getOriginalMessage());
        } catch (IOException e) {
            throw ApiError.badRequest(null, "unreadable_body", "Cannot read the request body: " + e.getMessage());
        }
    }

    private static ApiError tooLarge(final int limit) {
        return new ApiError(413, ApiError.INVALID_REQUEST, null, "request_too_large",
                "The request body is larger than this gateway accepts (" + limit + " bytes, gateway.max.body.bytes).");
    }

    private void chat(final ServerRequest req, final ServerResponse res) {
        final SearchRequest request = mapper.chat(readBody(req));
        withPermit(() -> {
            if (request.stream()) {
                EventStreams.chat(newSearch(request, true), res);
            } else {
                plainChat(request, res);
            }
        });
    }

    private void responses(final ServerRequest req, final ServerResponse res) {
        final SearchRequest request = mapper.responses(readBody(req));
        withPermit(() -> {
            if (request.stream()) {
                EventStreams.responses(newSearch(request, true), res);
            } else {
                plainResponse(request, res);
            }
        });
    }

    private void withPermit(final Runnable work) {
        if (!inFlight.tryAcquire()) {
            throw new ApiError(429, "rate_limit_error", null, "rate_limit_exceeded", "This gateway is working on "
                    + config.maxInFlight() + " prompts already (gateway.max.in.flight); retry after "
                    + RETRY_AFTER_SECONDS + " s.");
        }
        try {
            work.run();
        } finally {
            inFlight.release();
        }
    }

    private PendingSearch newSearch(final SearchRequest request, final boolean withProgress) {
        return new PendingSearch(request, withProgress, prompts, config, models, instanceId);
    }

    private void plainChat(final SearchRequest request, final ServerResponse res) {
        final PendingSearch search = newSearch(request, false);
        res.header(PROMPT_ID_HEADER, search.promptId);
        final Outcome outcome = search.outcome();
        if (outcome.failed()) {
            throw outcome.error();
        }
        sendJson(res, 200, new ChatCompletions(search.promptId, search.created(), request.model()).completion(outcome));
    }

    private void plainResponse(final SearchRequest request, final ServerResponse res) {
        final PendingSearch search = newSearch(request, false);
        res.header(PROMPT_ID_HEADER, search.promptId);
        final Outcome outcome = search.outcome();
        if (outcome.failed()) {
            throw outcome.error();
        }
        sendJson(res, 200, new Responses(search.promptId, search.created(), request).completed(outcome, List.of(outcome.summary())));
    }

    private static void sendJson(final ServerResponse res, final int status, final JsonNode body) {
        res.status(status);
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(Jsons.bytes(body));
    }

    private static void sendError(final ServerResponse res, final ApiError error) {
        if (error.status() == 429) {
            res.header(HeaderNames.RETRY_AFTER, RETRY_AFTER_SECONDS);
        }
        if (error.status() >= 500 && !"timeout".equals(error.code()) && !"unavailable".equals(error.code())) {
            // A search that failed fails the same way when asked again: tell the OpenAI SDKs not to retry.
            res.header("x-should-retry", "false");
        }
        sendJson(res, error.status(), error.toJson());
    }

    @Override
    public void close() {
        server.stop();
    }
}
