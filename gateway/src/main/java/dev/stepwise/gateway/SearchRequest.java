package dev.stepwise.gateway;

import dev.stepwise.schemas.avro.Budget;
import dev.stepwise.schemas.avro.PromptSubmitted;
import dev.stepwise.search.strategy.ResolvedStrategy;
import dev.stepwise.search.strategy.StrategyRegistry;
import java.time.Duration;
import java.time.Instant;

/**
 * What one OpenAI-style request asks Stepwise for, checked: the prompt text, how to search it and with how
 * much compute, and how to answer.
 *
 * @param model         the model id as requested (echoed in responses)
 * @param text          the prompt: the last user message
 * @param strategy      the strategy the model names, with parameters from {@code metadata}
 * @param effort        the reasoning effort asked for, or {@link Effort#MEDIUM}
 * @param maxModelCalls the model-call budget (from the effort, or {@code metadata["stepwise.max-model-calls"]})
 * @param maxTokens     the token budget ({@code max_completion_tokens} / {@code max_output_tokens}), or null
 * @param requester     who asked ({@code user}), or null
 * @param stream        answer as server-sent events
 * @param includeUsage  end a chat stream with a usage chunk ({@code stream_options.include_usage})
 */
public record SearchRequest(String model, String text, ResolvedStrategy strategy, Effort effort, int maxModelCalls,
                            Long maxTokens, String requester, boolean stream, boolean includeUsage) {

    /** The requester of prompts whose request names no {@code user}. */
    public static final String DEFAULT_REQUESTER = "gateway";

    /** The Avro prompt, its deadline {@code timeout} after {@code now}. */
    public PromptSubmitted toPrompt(final String promptId, final Instant now, final Duration timeout,
                                    final StrategyRegistry registry) {
        final Budget.Builder budget = Budget.newBuilder().setMaxModelCalls(maxModelCalls).setDeadline(now.plus(timeout));
        if (maxTokens != null) {
            budget.setMaxTokens(maxTokens);
        }
        return PromptSubmitted.newBuilder()
                .setPromptId(promptId)
                .setText(text)
                .setStrategy(registry.toAvro(strategy))
                .setBudget(budget.build())
                .setRequester(requester == null ? DEFAULT_REQUESTER : requester)
                .setSubmittedAt(now)
                .build();
    }
}
