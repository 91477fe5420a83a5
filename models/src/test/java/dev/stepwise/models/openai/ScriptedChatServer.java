package dev.stepwise.models.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * An OpenAI-compatible {@code /v1/chat/completions} stand-in on the JDK's HTTP server that answers from a script
 * and records every request. Replies are queued in order; an unscripted request gets a 500.
 */
final class ScriptedChatServer implements AutoCloseable {

    static {
        // Without it every call stalls ~40 ms on Nagle + delayed ACK (measured in the shared notes). Must be set
        // before the first HttpServer is created.
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A scripted reply. */
    record Reply(int status, Map<String, String> headers, String body, Duration delay) {
    }

    /** What a request carried. */
    record Request(JsonNode body, String authorization, String contentType) {
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool(runnable -> {
        final Thread thread = new Thread(runnable, "scripted-chat-server");
        thread.setDaemon(true);
        return thread;
    });
    private final Queue<Reply> replies = new ConcurrentLinkedQueue<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();

    ScriptedChatServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(executor);
        server.createContext("/v1/chat/completions", this::handle);
        server.start();
    }

    URI baseUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v1");
    }

    List<Request> requests() {
        return requests;
    }

    ScriptedChatServer reply(final int status, final String body, final Map<String, String> headers) {
        replies.add(new Reply(status, headers, body, Duration.ZERO));
        return this;
    }

    ScriptedChatServer replyLate(final Duration delay, final String body) {
        replies.add(new Reply(200, Map.of(), body, delay));
        return this;
    }

    ScriptedChatServer complete(final String content) {
        return reply(200, completion(content, 123), Map.of());
    }

    /** A chat-completion body as OpenAI and vLLM send it; {@code totalTokens} null leaves out usage. */
    static String completion(final String content, final Integer totalTokens) {
        return choices(List.of(content), totalTokens);
    }

    /** A body with one choice per content, in reverse index order (a server need not sort them). */
    static String choices(final List<String> contents, final Integer totalTokens) {
        final ObjectNode body = JSON.createObjectNode();
        body.put("id", "chatcmpl-1").put("object", "chat.completion").put("created", 1_700_000_000L).put("model", "m");
        final ArrayNode choices = body.putArray("choices");
        for (int i = contents.size() - 1; i >= 0; i--) {
            final ObjectNode choice = choices.addObject();
            choice.put("index", i);
            choice.putObject("message").put("role", "assistant").put("content", contents.get(i));
            choice.put("finish_reason", "stop");
            choice.putNull("stop_reason");
        }
        if (totalTokens != null) {
            body.putObject("usage").put("prompt_tokens", totalTokens - 10).put("completion_tokens", 10)
                    .put("total_tokens", totalTokens);
        }
        return body.toString();
    }

    /**
     * A verifier's reply whose first token is {@code verdict} ("Yes" or "No") with log-probabilities: P(" Yes") and
     * P("yes") make up {@code yes}, the rest goes to "No".
     */
    static String judgementWithLogprobs(final String content, final String verdict, final double yes) {
        final ObjectNode body = (ObjectNode) readTree(completion(content, 50));
        final ObjectNode choice = (ObjectNode) body.path("choices").get(0);
        final ArrayNode tokens = choice.putObject("logprobs").putArray("content");
        final ObjectNode first = tokens.addObject().put("token", verdict)
                .put("logprob", Math.log("Yes".equals(verdict) ? yes * 0.75 : 1 - yes));
        final ArrayNode top = first.putArray("top_logprobs");
        top.addObject().put("token", "Yes").put("logprob", Math.log(yes * 0.75));
        top.addObject().put("token", "No").put("logprob", Math.log(1 - yes));
        top.addObject().put("token", " yes").put("logprob", Math.log(yes * 0.25));
        tokens.addObject().put("token", "\n").put("logprob", -0.01).putArray("top_logprobs");
        return body.toString();
    }

    private static JsonNode readTree(final String json) {
        try {
            return JSON.readTree(json);
        } catch (final IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private void handle(final HttpExchange exchange) throws IOException {
        try (exchange) {
            requests.add(new Request(JSON.readTree(exchange.getRequestBody()),
                    exchange.getRequestHeaders().getFirst("Authorization"),
                    exchange.getRequestHeaders().getFirst("Content-Type")));
            final Reply reply = replies.poll();
            if (reply == null) {
                send(exchange, 500, "{\"error\":{\"message\":\"no scripted reply\"}}");
                return;
            }
            if (!reply.delay().isZero()) {
                try {
                    Thread.sleep(reply.delay());
                } catch (final InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            reply.headers().forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
            send(exchange, reply.status(), reply.body());
        }
    }

    private static void send(final HttpExchange exchange, final int status, final String body) throws IOException {
        final byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            exchange.getResponseBody().write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
