package dev.stepwise.topology.ingress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stepwise.schemas.avro.PromptSubmitted;
import dev.stepwise.schemas.deadletter.RejectedInputException;
import dev.stepwise.search.strategy.StrategyRegistry;
import dev.stepwise.topology.TopologyConfig;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TextPromptParserTest {

    private static final Instant AT = Instant.ofEpochMilli(1_767_225_600_000L);
    private final TopologyConfig config = TopologyConfig.of(Map.of());
    private final TextPromptParser parser = new TextPromptParser(StrategyRegistry.standard(), config.defaultStrategy(),
            config.defaultBudget());

    @Test
    void plainTextIsTheQuestionWithTheDefaults() {
        final PromptSubmitted prompt = parser.parse("q1", "  What is 2 + 2?\n", AT);

        assertThat(prompt.getPromptId()).isEqualTo("q1");
        assertThat(prompt.getText()).isEqualTo("What is 2 + 2?");
        assertThat(prompt.getStrategy()).isEqualTo(StrategyRegistry.standard().toAvro(config.defaultStrategy()));
        assertThat(prompt.getBudget()).isEqualTo(config.defaultBudget());
        assertThat(prompt.getSubmittedAt()).isEqualTo(AT);
        assertThat(prompt.getRequester()).isEqualTo("anonymous");
    }

    @Test
    void jsonSetsStrategyBudgetAndRequesterAndKeepsDefaultsForTheRest() {
        final PromptSubmitted prompt = parser.parse("q2", """
                {"text": "Compose these permutations", "strategy": {"name": "Best-Of-N", "beam_width": 5},
                 "budget": {"max_model_calls": 60, "deadline_ms": 30000}, "requester": "alice"}""", AT);

        assertThat(prompt.getText()).isEqualTo("Compose these permutations");
        assertThat(prompt.getStrategy().getName()).isEqualTo("best-of-n");
        assertThat(prompt.getStrategy().getParams()).containsEntry("n", "5").containsEntry("max-depth", "40");
        assertThat(prompt.getBudget().getMaxModelCalls()).isEqualTo(60);
        assertThat(prompt.getBudget().getMaxTokens()).isEqualTo(1_000_000L);
        assertThat(prompt.getBudget().getDeadline()).isEqualTo(AT.plusMillis(30_000));
        assertThat(prompt.getRequester()).isEqualTo("alice");
    }

    @Test
    void aStrategyMayBeJustAName() {
        assertThat(parser.parse("q", "{\"text\": \"x\", \"strategy\": \"best-of-n\"}", AT).getStrategy().getName())
                .isEqualTo("best-of-n");
    }

    @Test
    void textThatMerelyContainsBracesIsPlainText() {
        assertThat(parser.parse("q", "Is {a, b} a set?", AT).getText()).isEqualTo("Is {a, b} a set?");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "''                                                        | empty-text",
        "'   '                                                     | empty-text",
        "'{\"text\": \"\"}'                                        | empty-text",
        "'{\"strategy\": \"beam\"}'                                | empty-text",
        "'{\"text\": \"x\"'                                        | malformed-json",
        "'{\"text\": 42}'                                          | malformed-json",
        "'{\"text\": \"x\", \"budjet\": {}}'                       | malformed-json",
        "'{\"text\": \"x\", \"text\": \"y\"}'                      | malformed-json",
        "'{\"text\": \"x\"} trailing'                              | malformed-json",
        "'{\"text\": \"x\", \"strategy\": 7}'                      | invalid-strategy",
        "'{\"text\": \"x\", \"strategy\": {\"beam_width\": 1.5}}'  | invalid-strategy",
        "'{\"text\": \"x\", \"strategy\": {\"width\": 2}}'         | invalid-strategy",
        "'{\"text\": \"x\", \"strategy\": {\"name\": \"best-of-n\", \"branching\": 2}}' | invalid-strategy",
        "'{\"text\": \"x\", \"strategy\": {\"beam_width\": 99}}'   | invalid-strategy",
        "'{\"text\": \"x\", \"strategy\": {\"beam_width\": [2]}}'  | invalid-strategy",
        "'{\"text\": \"x\", \"strategy\": \"greedy\"}'             | unknown-strategy",
        "'{\"text\": \"x\", \"budget\": {\"max_tokens\": \"lots\"}}' | invalid-budget",
        "'{\"text\": \"x\", \"budget\": {\"deadline_ms\": -5}}'    | invalid-budget",
        "'{\"text\": \"x\", \"budget\": 100}'                      | invalid-budget",
    })
    void invalidInputIsRejectedWithItsCode(final String value, final String code) {
        assertThatThrownBy(() -> parser.parse("q", value, AT))
                .isInstanceOfSatisfying(RejectedInputException.class, e -> assertThat(e.code()).isEqualTo(code));
    }
}
