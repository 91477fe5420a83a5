package dev.stepwise.modelserver;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.RateLimitException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.chat.completions.ChatCompletionTokenLogprob;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static dev.stepwise.modelserver.ModelServerTest.start;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The official OpenAI Java SDK against the model server: what any OpenAI client expects, it gets. The seed goes as an
 * extra body property because the SDK marks {@code seed} deprecated (OpenAI may ignore it); vLLM, llama.cpp, Ollama
 * and the model server honour it.
 */
@Timeout(120)
class OpenAiSdkAgainstModelServerTest {

    private static final String PROBLEM = "compute (3*4+5)*2 mod 7";

    private static OpenAIClient client(final ModelServer server, final String key) {
        // Client-wide timeouts stay generous: the SDK's first call loads a few thousand classes (llm-backends.md §1).
        return OpenAIOkHttpClient.builder().baseUrl(server.baseUrl().toString()).apiKey(key).maxRetries(0)
                .timeout(Duration.ofSeconds(60)).build();
    }

    private static ChatCompletionCreateParams.Builder prompt(final String system, final String user) {
        return ChatCompletionCreateParams.builder().model(ModelServerConfig.DEFAULT_MODEL).addSystemMessage(system)
                .addUserMessage(user);
    }

    @Test
    void completionsWithNAndLogprobsAndAStreamReadAsTheSdkExpects() {
        try (ModelServer server = start()) {
            final OpenAIClient client = client(server, "any");
            assertThat(client.models().list().data()).extracting(model -> model.id())
                    .containsExactly(ModelServerConfig.DEFAULT_MODEL);

            final ChatCompletion proposals = client.chat().completions().create(prompt(ChatRequests.PROPOSER,
                    ChatRequests.proposeMessage(PROBLEM, List.of())).n(3).putAdditionalBodyProperty("seed", JsonValue.from(11)).build());
            assertThat(proposals.choices()).hasSize(3).allSatisfy(choice -> assertThat(choice.message().content())
                    .contains("We compute 3*4 = 12 = 5 (mod 7), and so the state is: now (5+5)*2 mod 7."));
            assertThat(proposals.usage()).hasValueSatisfying(usage -> assertThat(usage.completionTokens()).isPositive());

            final ChatCompletion verdict = client.chat().completions().create(prompt(ChatRequests.VERIFIER,
                    ChatRequests.verifyMessage(PROBLEM, List.of(), proposals.choices().get(0).message().content().orElseThrow()))
                    .logprobs(true).topLogprobs(2).build());
            final ChatCompletionTokenLogprob first = verdict.choices().get(0).logprobs().orElseThrow().content()
                    .orElseThrow().get(0);
            assertThat(first.token()).isEqualTo("Yes");
            assertThat(first.topLogprobs()).extracting(ChatCompletionTokenLogprob.TopLogprob::token)
                    .containsExactly("Yes", "No");

            final Map<Long, StringBuilder> streamed = new TreeMap<>();
            try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(
                    prompt(ChatRequests.PROPOSER, ChatRequests.proposeMessage(PROBLEM, List.of())).n(2).putAdditionalBodyProperty("seed", JsonValue.from(11))
                            .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
                stream.stream().forEach(chunk -> chunk.choices().forEach(choice -> choice.delta().content().ifPresent(
                        text -> streamed.computeIfAbsent(choice.index(), i -> new StringBuilder()).append(text))));
            }
            assertThat(streamed).hasSize(2);
            assertThat(streamed.get(0L).toString()).isEqualTo(proposals.choices().get(0).message().content().orElseThrow());
        }
    }

    @Test
    void errorsAreTheSdksTypedExceptions() {
        try (ModelServer secured = start(ModelServerConfig.API_KEY, "sk-right");
             ModelServer limited = start(ModelServerConfig.FAULT_RATE_LIMIT_RATE, "1")) {
            final ChatCompletionCreateParams params = prompt(ChatRequests.PROPOSER,
                    ChatRequests.proposeMessage(PROBLEM, List.of())).build();
            assertThatThrownBy(() -> client(secured, "sk-wrong").chat().completions().create(params))
                    .isInstanceOf(UnauthorizedException.class);
            assertThat(client(secured, "sk-right").chat().completions().create(params).choices()).hasSize(1);
            assertThatThrownBy(() -> client(limited, "any").chat().completions().create(params))
                    .isInstanceOf(RateLimitException.class);
        }
    }
}
