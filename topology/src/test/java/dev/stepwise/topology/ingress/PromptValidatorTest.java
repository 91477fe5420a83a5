package dev.stepwise.topology.ingress;

import static dev.stepwise.search.testing.TestEvents.T0;
import static dev.stepwise.search.testing.TestEvents.beam;
import static dev.stepwise.search.testing.TestEvents.budget;
import static dev.stepwise.search.testing.TestEvents.prompt;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stepwise.schemas.avro.PromptSubmitted;
import dev.stepwise.schemas.deadletter.RejectedInputException;
import dev.stepwise.search.strategy.StrategyRegistry;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class PromptValidatorTest {

    private final PromptValidator validator = new PromptValidator(PromptLimits.defaults(), StrategyRegistry.standard());

    private static PromptSubmitted valid() {
        return prompt("p1", "What is 6 * 7?", beam(2, 3, 40, 2), budget(400, 1_000_000, T0 + 60_000), T0);
    }

    private void assertRejected(final Consumer<PromptSubmitted> change, final String code) {
        final PromptSubmitted prompt = valid();
        change.accept(prompt);
        assertThatThrownBy(() -> validator.validate(prompt.getPromptId(), prompt))
                .isInstanceOfSatisfying(RejectedInputException.class, e -> assertThat(e.code()).isEqualTo(code));
    }

    @Test
    void aValidPromptPasses() {
        assertThatCode(() -> validator.validate("p1", valid())).doesNotThrowAnyException();
    }

    @Test
    void blankTextIsEmptyText() {
        assertRejected(p -> p.setText("  "), "empty-text");
    }

    @Test
    void anUnknownStrategyNameIsUnknownStrategy() {
        assertRejected(p -> p.getStrategy().setName("mcts"), "unknown-strategy");
    }

    @Test
    void strategyNumbersOutOfRangeAreInvalidStrategy() {
        assertRejected(p -> p.getStrategy().setBeamWidth(0), "invalid-strategy");
        assertRejected(p -> p.getStrategy().setBranching(17), "invalid-strategy");
        assertRejected(p -> p.getStrategy().setMaxDepth(513), "invalid-strategy");
        assertRejected(p -> p.getStrategy().setMaxRevisions(-1), "invalid-strategy");
        assertRejected(p -> p.getStrategy().setParams(java.util.Map.of("beam-width", "17")), "invalid-strategy");
        assertRejected(p -> p.getStrategy().setParams(java.util.Map.of("n", "3")), "invalid-strategy");
    }

    @Test
    void budgetNumbersOutOfRangeAreInvalidBudget() {
        assertRejected(p -> p.getBudget().setMaxModelCalls(1), "invalid-budget");
        assertRejected(p -> p.getBudget().setMaxModelCalls(100_001), "invalid-budget");
        assertRejected(p -> p.getBudget().setMaxTokens(0), "invalid-budget");
        assertRejected(p -> p.getBudget().setDeadline(p.getSubmittedAt()), "invalid-budget");
    }

    @Test
    void aKeyThatIsNotThePromptIdIsAKeyMismatch() {
        assertThatThrownBy(() -> validator.validate("other", valid()))
                .isInstanceOfSatisfying(RejectedInputException.class, e -> assertThat(e.code()).isEqualTo("key-mismatch"));
        assertThatThrownBy(() -> validator.validate(null, valid()))
                .isInstanceOfSatisfying(RejectedInputException.class, e -> assertThat(e.code()).isEqualTo("key-mismatch"));
    }

    @Test
    void aBlankPromptIdIsInvalid() {
        assertRejected(p -> p.setPromptId(" "), "invalid-prompt-id");
    }
}
