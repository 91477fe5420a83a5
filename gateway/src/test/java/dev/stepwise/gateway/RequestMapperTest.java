package dev.stepwise.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stepwise.schemas.avro.PromptSubmitted;
import dev.stepwise.search.strategy.StrategyRegistry;
import java.time.Duration;
import java.time.Instant;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RequestMapperTest {

    private final ModelCatalog models = ModelCatalog.standard();
    private final RequestMapper mapper = new RequestMapper(models, ModelCatalog.BASE_ID);

    private static JsonNode json(final String text) throws Exception {
        return Jsons.MAPPER.readTree(text.replace('\'', '"'));
    }

    @Test
    void thePromptIsTheLastUserMessageAndSystemAndAssistantMessagesAreReadPast() throws Exception {
        final SearchRequest r = mapper.chat(json("{'model': 'stepwise', 'messages': ["
                + "{'role': 'system', 'content': 'You are terse.'}, {'role': 'user', 'content': 'first question'},"
                + "{'role': 'assistant', 'content': '1', 'reasoning_content': 'x'},"
                + "{'role': 'user', 'content': [{'type': 'text', 'text': 'square 3 repeatedly 2 times mod 7'}]}]}"));

        assertThat(r.text()).isEqualTo("square 3 repeatedly 2 times mod 7");
        assertThat(r.strategy().name()).isEqualTo(StrategyRegistry.standard().defaultName());
        assertThat(r.stream()).isFalse();
    }

    @ParameterizedTest
    @CsvSource({"none,16", "minimal,50", "low,150", "medium,400", "high,1000", "xhigh,2500"})
    void reasoningEffortSetsTheModelCallBudget(final String effort, final int calls) throws Exception {
        final SearchRequest chat = mapper.chat(json("{'messages': [{'role': 'user', 'content': 'q'}], 'reasoning_effort': '"
                + effort + "'}"));
        final SearchRequest responses = mapper.responses(json("{'input': 'q', 'reasoning': {'effort': '" + effort + "'}}"));

        assertThat(chat.maxModelCalls()).isEqualTo(calls);
        assertThat(responses.maxModelCalls()).isEqualTo(calls);
    }

    @Test
    void noEffortIsMediumTheTopologysDefaultBudget() throws Exception {
        assertThat(mapper.chat(json("{'messages': [{'role': 'user', 'content': 'q'}]}")).maxModelCalls()).isEqualTo(400);
    }

    @Test
    void everyStrategyOfTheRegistryIsAModelAndMetadataSetsItsParameters() throws Exception {
        for (String name : StrategyRegistry.standard().names()) {
            assertThat(models.ids()).contains("stepwise-" + name);
        }
        final SearchRequest r = mapper.chat(json("{'model': 'stepwise-beam', 'messages': [{'role': 'user', 'content': 'q'}],"
                + "'metadata': {'stepwise.beam-width': '4', 'stepwise.max-model-calls': '900', 'trace': 'abc'},"
                + "'max_completion_tokens': 5000, 'user': 'alice', 'temperature': 0.3, 'seed': 1, 'stream': true,"
                + "'stream_options': {'include_usage': true}}"));

        assertThat(r.strategy().parameters().values()).containsEntry("beam-width", 4);
        assertThat(r.maxModelCalls()).isEqualTo(900);
        assertThat(r.maxTokens()).isEqualTo(5000L);
        assertThat(r.requester()).isEqualTo("alice");
        assertThat(r.stream()).isTrue();
        assertThat(r.includeUsage()).isTrue();

        final PromptSubmitted prompt = r.toPrompt("p1", Instant.ofEpochSecond(100), Duration.ofSeconds(30),
                StrategyRegistry.standard());
        assertThat(prompt.getStrategy().getName()).isEqualTo("beam");
        assertThat(prompt.getStrategy().getParams()).containsEntry("beam-width", "4");
        assertThat(prompt.getBudget().getMaxModelCalls()).isEqualTo(900);
        assertThat(prompt.getBudget().getMaxTokens()).isEqualTo(5000L);
        assertThat(prompt.getBudget().getDeadline()).isEqualTo(Instant.ofEpochSecond(130));
        assertThat(prompt.getRequester()).isEqualTo("alice");
    }

    @Test
    void theResponsesInputMayBeMessagesWithInputTextParts() throws Exception {
        final SearchRequest r = mapper.responses(json("{'model': 'stepwise', 'instructions': 'be brief', 'input': ["
                + "{'role': 'user', 'content': [{'type': 'input_text', 'text': 'compute 2+3 mod 7'}]}],"
                + "'max_output_tokens': 100}"));

        assertThat(r.text()).isEqualTo("compute 2+3 mod 7");
        assertThat(r.maxTokens()).isEqualTo(100L);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{'model': 'stepwise'}|messages|missing_messages",
        "{'messages': []}|messages|missing_messages",
        "{'messages': [{'role': 'system', 'content': 'x'}]}|messages|missing_user_message",
        "{'messages': [{'role': 'user', 'content': '  '}]}|messages[0].content|empty_prompt",
        "{'messages': [{'role': 'user', 'content': 'q'}], 'reasoning_effort': 'max'}|reasoning_effort|invalid_value",
        "{'messages': [{'role': 'user', 'content': 'q'}], 'model': 'gpt-5'}|model|model_not_found",
        "{'messages': [{'role': 'user', 'content': 'q'}], 'n': 3}|n|unsupported_value",
        "{'messages': [{'role': 'user', 'content': 'q'}], 'max_completion_tokens': 0}|max_completion_tokens|invalid_value",
        "{'messages': [{'role': 'user', 'content': 'q'}], 'metadata': {'stepwise.beam-width': '0'}}|metadata|invalid_strategy_parameter",
        "{'messages': [{'role': 'user', 'content': 'q'}], 'metadata': {'stepwise.colour': 'red'}}|metadata|invalid_strategy_parameter",
        "{'messages': [{'role': 'user', 'content': 'q'}], 'stream': 'yes'}|stream|invalid_type"})
    void badChatRequestsAreFourHundredsNamingTheField(final String body, final String param, final String code) {
        assertThatThrownBy(() -> mapper.chat(json(body))).asInstanceOf(InstanceOfAssertFactories.type(ApiError.class))
                .satisfies(e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.type()).isEqualTo("invalid_request_error");
                    assertThat(e.param()).isEqualTo(param);
                    assertThat(e.code()).isEqualTo(code);
                });
    }

    @Test
    void anErrorIsTheOpenAiErrorObject() {
        final ApiError e = ApiError.badRequest("model", "model_not_found", "no such model");

        assertThat(Jsons.write(e.toJson())).isEqualTo(
                "{\"error\":{\"message\":\"no such model\",\"type\":\"invalid_request_error\",\"param\":\"model\",\"code\":\"model_not_found\"}}");
    }
}
