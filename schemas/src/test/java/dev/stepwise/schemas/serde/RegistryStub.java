package dev.stepwise.schemas.serde;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A scripted HTTP server standing in for a Confluent-compatible registry: it records every request
 * and answers with the responses queued by the test, in order (500 when the script has run out).
 */
final class RegistryStub implements AutoCloseable {

    static {
        // Without it the JDK server delays small responses (Nagle), which adds ~40 ms per exchange.
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    /** One request as the stub received it. */
    record Request(String method, String rawPath, String contentType, String authorization, String body) {
    }

    /** A queued answer; when {@code hold} is set, the stub waits for it before answering (to force a client timeout). */
    private record Response(int status, String body, CountDownLatch hold) {
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final Deque<Response> script = new ArrayDeque<>();
    private final CountDownLatch release = new CountDownLatch(1);

    RegistryStub() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    /** Base URL of the stub, e.g. {@code http://127.0.0.1:40123}. */
    URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    RegistryStub respond(final int status, final String body) {
        synchronized (script) {
            script.add(new Response(status, body, null));
        }
        return this;
    }

    /** The next request gets no answer until the stub is closed, so the client's request times out. */
    RegistryStub hang() {
        synchronized (script) {
            script.add(new Response(500, "{}", release));
        }
        return this;
    }

    List<Request> requests() {
        return List.copyOf(requests);
    }

    Request onlyRequest() {
        if (requests.size() != 1) {
            throw new AssertionError("expected exactly one request, got " + requests);
        }
        return requests.get(0);
    }

    private void handle(final HttpExchange exchange) throws IOException {
        try (exchange) {
            final String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            requests.add(new Request(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
                    exchange.getRequestHeaders().getFirst("Content-Type"),
                    exchange.getRequestHeaders().getFirst("Authorization"), body));
            final Response response;
            synchronized (script) {
                response = script.isEmpty()
                        ? new Response(500, "{\"error_code\":50001,\"message\":\"stub has no scripted answer\"}", null)
                        : script.poll();
            }
            if (response.hold() != null) {
                try {
                    response.hold().await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            final byte[] bytes = response.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", ConfluentSchemaRegistryClient.CONTENT_TYPE);
            exchange.sendResponseHeaders(response.status(), bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            }
        } catch (IOException e) {
            // The client gave up on a held request; nothing to answer.
        }
    }

    @Override
    public void close() {
        release.countDown();
        server.stop(0);
        executor.shutdownNow();
    }
}
