package dev.stepwise.modelserver;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stepwise.models.ProblemNotUnderstoodException;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code POST /v1/chat/completions}: checks the request as an OpenAI-compatible server would (key, model, messages,
 * n), waits the drawn latency, answers with the drawn fault if there is one, else with the stand-in's replies, as one
 * JSON body or, with {@code stream: true}, as server-sent events ending with {@code data: [DONE]}. Each request runs on
 * its own virtual thread (Helidon's default), so waiting costs no platform thread.
 */
final class ChatCompletions implements Handler {

    private static final Logger LOG = LoggerFactory.getLogger(ChatCompletions.class);
    private static final String NOT_A_PROMPT = "This stand-in (the synthetic task suite, not a language model) answers only"
            + " the prompts of Stepwise's OpenAI backend (proposer, verifier, reviser) about problems of the suite";

    private final ModelServerConfig config;
    private final Chaos chaos;
    private final StandIn standIn;
    private final AtomicLong ids = new AtomicLong();
    private final AtomicLong received = new AtomicLong();

    ChatCompletions(final ModelServerConfig config) {
        this.config = config;
        this.chaos = Chaos.of(config);
        this.standIn = new StandIn(config.synthetic());
    }

    /** Requests received so far, whatever became of them. */
    long received() {
        return received.get();
    }

    @Override
    public void handle(final ServerRequest request, final ServerResponse response) throws InterruptedException {
        received.incrementAndGet();
        if (!ModelServer.authorized(config, request, response)) {
            return;
        }
        final JsonNode body;
        try {
            body = Completions.JSON.readTree(request.content().as(String.class));
        } catch (final JsonProcessingException e) {
            send(response, 400, Completions.error("The body is not JSON: " + e.getOriginalMessage(),
                    "invalid_request_error", null, null));
            return;
        }
        if (!config.model().equals(body.path("model").asText())) {
            send(response, 404, Completions.error("The model '" + body.path("model").asText() + "' does not exist; this "
                    + "server serves '" + config.model() + "'", "invalid_request_error", "model", "model_not_found"));
            return;
        }
        final int asked = body.path("n").asInt(1);
        if (asked < 1 || asked > config.maxN() && config.rejectsNOverMax()) {
            send(response, 400, Completions.error("n must be between 1 and " + config.maxN() + ": this server samples at "
                    + "most " + config.maxN() + " choice(s) per request", "invalid_request_error", "n", null));
            return;
        }
        final Optional<RolePrompt> prompt = prompt(body.path("messages"));
        if (prompt.isEmpty()) {
            send(response, 400, Completions.error(NOT_A_PROMPT + ".", "invalid_request_error", "messages", null));
            return;
        }
        final Chaos.Plan plan = chaos.next();
        Thread.sleep(plan.latency());
        if (plan.fault() != Chaos.Fault.NONE) {
            fault(plan.fault(), body.path("stream").asBoolean(false), response);
            return;
        }
        final long seed = body.path("seed").canConvertToLong() ? body.path("seed").asLong() : plan.sampleSeed();
        final List<StandIn.Reply> replies;
        try {
            replies = standIn.answer(prompt.get(), Math.min(asked, config.maxN()), seed);
        } catch (final ProblemNotUnderstoodException e) {
            send(response, 400, Completions.error(e.getMessage(), "invalid_request_error", "messages", null));
            return;
        }
        final Completions.Answer answer = new Completions.Answer("chatcmpl-" + ids.incrementAndGet(), config.model(),
                System.currentTimeMillis() / 1000, replies, body.path("top_logprobs").asInt(0),
                body.path("logprobs").asBoolean(false), promptTokens(body.path("messages")));
        if (body.path("stream").asBoolean(false)) {
            stream(response, Completions.chunks(answer, body.path("stream_options").path("include_usage").asBoolean(false)));
        } else {
            response.header(HeaderNames.CONTENT_TYPE, "application/json");
            response.send(Completions.completion(answer).toString().getBytes(StandardCharsets.UTF_8));
        }
    }

    private static Optional<RolePrompt> prompt(final JsonNode messages) {
        String system = null;
        String user = null;
        for (final JsonNode message : messages) {
            final String role = message.path("role").asText();
            if ("system".equals(role) || "developer".equals(role)) {
                system = message.path("content").asText();
            } else if ("user".equals(role)) {
                user = message.path("content").asText();
            }
        }
        return RolePrompt.read(system, user);
    }

    private void fault(final Chaos.Fault fault, final boolean stream, final ServerResponse response)
            throws InterruptedException {
        switch (fault) {
            case SERVER_ERROR -> send(response, 500, Completions.error("The server had an error while processing your "
                    + "request (a fault injected by the model server).", "server_error", null, null));
            case RATE_LIMITED -> {
                response.header(HeaderNames.RETRY_AFTER,
                        Integer.toString(config.getInt(ModelServerConfig.FAULT_RETRY_AFTER_S)));
                send(response, 429, Completions.error("Rate limit reached (a fault injected by the model server).",
                        "requests", null, "rate_limit_exceeded"));
            }
            case TIMEOUT -> {
                Thread.sleep(Duration.ofMillis(config.getLong(ModelServerConfig.FAULT_TIMEOUT_MS)));
                send(response, 504, Completions.error("The model did not answer in time (a fault injected by the model "
                        + "server).", "timeout", null, null));
            }
            case MALFORMED -> {
                final String cut = "{\"id\":\"chatcmpl-cut\",\"object\":\"chat.completion\",\"choices\":[{\"index\":0,"
                        + "\"message\":{\"role\":\"assistant\",\"content\":\"We comp";
                if (stream) {
                    stream(response, List.of(), "data: " + cut + "\n\n");
                } else {
                    response.header(HeaderNames.CONTENT_TYPE, "application/json");
                    response.send(cut.getBytes(StandardCharsets.UTF_8));
                }
            }
            case NONE -> throw new IllegalStateException("not a fault");
        }
    }

    private static void stream(final ServerResponse response, final List<ObjectNode> chunks) {
        stream(response, chunks, "data: [DONE]\n\n");
    }

    /** Server-sent events, one flushed write per chunk, so that a client sees each as it is written. */
    private static void stream(final ServerResponse response, final List<ObjectNode> chunks, final String last) {
        response.header(HeaderNames.CONTENT_TYPE, "text/event-stream");
        response.header(HeaderNames.CACHE_CONTROL, "no-cache");
        try (OutputStream out = response.outputStream()) {
            for (final ObjectNode chunk : chunks) {
                out.write(("data: " + chunk + "\n\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
            out.write(last.getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (final IOException | UncheckedIOException e) {
            LOG.debug("The client went away during a stream: {}", e.toString());
        }
    }

    private static int promptTokens(final JsonNode messages) {
        int tokens = 0;
        for (final JsonNode message : messages) {
            tokens += Tokens.count(message.path("content").asText());
        }
        return tokens;
    }

    static void send(final ServerResponse response, final int status, final byte[] body) {
        response.status(Status.create(status));
        response.header(HeaderNames.CONTENT_TYPE, "application/json");
        response.send(body);
    }
}
