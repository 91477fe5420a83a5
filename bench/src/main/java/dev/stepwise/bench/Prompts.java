package dev.stepwise.bench;

import dev.stepwise.schemas.avro.Budget;
import dev.stepwise.schemas.avro.PromptSubmitted;
import dev.stepwise.search.strategy.StrategyRegistry;
import java.time.Instant;
import java.util.Map;

/** The prompts the bench submits: a strategy from the registry with its parameters, and a model-call budget. */
public final class Prompts {

    /** The virtual time an in-process run starts at (any fixed instant would do). */
    public static final long EPOCH_MS = 1_700_000_000_000L;

    /** Tokens are never what limits a bench prompt: the budget under study is model calls. */
    static final long MAX_TOKENS = 10_000_000L;

    private Prompts() {
    }

    /**
     * A prompt for {@code text}, searched by {@code strategy} with {@code params} (names or aliases to values as
     * text; the rest take the registry's defaults) within {@code maxModelCalls}, with no deadline of its own.
     *
     * @throws dev.stepwise.schemas.deadletter.RejectedInputException when the registry rejects the strategy
     */
    public static PromptSubmitted of(final StrategyRegistry registry, final String promptId, final String text,
                                     final String strategy, final Map<String, String> params, final int maxModelCalls,
                                     final Instant submittedAt) {
        return PromptSubmitted.newBuilder()
                .setPromptId(promptId)
                .setText(text)
                .setStrategy(registry.toAvro(registry.resolve(strategy, params)))
                .setBudget(Budget.newBuilder().setMaxModelCalls(maxModelCalls).setMaxTokens(MAX_TOKENS)
                        .setDeadline(null).build())
                .setRequester("stepwise-bench")
                .setSubmittedAt(submittedAt)
                .build();
    }
}
