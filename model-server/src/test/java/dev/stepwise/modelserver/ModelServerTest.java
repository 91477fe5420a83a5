package dev.stepwise.modelserver;

import static dev.stepwise.modelserver.ChatRequests.body;
import static dev.stepwise.modelserver.ChatRequests.json;
import static dev.stepwise.modelserver.ChatRequests.params;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stepwise.models.synthetic.SyntheticTaskSuite;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The server over HTTP, with the JDK's client: what an OpenAI-compatible client sees. */
@Timeout(60)
class ModelServerTest {

    private static final String PROBLEM = "compute (3*4+5)*2 mod 7";

    static ModelServer start(final String... settings) {
        // An exact stand-in unless a test asks for fallibility.
        final Map<String, String> values = new HashMap<>(Map.of(ModelServerConfig.PORT, "0",
                "synthetic.step.error.rate", "0", "synthetic.reviser.error.rate", "0"));
        for (int i = 0; i < settings.length; i += 2) {
            values.put(settings[i], settings[i + 1]);
        }
        return ModelServer.start(new ModelServerConfig(values));
    }

    private static JsonNode propose(final ChatRequests client, final Map<String, Object> params) {
        final HttpResponse<String> response = client.post(body(ChatRequests.PROPOSER,
                ChatRequests.proposeMessage(PROBLEM, List.of()), params));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json(response);
    }

    @Test
    void listsTheOneModelItServes() throws Exception {
        try (ModelServer server = start(); ChatRequests client = new ChatRequests(server.baseUrl())) {
            final JsonNode models = json(client.get("/models", Map.of()));
            assertThat(models.path("object").asText()).isEqualTo("list");
            assertThat(models.path("data")).singleElement()
                    .satisfies(model -> assertThat(model.path("id").asText()).isEqualTo("synthetic/serial-v1"));
        }
    }

    @Test
    void aProposerPromptGetsNChoicesAsSentencesWithTheSuitesSteps() {
        try (ModelServer server = start(); ChatRequests client = new ChatRequests(server.baseUrl())) {
            final JsonNode reply = propose(client, params("n", 3, "seed", 7));
            assertThat(reply.path("object").asText()).isEqualTo("chat.completion");
            assertThat(reply.path("choices")).hasSize(3).allSatisfy(choice -> {
                assertThat(choice.path("message").path("content").asText())
                        .isEqualTo("We compute 3*4 = 12 = 5 (mod 7), and so the state is: now (5+5)*2 mod 7.");
                assertThat(choice.path("finish_reason").asText()).isEqualTo("stop");
            });
            assertThat(reply.path("usage").path("total_tokens").asInt()).isEqualTo(
                    reply.path("usage").path("prompt_tokens").asInt() + reply.path("usage").path("completion_tokens").asInt());
            assertThat(propose(client, params("n", 3, "seed", 7)).path("choices")).as("the same seed, the same samples")
                    .isEqualTo(reply.path("choices"));
        }
    }

    @Test
    void theSuitesFallibilityShowsAcrossSamples() {
        try (ModelServer server = start("synthetic.step.error.rate", "0.5");
             ChatRequests client = new ChatRequests(server.baseUrl())) {
            final List<String> texts = new ArrayList<>();
            propose(client, params("n", 40, "seed", 1)).path("choices")
                    .forEach(choice -> texts.add(choice.path("message").path("content").asText()));
            assertThat(texts.stream().distinct().count()).as("right and wrong steps").isGreaterThan(1);
            assertThat(texts).contains("We compute 3*4 = 12 = 5 (mod 7), and so the state is: now (5+5)*2 mod 7.");
        }
    }

    @Test
    void aVerifierPromptGetsYesOrNoWithLogprobsThatCarryItsConfidence() {
        try (ModelServer server = start(); ChatRequests client = new ChatRequests(server.baseUrl())) {
            final String right = "We compute 3*4 = 12 = 5 (mod 7), and so the state is: now (5+5)*2 mod 7.";
            final String wrong = "We compute 3*4 = 12 = 5 (mod 7), and so the state is: now (5+6)*2 mod 7.";
            for (final String step : List.of(right, wrong)) {
                final HttpResponse<String> response = client.post(body(ChatRequests.VERIFIER,
                        ChatRequests.verifyMessage(PROBLEM, List.of(), step), params("logprobs", true, "top_logprobs", 3)));
                final JsonNode choice = json(response).path("choices").path(0);
                final String content = choice.path("message").path("content").asText();
                final JsonNode verdict = choice.path("logprobs").path("content").path(0);
                final double yes = Math.exp(verdict.path("top_logprobs").findValues("token").get(0).asText().equals("Yes")
                        ? verdict.path("top_logprobs").path(0).path("logprob").asDouble()
                        : verdict.path("top_logprobs").path(1).path("logprob").asDouble());
                assertThat(verdict.path("top_logprobs")).hasSize(3);
                if (step.equals(right)) {
                    assertThat(content).startsWith("Yes\nSCORE: ");
                    assertThat(verdict.path("token").asText()).isEqualTo("Yes");
                    assertThat(yes).isBetween(0.85, 0.98);
                } else {
                    assertThat(content).startsWith("No\nSCORE: ").contains("the step says now (5+6)*2 mod 7");
                    assertThat(verdict.path("token").asText()).isEqualTo("No");
                    assertThat(yes).isBetween(0.02, 0.15);
                }
                final double written = Double.parseDouble(content.lines().toList().get(1).substring("SCORE: ".length()));
                assertThat(written).isCloseTo(yes, within(0.005));
            }
        }
    }

    @Test
    void aStreamSendsEveryTokenAsAChunkPerChoiceThenUsageThenDone() throws IOException {
        try (ModelServer server = start(); ChatRequests client = new ChatRequests(server.baseUrl())) {
            final JsonNode whole = propose(client, params("n", 2, "seed", 3));
            final HttpResponse<String> response = client.post(body(ChatRequests.PROPOSER,
                    ChatRequests.proposeMessage(PROBLEM, List.of()), params("n", 2, "seed", 3, "stream", true,
                            "stream_options", Map.of("include_usage", true))));
            assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("text/event-stream"));
            final ChatRequests.Events events = ChatRequests.Events.of(response.body());
            assertThat(events.done()).isTrue();
            final StringBuilder[] texts = {new StringBuilder(), new StringBuilder()};
            for (final JsonNode chunk : events.chunks()) {
                assertThat(chunk.path("object").asText()).isEqualTo("chat.completion.chunk");
                chunk.path("choices").forEach(choice -> texts[choice.path("index").asInt()]
                        .append(choice.path("delta").path("content").asText("")));
            }
            assertThat(events.chunks().size()).as("more than one chunk per choice").isGreaterThan(6);
            assertThat(texts[0].toString()).isEqualTo(whole.path("choices").path(0).path("message").path("content").asText());
            assertThat(texts[1].toString()).isEqualTo(whole.path("choices").path(1).path("message").path("content").asText());
            assertThat(events.chunks().getLast().path("usage").path("completion_tokens").asInt())
                    .isEqualTo(whole.path("usage").path("completion_tokens").asInt());
        }
    }

    @Test
    void injectedFaultsAreTheStatusesAndBodiesARealServerSends() throws IOException {
        try (ModelServer errors = start(ModelServerConfig.FAULT_SERVER_ERROR_RATE, "1");
             ModelServer limited = start(ModelServerConfig.FAULT_RATE_LIMIT_RATE, "1",
                     ModelServerConfig.FAULT_RETRY_AFTER_S, "7");
             ModelServer malformed = start(ModelServerConfig.FAULT_MALFORMED_RATE, "1")) {
            final var message = body(ChatRequests.PROPOSER, ChatRequests.proposeMessage(PROBLEM, List.of()), Map.of());
            try (ChatRequests client = new ChatRequests(errors.baseUrl())) {
                final HttpResponse<String> response = client.post(message);
                assertThat(response.statusCode()).isEqualTo(500);
                assertThat(json(response).path("error").path("type").asText()).isEqualTo("server_error");
            }
            try (ChatRequests client = new ChatRequests(limited.baseUrl())) {
                final HttpResponse<String> response = client.post(message);
                assertThat(response.statusCode()).isEqualTo(429);
                assertThat(response.headers().firstValue("Retry-After")).contains("7");
                assertThat(json(response).path("error").path("code").asText()).isEqualTo("rate_limit_exceeded");
            }
            try (ChatRequests client = new ChatRequests(malformed.baseUrl())) {
                final HttpResponse<String> response = client.post(message);
                assertThat(response.statusCode()).isEqualTo(200);
                assertThatThrownBy(() -> ChatRequests.JSON.readTree(response.body())).isInstanceOf(IOException.class);
            }
        }
    }

    @Test
    void aTimeoutFaultHoldsTheRequestThenAnswers504() {
        try (ModelServer server = start(ModelServerConfig.FAULT_TIMEOUT_RATE, "1", ModelServerConfig.FAULT_TIMEOUT_MS, "400");
             ChatRequests client = new ChatRequests(server.baseUrl())) {
            final var message = body(ChatRequests.PROPOSER, ChatRequests.proposeMessage(PROBLEM, List.of()), Map.of());
            assertThatThrownBy(() -> client.post(message, Map.of(), Duration.ofMillis(100)))
                    .hasCauseInstanceOf(HttpTimeoutException.class);
            final long start = System.nanoTime();
            assertThat(client.post(message).statusCode()).isEqualTo(504);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(400));
        }
    }

    @Test
    void aConstantLatencyDelaysEveryReply() {
        try (ModelServer server = start(ModelServerConfig.LATENCY_MS, "150");
             ChatRequests client = new ChatRequests(server.baseUrl())) {
            final long start = System.nanoTime();
            propose(client, Map.of());
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(150));
        }
    }

    @Test
    void requestsARealServerWouldRefuseGetItsErrors() throws Exception {
        try (ModelServer server = start(ModelServerConfig.API_KEY, "sk-test", ModelServerConfig.MAX_N, "2");
             ChatRequests client = new ChatRequests(server.baseUrl())) {
            final var message = body(ChatRequests.PROPOSER, ChatRequests.proposeMessage(PROBLEM, List.of()), Map.of());
            final Map<String, String> key = Map.of("Authorization", "Bearer sk-test");
            assertThat(client.post(message).statusCode()).isEqualTo(401);
            assertThat(client.get("/models", Map.of()).statusCode()).isEqualTo(401);
            assertThat(client.post(message, key, Duration.ofSeconds(5)).statusCode()).isEqualTo(200);

            final HttpResponse<String> tooMany = client.post(body(ChatRequests.PROPOSER,
                    ChatRequests.proposeMessage(PROBLEM, List.of()), params("n", 3)), key, Duration.ofSeconds(5));
            assertThat(tooMany.statusCode()).isEqualTo(400);
            assertThat(json(tooMany).path("error").path("param").asText()).isEqualTo("n");

            final var otherModel = message.deepCopy().put("model", "gpt-4o");
            assertThat(json(client.post(otherModel, key, Duration.ofSeconds(5))).path("error").path("code").asText())
                    .isEqualTo("model_not_found");

            final HttpResponse<String> chat = client.post(body("You are a helpful assistant.", "Hello!", Map.of()), key,
                    Duration.ofSeconds(5));
            assertThat(chat.statusCode()).isEqualTo(400);
            assertThat(json(chat).path("error").path("message").asText()).contains("not a language model");

            final HttpResponse<String> poem = client.post(body(ChatRequests.PROPOSER,
                    ChatRequests.proposeMessage("write a poem about Kafka", List.of()), Map.of()), key, Duration.ofSeconds(5));
            assertThat(poem.statusCode()).isEqualTo(400);
            assertThat(json(poem).path("error").path("message").asText()).contains("compute");
        }
    }

    @Test
    void aServerThatTruncatesNReturnsFewerChoicesLikeOllama() {
        try (ModelServer server = start(ModelServerConfig.MAX_N, "1", ModelServerConfig.N_OVER_MAX, "truncate");
             ChatRequests client = new ChatRequests(server.baseUrl())) {
            assertThat(propose(client, params("n", 4)).path("choices")).hasSize(1);
        }
    }

    @Test
    void aWholeChainOfProposalsReachesTheSuitesAnswer() {
        try (ModelServer server = start(); ChatRequests client = new ChatRequests(server.baseUrl())) {
            final List<String> steps = new ArrayList<>();
            String last = "";
            while (!last.contains("ANSWER:") && steps.size() < 10) {
                final HttpResponse<String> response = client.post(body(ChatRequests.PROPOSER,
                        ChatRequests.proposeMessage(PROBLEM, steps), Map.of()));
                last = json(response).path("choices").path(0).path("message").path("content").asText();
                steps.add(last);
            }
            assertThat(last).endsWith("\nANSWER: " + SyntheticTaskSuite.solve(PROBLEM));
            assertThat(steps).hasSize(3);
        }
    }
}
