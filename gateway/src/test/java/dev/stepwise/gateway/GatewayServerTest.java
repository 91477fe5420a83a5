package dev.stepwise.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stepwise.client.ProgressListener;
import dev.stepwise.schemas.avro.AnswerPublished;
import dev.stepwise.schemas.avro.SearchAction;
import dev.stepwise.schemas.avro.SearchDecision;
import dev.stepwise.schemas.avro.SearchProgress;
import dev.stepwise.search.strategy.StrategyRegistry;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The HTTP surface over a fake Stepwise: status codes, error objects, headers and stream framing. */
@Timeout(60)
class GatewayServerTest {

    private static final String ASK = "{\"model\": \"stepwise\", \"messages\": [{\"role\": \"user\", \"content\": \"square 3 repeatedly 2 times mod 7\"}]";

    private final FakePrompts prompts = new FakePrompts();
    private final HttpClient http = HttpClient.newHttpClient();
    private GatewayServer server;

    private GatewayServer start(final Map<String, Object> overrides) {
        final Map<String, Object> config = new java.util.HashMap<>(Map.of(GatewayConfig.PORT, 0));
        config.putAll(overrides);
        server = GatewayServer.start(new GatewayConfig(config), prompts);
        return server;
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private HttpResponse<String> post(final String path, final String body, final String... headers) throws Exception {
        return http.send(request(path, body, headers), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest request(final String path, final String body, final String... headers) {
        final HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.baseUrl() + path))
                .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json");
        if (headers.length > 0) {
            b.headers(headers);
        }
        return b.build();
    }

    private static JsonNode json(final HttpResponse<String> r) throws Exception {
        return Jsons.MAPPER.readTree(r.body());
    }

    static AnswerPublished answer(final String promptId, final String value, final String error, final String stopCause) {
        return AnswerPublished.newBuilder().setPromptId(promptId).setAnswer(value).setSummary("Answer " + value + " from 2 chains.")
                .setModelCalls(40).setTokens(1234).setLatencyMs(10).setStrategy("beam").setError(error)
                .setStopCause(stopCause).setAnsweredAt(Instant.now()).build();
    }

    static SearchDecision decision(final String promptId, final int sequence, final int depth) {
        return SearchDecision.newBuilder().setPromptId(promptId).setSequence(sequence).setAction(SearchAction.KEEP)
                .setReason("kept step 'x1 = 9 = 2 (mod 7)'").setDecidedAt(Instant.now())
                .setProgress(SearchProgress.newBuilder().setDepth(depth).setChainsAlive(2).setModelCalls(6 * depth)
                        .setTokens(100L * depth).build()).build();
    }

    @Test
    void modelsAreListedFromTheStrategyRegistry() throws Exception {
        start(Map.of());
        final HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/models")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(r.statusCode()).isEqualTo(200);
        final List<String> ids = new ArrayList<>();
        json(r).get("data").forEach(m -> ids.add(m.get("id").asText()));
        assertThat(ids).isEqualTo(ModelCatalog.standard().ids()).contains("stepwise", "stepwise-beam");
    }

    @Test
    void aPlainCompletionCarriesTheAnswerThePromptIdAndTheChainsTokensAsReasoningTokens() throws Exception {
        start(Map.of());
        final CompletableFuture<HttpResponse<String>> pending = http.sendAsync(request("/chat/completions", ASK + "}"),
                HttpResponse.BodyHandlers.ofString());
        final FakePrompts.Submitted s = prompts.next();
        s.answer().complete(answer(s.prompt().getPromptId(), "4", null, "enough-finished"));
        final HttpResponse<String> r = pending.get(10, TimeUnit.SECONDS);

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-stepwise-prompt-id")).hasValue(s.prompt().getPromptId());
        final JsonNode body = json(r);
        assertThat(body.get("id").asText()).isEqualTo("chatcmpl-" + s.prompt().getPromptId());
        assertThat(body.at("/choices/0/message/content").asText()).isEqualTo("4");
        assertThat(body.at("/choices/0/message/reasoning_content").asText()).isEqualTo("Answer 4 from 2 chains.");
        assertThat(body.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        assertThat(body.at("/usage/completion_tokens_details/reasoning_tokens").asLong()).isEqualTo(1234);
        assertThat(body.at("/usage/completion_tokens").asLong()).isEqualTo(1235);
    }

    @Test
    void aStreamSendsProgressAsReasoningThenTheAnswerThenUsageAndNeverTheReasons() throws Exception {
        start(Map.of());
        final CompletableFuture<HttpResponse<InputStream>> pending = http.sendAsync(request("/chat/completions",
                ASK + ", \"stream\": true, \"stream_options\": {\"include_usage\": true}}"), HttpResponse.BodyHandlers.ofInputStream());
        final FakePrompts.Submitted s = prompts.next();
        final HttpResponse<InputStream> r = pending.get(10, TimeUnit.SECONDS);
        assertThat(r.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
        final BufferedReader lines = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8));
        final List<JsonNode> chunks = new ArrayList<>();

        // Role and opening line come before any progress, then each progress value as it happens.
        readChunks(lines, chunks, 2);
        final ProgressListener listener = s.listener();
        listener.onProgress(dev.stepwise.client.Progress.of(decision(s.prompt().getPromptId(), 0, 1)));
        readChunks(lines, chunks, 3);
        assertThat(chunks.get(2).at("/choices/0/delta/reasoning_content").asText()).startsWith("depth 1: 2 chains alive");
        listener.onProgress(dev.stepwise.client.Progress.of(decision(s.prompt().getPromptId(), 1, 2)));
        s.answer().complete(answer(s.prompt().getPromptId(), "4", null, "enough-finished"));
        String line;
        final List<String> data = new ArrayList<>();
        while ((line = lines.readLine()) != null) {
            if (line.startsWith("data: ")) {
                data.add(line.substring(6));
            }
        }
        assertThat(data.get(data.size() - 1)).isEqualTo("[DONE]");
        for (String d : data.subList(0, data.size() - 1)) {
            chunks.add(Jsons.MAPPER.readTree(d));
        }

        assertThat(chunks.get(0).at("/choices/0/delta/role").asText()).isEqualTo("assistant");
        assertThat(chunks.get(1).at("/choices/0/delta/reasoning_content").asText()).startsWith("Searching with " + StrategyRegistry.standard().defaultName());
        final List<String> reasoning = new ArrayList<>();
        final List<String> content = new ArrayList<>();
        chunks.forEach(c -> {
            c.at("/choices/0/delta/reasoning_content").asText("");
            if (c.at("/choices/0/delta/reasoning_content").isTextual()) {
                reasoning.add(c.at("/choices/0/delta/reasoning_content").asText());
            }
            if (c.at("/choices/0/delta/content").isTextual() && !c.at("/choices/0/delta/content").asText().isEmpty()) {
                content.add(c.at("/choices/0/delta/content").asText());
            }
        });
        assertThat(String.join("", reasoning)).contains("depth 2: 2 chains alive").contains("Answer 4 from 2 chains.")
                .doesNotContain("kept step").doesNotContain("x1 = 9");
        assertThat(content).containsExactly("4");
        final JsonNode usage = chunks.get(chunks.size() - 1);
        assertThat(usage.get("choices")).isEmpty();
        assertThat(usage.at("/usage/completion_tokens_details/reasoning_tokens").asLong()).isEqualTo(1234);
        assertThat(chunks.get(chunks.size() - 2).at("/choices/0/finish_reason").asText()).isEqualTo("stop");
    }

    private static void readChunks(final BufferedReader lines, final List<JsonNode> chunks, final int until) throws Exception {
        while (chunks.size() < until) {
            final String line = lines.readLine();
            if (line.startsWith("data: ")) {
                chunks.add(Jsons.MAPPER.readTree(line.substring(6)));
            }
        }
    }

    @Test
    void aClientThatDisconnectsMidStreamCancelsItsPrompt() throws Exception {
        start(Map.of());
        final String body = ASK + ", \"stream\": true}";
        final FakePrompts.Submitted s;
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            final OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body)
                    .getBytes(StandardCharsets.UTF_8));
            out.flush();
            s = prompts.next();
            final BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            assertThat(in.readLine()).startsWith("HTTP/1.1 200");
        }

        await().atMost(Duration.ofSeconds(15)).until(() -> !prompts.cancelled.isEmpty());
        assertThat(prompts.cancelled).singleElement().asString()
                .isEqualTo(s.prompt().getPromptId() + ": the client disconnected");
        await().atMost(Duration.ofSeconds(5)).until(() -> server.inFlight() == 0);
    }

    @Test
    void aRejectedPromptIsAFourHundredAndAFailedSearchAFiveOhTwoNotToBeRetried() throws Exception {
        start(Map.of());
        CompletableFuture<HttpResponse<String>> pending = http.sendAsync(request("/chat/completions", ASK + "}"),
                HttpResponse.BodyHandlers.ofString());
        FakePrompts.Submitted s = prompts.next();
        s.answer().complete(answer(s.prompt().getPromptId(), null, "Budget out of range", "rejected"));
        HttpResponse<String> r = pending.get(10, TimeUnit.SECONDS);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(json(r).at("/error/code").asText()).isEqualTo("prompt_rejected");
        assertThat(json(r).at("/error/message").asText()).isEqualTo("Budget out of range");

        pending = http.sendAsync(request("/chat/completions", ASK + "}"), HttpResponse.BodyHandlers.ofString());
        s = prompts.next();
        s.answer().complete(answer(s.prompt().getPromptId(), null, "The synthetic backend cannot parse this", "error"));
        r = pending.get(10, TimeUnit.SECONDS);
        assertThat(r.statusCode()).isEqualTo(502);
        assertThat(r.headers().firstValue("x-should-retry")).hasValue("false");
        assertThat(json(r).at("/error/type").asText()).isEqualTo("server_error");
    }

    @Test
    void apiKeysAreRequiredWhenConfigured() throws Exception {
        start(Map.of(GatewayConfig.API_KEYS, "k1, k2"));

        assertThat(post("/chat/completions", ASK + "}").statusCode()).isEqualTo(401);
        final HttpResponse<String> wrong = post("/chat/completions", ASK + "}", "Authorization", "Bearer nope");
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(json(wrong).at("/error/code").asText()).isEqualTo("invalid_api_key");
        assertThat(post("/chat/completions", "{}", "Authorization", "Bearer k2").statusCode()).as("past the key check").isEqualTo(400);
    }

    @Test
    void aBodyOverTheLimitIsAFourThirteen() throws Exception {
        start(Map.of(GatewayConfig.MAX_BODY_BYTES, 1024));

        final HttpResponse<String> r = post("/chat/completions", ASK + ", \"user\": \"" + "x".repeat(2000) + "\"}");

        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(json(r).at("/error/code").asText()).isEqualTo("request_too_large");
    }

    @Test
    void overTheInFlightLimitIsAFourTwentyNineWithRetryAfter() throws Exception {
        start(Map.of(GatewayConfig.MAX_IN_FLIGHT, 1));
        final CompletableFuture<HttpResponse<String>> first = http.sendAsync(request("/chat/completions", ASK + "}"),
                HttpResponse.BodyHandlers.ofString());
        final FakePrompts.Submitted s = prompts.next();

        final HttpResponse<String> second = post("/chat/completions", ASK + "}");

        assertThat(second.statusCode()).isEqualTo(429);
        assertThat(second.headers().firstValue("retry-after")).hasValue("1");
        assertThat(json(second).at("/error/code").asText()).isEqualTo("rate_limit_exceeded");
        s.answer().complete(answer(s.prompt().getPromptId(), "4", null, "enough-finished"));
        assertThat(first.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    }

    @Test
    void badJsonAndUnknownPathsAreOpenAiErrors() throws Exception {
        start(Map.of());

        final HttpResponse<String> bad = post("/chat/completions", "{not json");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(json(bad).at("/error/code").asText()).isEqualTo("invalid_json");
        final HttpResponse<String> unknown = post("/embeddings", "{}");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(json(unknown).at("/error/type").asText()).isEqualTo("invalid_request_error");
    }

    @Test
    void aPlainResponseHasAReasoningItemWhoseSummaryIsTheVisibleSummary() throws Exception {
        start(Map.of());
        final CompletableFuture<HttpResponse<String>> pending = http.sendAsync(request("/responses",
                "{\"model\": \"stepwise\", \"input\": \"q\", \"reasoning\": {\"effort\": \"low\", \"summary\": \"auto\"}}"),
                HttpResponse.BodyHandlers.ofString());
        final FakePrompts.Submitted s = prompts.next();
        assertThat(s.prompt().getBudget().getMaxModelCalls()).isEqualTo(Effort.LOW.maxModelCalls());
        s.answer().complete(answer(s.prompt().getPromptId(), "4", null, "enough-finished"));
        final JsonNode body = json(pending.get(10, TimeUnit.SECONDS));

        assertThat(body.get("id").asText()).isEqualTo("resp_" + s.prompt().getPromptId());
        assertThat(body.get("status").asText()).isEqualTo("completed");
        assertThat(body.at("/output/0/type").asText()).isEqualTo("reasoning");
        assertThat(body.at("/output/0/summary/0/text").asText()).isEqualTo("Answer 4 from 2 chains.");
        assertThat(body.at("/output/1/content/0/text").asText()).isEqualTo("4");
        assertThat(body.at("/usage/output_tokens_details/reasoning_tokens").asLong()).isEqualTo(1234);
    }

    @Test
    void aResponsesStreamFollowsOpenAisEventOrder() throws Exception {
        start(Map.of());
        final CompletableFuture<HttpResponse<String>> pending = http.sendAsync(request("/responses",
                "{\"input\": \"q\", \"stream\": true}"), HttpResponse.BodyHandlers.ofString());
        final FakePrompts.Submitted s = prompts.next();
        s.listener().onProgress(dev.stepwise.client.Progress.of(decision(s.prompt().getPromptId(), 0, 1)));
        s.answer().complete(answer(s.prompt().getPromptId(), "4", null, "enough-finished"));
        final String body = pending.get(10, TimeUnit.SECONDS).body();

        final List<String> events = new ArrayList<>();
        int sequence = 0;
        for (String line : body.split("\n")) {
            if (line.startsWith("event: ")) {
                events.add(line.substring(7));
            } else if (line.startsWith("data: ")) {
                final JsonNode data = Jsons.MAPPER.readTree(line.substring(6));
                assertThat(data.get("type").asText()).isEqualTo(events.get(events.size() - 1));
                assertThat(data.get("sequence_number").asInt()).isEqualTo(sequence++);
            }
        }
        assertThat(events).containsSubsequence("response.created", "response.in_progress", "response.output_item.added",
                "response.reasoning_summary_part.added", "response.reasoning_summary_text.delta",
                "response.reasoning_summary_text.done", "response.reasoning_summary_part.done",
                "response.output_item.done", "response.output_item.added", "response.content_part.added",
                "response.output_text.delta", "response.output_text.done", "response.content_part.done",
                "response.output_item.done", "response.completed");
        assertThat(body).contains("depth 1: 2 chains alive").doesNotContain("kept step");
    }
}
