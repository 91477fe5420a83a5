package dev.stepwise.cli;

import dev.stepwise.schemas.avro.Budget;
import dev.stepwise.schemas.avro.PromptSubmitted;
import dev.stepwise.search.strategy.StrategyRegistry;
import java.time.Instant;
import java.util.Map;

/** Prompts with the default strategy (and its registry defaults) and the default budget, as {@code ask} sends without flags. */
final class DefaultPrompts {

    private DefaultPrompts() {
    }

    static PromptSubmitted of(final String promptId, final String text, final String requester, final Instant now) {
        final StrategyRegistry strategies = StrategyRegistry.standard();
        return PromptSubmitted.newBuilder()
                .setPromptId(promptId)
                .setText(text)
                .setStrategy(strategies.toAvro(strategies.resolve(null, Map.of())))
                .setBudget(Budget.newBuilder().build())
                .setRequester(requester)
                .setSubmittedAt(now)
                .build();
    }
}
