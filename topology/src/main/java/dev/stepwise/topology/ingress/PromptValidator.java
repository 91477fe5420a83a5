package dev.stepwise.topology.ingress;

import dev.stepwise.schemas.avro.Budget;
import dev.stepwise.schemas.avro.PromptSubmitted;
import dev.stepwise.schemas.deadletter.RejectedInputException;
import dev.stepwise.search.SearchEngine;
import dev.stepwise.search.strategy.StrategyRegistry;
import java.time.Instant;
import java.util.Objects;

/**
 * The one validation every prompt passes before a search starts, whether it came as Avro on the
 * prompts topic or as text: a failure is a {@link RejectedInputException} whose code goes into the
 * dead letter's {@code errorType}.
 */
public final class PromptValidator {

    /** The prompt text is missing or blank. */
    public static final String EMPTY_TEXT = "empty-text";
    /** A text prompt that starts with '{' is not a valid JSON prompt object. */
    public static final String MALFORMED_JSON = "malformed-json";
    /** The strategy name is not one the topology knows. */
    public static final String UNKNOWN_STRATEGY = StrategyRegistry.UNKNOWN_STRATEGY;
    /** A budget number is out of range or has the wrong type. */
    public static final String INVALID_BUDGET = "invalid-budget";
    /** A strategy parameter is unknown, out of range or has the wrong type. */
    public static final String INVALID_STRATEGY = StrategyRegistry.INVALID_STRATEGY;
    /** The prompt id is blank or too long. */
    public static final String INVALID_PROMPT_ID = "invalid-prompt-id";
    /** The record key is not the prompt id, so the prompt's events would land on another partition than its state. */
    public static final String KEY_MISMATCH = "key-mismatch";
    /** A text prompt's bytes are not UTF-8. */
    public static final String INVALID_ENCODING = "invalid-encoding";

    /** Prompt ids are part of every request and step id; a bound keeps those ids and the state keys small. */
    public static final int MAX_PROMPT_ID_LENGTH = 200;

    private final PromptLimits limits;
    private final StrategyRegistry strategies;

    public PromptValidator(final PromptLimits limits, final StrategyRegistry strategies) {
        this.limits = Objects.requireNonNull(limits, "limits");
        this.strategies = Objects.requireNonNull(strategies, "strategies");
    }

    /**
     * Checks {@code prompt} read under record key {@code key}.
     *
     * @throws RejectedInputException with one of the codes above
     */
    public void validate(final String key, final PromptSubmitted prompt) {
        final String promptId = prompt.getPromptId();
        if (promptId == null || promptId.isBlank() || promptId.length() > MAX_PROMPT_ID_LENGTH) {
            throw new RejectedInputException(INVALID_PROMPT_ID,
                    "Prompt id must be 1 to " + MAX_PROMPT_ID_LENGTH + " characters, not blank");
        }
        if (!promptId.equals(key)) {
            throw new RejectedInputException(KEY_MISMATCH, "Record key '" + key + "' is not the prompt id '" + promptId
                    + "'; prompts must be keyed by their prompt id so that all their events share a partition");
        }
        if (prompt.getText() == null || prompt.getText().isBlank()) {
            throw new RejectedInputException(EMPTY_TEXT, "Prompt " + promptId + " has no text");
        }
        // The registry resolves the strategy as the search will: an unknown name or parameter, or a value out
        // of its declared range, fails here with the registry's message.
        strategies.resolve(prompt.getStrategy());
        validateBudget(prompt.getBudget(), prompt.getSubmittedAt().toEpochMilli());
    }

    private void validateBudget(final Budget budget, final long submittedAt) {
        requireRange(INVALID_BUDGET, "budget.maxModelCalls", budget.getMaxModelCalls(), SearchEngine.MIN_MODEL_CALLS,
                limits.maxModelCalls());
        requireRange(INVALID_BUDGET, "budget.maxTokens", budget.getMaxTokens(), 1, limits.maxTokens());
        if (budget.getDeadline() != null && budget.getDeadline().toEpochMilli() <= submittedAt) {
            throw new RejectedInputException(INVALID_BUDGET, "budget.deadline " + budget.getDeadline()
                    + " is not after the submission time " + Instant.ofEpochMilli(submittedAt));
        }
    }

    private static void requireRange(final String code, final String field, final long value, final long min,
                                     final long max) {
        if (value < min || value > max) {
            throw new RejectedInputException(code, field + " must be in [" + min + ", " + max + "], got " + value);
        }
    }
}
