package dev.stepwise.modelserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Raw requests to a model server with the JDK's HttpClient, with the prompts Stepwise's OpenAI backend writes
 * (the same text as models/openai/ChatPrompts; the backend tests check the two agree).
 */
final class ChatRequests implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String PROPOSER = "You are the proposer in a step-by-step reasoning search. Write ONLY the next step.";
    static final String VERIFIER = "You are the verifier in a step-by-step reasoning search. Reply with Yes or No.";

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final URI baseUrl;

    ChatRequests(final URI baseUrl) {
        this.baseUrl = baseUrl;
    }

    /** A proposer's user message for a problem and the steps so far (sentences as the server writes them). */
    static String proposeMessage(final String problem, final List<String> steps) {
        return context(problem, steps, "Steps so far") + "Write step " + (steps.size() + 1) + ".";
    }

    static String verifyMessage(final String problem, final List<String> steps, final String step) {
        return context(problem, steps, "Steps before") + "Step to judge:\n" + step;
    }

    private static String context(final String problem, final List<String> steps, final String heading) {
        final StringBuilder text = new StringBuilder("Problem:\n").append(problem).append("\n\n").append(heading).append(":\n");
        if (steps.isEmpty()) {
            text.append("(none yet)\n");
        }
        for (int i = 0; i < steps.size(); i++) {
            text.append("Step ").append(i + 1).append(": ").append(steps.get(i)).append('\n');
        }
        return text.append('\n').toString();
    }

    static ObjectNode body(final String system, final String user, final Map<String, Object> more) {
        final ObjectNode body = JSON.createObjectNode().put("model", ModelServerConfig.DEFAULT_MODEL);
        body.putArray("messages").add(JSON.createObjectNode().put("role", "system").put("content", system))
                .add(JSON.createObjectNode().put("role", "user").put("content", user));
        more.forEach((key, value) -> body.set(key, JSON.valueToTree(value)));
        return body;
    }

    static Map<String, Object> params(final Object... pairs) {
        final Map<String, Object> params = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            params.put((String) pairs[i], pairs[i + 1]);
        }
        return params;
    }

    HttpResponse<String> post(final ObjectNode body, final Map<String, String> headers, final Duration timeout) {
        final HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + "/chat/completions"))
                .timeout(timeout).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
        headers.forEach(request::header);
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    HttpResponse<String> post(final ObjectNode body) {
        return post(body, Map.of(), Duration.ofSeconds(20));
    }

    HttpResponse<String> get(final String path, final Map<String, String> headers) throws IOException, InterruptedException {
        final HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path)).GET();
        headers.forEach(request::header);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode json(final HttpResponse<String> response) {
        try {
            return JSON.readTree(response.body());
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The JSON of every {@code data:} event of a stream, and whether it ended with {@code [DONE]}. */
    record Events(List<JsonNode> chunks, boolean done) {
        static Events of(final String body) throws IOException {
            final List<JsonNode> chunks = new ArrayList<>();
            boolean done = false;
            for (final String event : body.split("\n\n")) {
                if (!event.startsWith("data: ")) {
                    continue;
                }
                final String data = event.substring("data: ".length()).strip();
                if ("[DONE]".equals(data)) {
                    done = true;
                } else {
                    chunks.add(JSON.readTree(data));
                }
            }
            return new Events(chunks, done);
        }
    }

    @Override
    public void close() {
        http.close();
    }
}
