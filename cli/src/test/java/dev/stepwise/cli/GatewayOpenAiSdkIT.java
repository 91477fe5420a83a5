package dev.stepwise.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.OpenAIServiceException;
import com.openai.errors.RateLimitException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.ReasoningEffort;
import com.openai.models.Reasoning;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseOutputItem;
import com.openai.models.responses.ResponseStreamEvent;
import dev.stepwise.client.ClientSettings;
import dev.stepwise.client.ProgressListener;
import dev.stepwise.client.StepwiseClient;
import dev.stepwise.gateway.GatewayConfig;
import dev.stepwise.infra.testing.SharedInfra;
import dev.stepwise.models.synthetic.SyntheticTaskSuite;
import dev.stepwise.schemas.avro.AnswerPublished;
import dev.stepwise.schemas.config.CommonConfig;
import dev.stepwise.schemas.topics.Topics;
import dev.stepwise.topology.TopologyConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The gateway as its users call it: the official OpenAI Java SDK against a gateway on a real stack (the shared
 * broker and registry, the topology, one synthetic agent of each kind). One stack for the class; a second
 * gateway beside the first, with tight limits, for the 413 and 429 cases.
 */
@ExtendWith(SharedInfra.class)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class GatewayOpenAiSdkIT {

    private static final String KEY = "sk-stepwise-test";
    private static final String SIXTEEN_STEPS = "square 3 repeatedly 16 times mod 1009";
    private static final String TEN_STEPS = "square 5 repeatedly 10 times mod 101";

    private static StepwiseStack stack;
    private static Path stateDir;
    private static String gateway;
    private static String tightGateway;
    private static OpenAIClient openai;

    @BeforeAll
    static void startStackAndGateways() throws Exception {
        final Topics topics = SharedInfra.freshTopics("gateway-sdk");
        stateDir = Files.createTempDirectory("gateway-sdk-it");
        stack = StepwiseStack.start(Map.of(
                CommonConfig.BOOTSTRAP_SERVERS, SharedInfra.bootstrapServers(),
                CommonConfig.SCHEMA_REGISTRY_URL, SharedInfra.registryUrl(),
                CommonConfig.TOPIC_PREFIX, topics.prefix(),
                CommonConfig.TOPIC_PARTITIONS, Integer.toString(topics.partitions()),
                CommonConfig.TOPIC_AGENT_PARTITIONS, Integer.toString(topics.agentPartitions()),
                TopologyConfig.APPLICATION_ID, SharedInfra.uniqueName("gateway-sdk"),
                TopologyConfig.STATE_DIR, stateDir.toString()), new StackOptions(), StepwiseStack.Parts.all(1, 1, 1));
        gateway = stack.startGateway(Map.of(GatewayConfig.PORT, "0", GatewayConfig.API_KEYS, KEY));
        tightGateway = stack.startGateway(Map.of(GatewayConfig.PORT, "0", GatewayConfig.MAX_IN_FLIGHT, "1",
                GatewayConfig.MAX_BODY_BYTES, "1024"));
        openai = client(gateway, KEY);
        // The SDK's first call loads some thousand classes; keep that out of the timings below.
        assertThat(openai.models().list().data()).extracting(m -> m.id()).contains("stepwise", "stepwise-beam");
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    private static OpenAIClient client(final String baseUrl, final String key) {
        return OpenAIOkHttpClient.builder().baseUrl(baseUrl).apiKey(key).maxRetries(0).timeout(Duration.ofMinutes(2)).build();
    }

    private static ChatCompletionCreateParams.Builder ask(final String text) {
        return ChatCompletionCreateParams.builder().model("stepwise").addSystemMessage("Answer with the number only.")
                .addUserMessage(text);
    }

    // reasoning_content is not in OpenAI's schema: the SDK reaches it only through _additionalProperties(), which
    // this SDK version marks deprecated.
    @SuppressWarnings("deprecation")
    @Test
    void aCompletionAnswersASyntheticProblemRightAndCountsTheChainAsReasoningTokens() {
        final ChatCompletion completion = openai.chat().completions().create(ask(TEN_STEPS).reasoningEffort(ReasoningEffort.HIGH)
                .safetyIdentifier("alice").build());

        assertThat(completion.choices().get(0).message().content()).hasValue(SyntheticTaskSuite.solve(TEN_STEPS));
        assertThat(completion.id()).startsWith("chatcmpl-");
        assertThat(completion.choices().get(0).message()._additionalProperties().get("reasoning_content"))
                .as("the visible summary").isNotNull();
        final long reasoning = completion.usage().orElseThrow().completionTokensDetails().orElseThrow().reasoningTokens().orElseThrow();
        assertThat(reasoning).isPositive();
        assertThat(completion.usage().orElseThrow().completionTokens()).isGreaterThan(reasoning);
    }

    @SuppressWarnings("deprecation")
    @Test
    void aStreamShowsProgressBeforeTheAnswerAndEndsWithUsage() {
        final long t0 = System.nanoTime();
        long openingMs = -1;
        long firstProgressMs = -1;
        long answerMs = -1;
        final List<String> reasoning = new ArrayList<>();
        final StringBuilder content = new StringBuilder();
        Long reasoningTokens = null;
        try (StreamResponse<ChatCompletionChunk> stream = openai.chat().completions().createStreaming(ask(SIXTEEN_STEPS)
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
            for (Iterator<ChatCompletionChunk> it = stream.stream().iterator(); it.hasNext();) {
                final ChatCompletionChunk chunk = it.next();
                final long ms = (System.nanoTime() - t0) / 1_000_000;
                if (chunk.usage().isPresent()) {
                    reasoningTokens = chunk.usage().get().completionTokensDetails().orElseThrow().reasoningTokens().orElseThrow();
                }
                if (chunk.choices().isEmpty()) {
                    continue;
                }
                final ChatCompletionChunk.Choice.Delta delta = chunk.choices().get(0).delta();
                final JsonValue text = delta._additionalProperties().get("reasoning_content");
                if (text != null) {
                    final String line = String.valueOf(text.asString().orElseThrow());
                    reasoning.add(line);
                    if (openingMs < 0) {
                        openingMs = ms;
                    } else if (firstProgressMs < 0 && line.startsWith("depth")) {
                        firstProgressMs = ms;
                    }
                }
                final Optional<String> c = delta.content();
                if (c.isPresent() && !c.get().isEmpty()) {
                    content.append(c.get());
                    answerMs = answerMs < 0 ? ms : answerMs;
                }
            }
        }
        // Measured, not asserted against a wall clock (a loaded 2-core machine); see the gateway README.
        System.out.printf("gateway stream, 16-step problem: opening line %d ms, first progress %d ms, answer %d ms, "
                + "%d reasoning chunks%n", openingMs, firstProgressMs, answerMs, reasoning.size());
        assertThat(content.toString()).isEqualTo(SyntheticTaskSuite.solve(SIXTEEN_STEPS));
        assertThat(firstProgressMs).as("progress arrived").isNotNegative().isLessThan(answerMs);
        assertThat(reasoning.stream().filter(l -> l.startsWith("depth")).count()).as("several progress updates").isGreaterThan(3);
        assertThat(String.join("", reasoning)).doesNotContain("ACCEPT").doesNotContain("REJECT").doesNotContain("now x");
        assertThat(reasoningTokens).isPositive();
    }

    @Test
    void aResponseCarriesTheVisibleSummaryAsItsReasoningSummary() {
        final Response response = openai.responses().create(ResponseCreateParams.builder().model("stepwise-beam")
                .input(TEN_STEPS).reasoning(Reasoning.builder().effort(ReasoningEffort.MEDIUM).summary(Reasoning.Summary.AUTO).build())
                .build());

        assertThat(response.id()).startsWith("resp_");
        final ResponseOutputItem reasoning = response.output().get(0);
        assertThat(reasoning.isReasoning()).isTrue();
        assertThat(reasoning.asReasoning().summary()).singleElement().satisfies(s -> assertThat(s.text()).isNotBlank());
        assertThat(response.output().get(1).asMessage().content().get(0).asOutputText().text())
                .isEqualTo(SyntheticTaskSuite.solve(TEN_STEPS));
        assertThat(response.usage().orElseThrow().outputTokensDetails().reasoningTokens()).isPositive();
    }

    @Test
    void aStreamedResponseSendsReasoningSummaryDeltasBeforeTheText() {
        final List<String> order = new ArrayList<>();
        try (StreamResponse<ResponseStreamEvent> stream = openai.responses().createStreaming(ResponseCreateParams.builder()
                .model("stepwise").input(TEN_STEPS).build())) {
            stream.stream().forEach(e -> {
                if (e.isReasoningSummaryTextDelta()) {
                    order.add("reasoning");
                } else if (e.isOutputTextDelta()) {
                    order.add("text:" + e.asOutputTextDelta().delta());
                } else if (e.isCompleted()) {
                    order.add("completed");
                }
            });
        }
        assertThat(order).first().isEqualTo("reasoning");
        assertThat(order).containsSubsequence("reasoning", "text:" + SyntheticTaskSuite.solve(TEN_STEPS), "completed");
    }

    @Test
    void aStreamWhoseClientGoesAwayIsCancelledAndStopsSpendingCalls() throws Exception {
        final String promptId;
        try (StepwiseClient watcher = StepwiseClient.connect(ClientSettings.of(stack.bootstrapServers(),
                SharedInfra.registryClient(), stack.topics()));
             StreamResponse<ChatCompletionChunk> stream = openai.chat().completions().createStreaming(
                     ask("square 7 repeatedly 30 times mod 1009").build())) {
            final Iterator<ChatCompletionChunk> it = stream.stream().iterator();
            promptId = it.next().id().substring("chatcmpl-".length());
            final CompletableFuture<AnswerPublished> answer = watcher.answerOf(promptId, ProgressListener.NONE);
            stream.close();

            final AnswerPublished cancelled = answer.get(60, TimeUnit.SECONDS);
            assertThat(cancelled.getStopCause()).isEqualTo("cancelled");
        }
    }

    @Test
    void badRequestsAreOpenAiErrors() {
        assertThatThrownBy(() -> openai.chat().completions().create(ChatCompletionCreateParams.builder().model("stepwise")
                .messages(List.of()).build())).isInstanceOfSatisfying(BadRequestException.class,
                        e -> assertThat(e.code()).hasValue("missing_messages"));
        assertThatThrownBy(() -> openai.chat().completions().create(ask("q").reasoningEffort(ReasoningEffort.of("extreme")).build()))
                .isInstanceOfSatisfying(BadRequestException.class, e -> assertThat(e.param()).hasValue("reasoning_effort"));
        assertThatThrownBy(() -> openai.chat().completions().create(ask("q").model("gpt-5").build()))
                .isInstanceOfSatisfying(BadRequestException.class, e -> assertThat(e.code()).hasValue("model_not_found"));
        assertThatThrownBy(() -> client(gateway, "sk-wrong").chat().completions().create(ask("q").build()))
                .isInstanceOf(UnauthorizedException.class);
    }

    @Test
    void aTooLargeBodyIsAFourThirteenAndAFullGatewayAFourTwentyNine() throws Exception {
        final OpenAIClient tight = client(tightGateway, "unused");
        assertThatThrownBy(() -> tight.chat().completions().create(ask("q " + "x".repeat(2000)).build()))
                .isInstanceOfSatisfying(OpenAIServiceException.class, e -> assertThat(e.statusCode()).isEqualTo(413));

        try (StreamResponse<ChatCompletionChunk> busy = tight.chat().completions().createStreaming(ask(SIXTEEN_STEPS).build())) {
            busy.stream().iterator().next();
            assertThatThrownBy(() -> tight.chat().completions().create(ask(TEN_STEPS).build()))
                    .isInstanceOfSatisfying(RateLimitException.class,
                            e -> assertThat(e.headers().values("retry-after")).containsExactly("1"));
        }
    }
}
