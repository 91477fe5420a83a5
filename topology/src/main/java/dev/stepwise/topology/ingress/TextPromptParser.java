package dev.stepwise.topology.ingress;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.stepwise.schemas.avro.Budget;
import dev.stepwise.schemas.avro.PromptSubmitted;
import dev.stepwise.schemas.avro.Strategy;
import dev.stepwise.schemas.deadletter.RejectedInputException;
import dev.stepwise.search.strategy.ResolvedStrategy;
import dev.stepwise.search.strategy.StrategyRegistry;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Turns a {@code prompts.text} value into a {@link PromptSubmitted}: either plain text (the whole
 * value is the question) or, when it starts with '{', a JSON object
 *
 * <pre>{"text": "...", "strategy": "beam" | {"name": "beam", "beam_width": 4, ...},
 *  "budget": {"max_model_calls", "max_tokens", "deadline_ms"}, "requester": "..."}</pre>
 *
 * <p>A strategy object holds its name and any of that strategy's parameters as the strategy registry
 * declares them (snake or kebab case: {@code beam_width} or {@code beam-width}). Unset fields take the
 * service defaults. Unknown fields are rejected rather than ignored, so that a typo ({@code "budjet"},
 * {@code "beam_widht"}) does not silently run a search with the default. The budget is not yet
 * validated against the limits: {@link PromptValidator} does that for every prompt, whatever its source.
 */
public final class TextPromptParser {

    private static final String DEFAULT_REQUESTER = "anonymous";
    private static final Set<String> TOP_FIELDS = Set.of("text", "strategy", "budget", "requester");
    private static final Set<String> BUDGET_FIELDS = Set.of("max_model_calls", "max_tokens", "deadline_ms");

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private final StrategyRegistry strategies;
    private final ResolvedStrategy defaultStrategy;
    private final Budget defaultBudget;

    /**
     * @param strategies      the registry that declares the strategies and their parameters
     * @param defaultStrategy strategy of a prompt that names none
     * @param defaultBudget   budget of a prompt that sets none (copied, never modified)
     */
    public TextPromptParser(final StrategyRegistry strategies, final ResolvedStrategy defaultStrategy,
                            final Budget defaultBudget) {
        this.strategies = Objects.requireNonNull(strategies, "strategies");
        this.defaultStrategy = Objects.requireNonNull(defaultStrategy, "defaultStrategy");
        this.defaultBudget = Budget.newBuilder(Objects.requireNonNull(defaultBudget)).build();
    }

    /**
     * Parses {@code value} into a prompt with id {@code promptId} submitted at {@code submittedAt}.
     *
     * @throws RejectedInputException {@code empty-text}, {@code malformed-json}, {@code invalid-strategy} or {@code invalid-budget}
     */
    public PromptSubmitted parse(final String promptId, final String value, final Instant submittedAt) {
        final String trimmed = value == null ? "" : value.strip();
        if (trimmed.isEmpty()) {
            throw new RejectedInputException(PromptValidator.EMPTY_TEXT, "Prompt " + promptId + " has no text");
        }
        final PromptSubmitted.Builder prompt = PromptSubmitted.newBuilder()
                .setPromptId(promptId)
                .setStrategy(strategies.toAvro(defaultStrategy))
                .setBudget(Budget.newBuilder(defaultBudget).build())
                .setRequester(DEFAULT_REQUESTER)
                .setSubmittedAt(submittedAt);
        if (!trimmed.startsWith("{")) {
            return prompt.setText(trimmed).build();
        }
        final JsonNode root = readObject(trimmed);
        requireKnownFields(root, TOP_FIELDS, PromptValidator.MALFORMED_JSON, "prompt");
        prompt.setText(text(root.get("text")));
        final JsonNode strategy = root.get("strategy");
        if (strategy != null && !strategy.isNull()) {
            prompt.setStrategy(strategy(strategy));
        }
        final JsonNode budget = root.get("budget");
        if (budget != null && !budget.isNull()) {
            prompt.setBudget(budget(budget, submittedAt));
        }
        final JsonNode requester = root.get("requester");
        if (requester != null && !requester.isNull()) {
            if (!requester.isTextual() || requester.asText().isBlank()) {
                throw new RejectedInputException(PromptValidator.MALFORMED_JSON, "\"requester\" must be a non-empty string");
            }
            prompt.setRequester(requester.asText());
        }
        return prompt.build();
    }

    private static JsonNode readObject(final String json) {
        final JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (final JacksonException e) {
            throw new RejectedInputException(PromptValidator.MALFORMED_JSON,
                    "Value starts with '{' but is not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new RejectedInputException(PromptValidator.MALFORMED_JSON, "A JSON prompt must be an object");
        }
        return root;
    }

    private static String text(final JsonNode text) {
        if (text == null || text.isNull()) {
            throw new RejectedInputException(PromptValidator.EMPTY_TEXT, "JSON prompt has no \"text\"");
        }
        if (!text.isTextual()) {
            throw new RejectedInputException(PromptValidator.MALFORMED_JSON, "\"text\" must be a string");
        }
        if (text.asText().isBlank()) {
            throw new RejectedInputException(PromptValidator.EMPTY_TEXT, "JSON prompt has an empty \"text\"");
        }
        return text.asText().strip();
    }

    private Strategy strategy(final JsonNode node) {
        if (node.isTextual()) {
            return strategies.toAvro(strategies.resolve(strategyName(node), Map.of()));
        }
        if (!node.isObject()) {
            throw new RejectedInputException(PromptValidator.INVALID_STRATEGY,
                    "\"strategy\" must be a name or an object, got " + node.getNodeType());
        }
        String name = defaultStrategy.name();
        final Map<String, String> given = new LinkedHashMap<>();
        for (final Map.Entry<String, JsonNode> field : node.properties()) {
            final JsonNode value = field.getValue();
            if (field.getKey().equals("name")) {
                if (!value.isTextual()) {
                    throw new RejectedInputException(PromptValidator.INVALID_STRATEGY, "\"strategy.name\" must be a string");
                }
                name = strategyName(value);
            } else if (!value.isNull()) {
                if (!value.isValueNode()) {
                    throw new RejectedInputException(PromptValidator.INVALID_STRATEGY, "\"strategy." + field.getKey()
                            + "\" must be a number, a string or true/false, got " + value.getNodeType());
                }
                given.put(field.getKey(), value.asText());
            }
        }
        // The registry rejects a parameter the strategy does not have, and values of the wrong type or range.
        return strategies.toAvro(strategies.resolve(name, given));
    }

    /** Names are typed by people here, so case and surrounding blanks do not matter; the validator checks the name. */
    private static String strategyName(final JsonNode name) {
        return name.asText().strip().toLowerCase(Locale.ROOT);
    }

    private Budget budget(final JsonNode node, final Instant submittedAt) {
        if (!node.isObject()) {
            throw new RejectedInputException(PromptValidator.INVALID_BUDGET,
                    "\"budget\" must be an object, got " + node.getNodeType());
        }
        requireKnownFields(node, BUDGET_FIELDS, PromptValidator.INVALID_BUDGET, "budget");
        final Budget.Builder budget = Budget.newBuilder(defaultBudget);
        if (node.hasNonNull("max_model_calls")) {
            budget.setMaxModelCalls(intField(node, "max_model_calls", PromptValidator.INVALID_BUDGET, "budget"));
        }
        if (node.hasNonNull("max_tokens")) {
            budget.setMaxTokens(longField(node, "max_tokens", PromptValidator.INVALID_BUDGET, "budget"));
        }
        if (node.hasNonNull("deadline_ms")) {
            final long relative = longField(node, "deadline_ms", PromptValidator.INVALID_BUDGET, "budget");
            if (relative <= 0) {
                throw new RejectedInputException(PromptValidator.INVALID_BUDGET,
                        "budget.deadline_ms must be a positive number of milliseconds, got " + relative);
            }
            budget.setDeadline(submittedAt.plusMillis(relative));
        }
        return budget.build();
    }

    private static int intField(final JsonNode parent, final String field, final String code, final String where) {
        final JsonNode node = parent.get(field);
        if (!node.isIntegralNumber() || !node.canConvertToInt()) {
            throw new RejectedInputException(code, where + "." + field + " must be a whole number, got " + node);
        }
        return node.intValue();
    }

    private static long longField(final JsonNode parent, final String field, final String code, final String where) {
        final JsonNode node = parent.get(field);
        if (!node.isIntegralNumber() || !node.canConvertToLong()) {
            throw new RejectedInputException(code, where + "." + field + " must be a whole number, got " + node);
        }
        return node.longValue();
    }

    private static void requireKnownFields(final JsonNode node, final Set<String> known, final String code,
                                           final String where) {
        for (final Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            final String name = names.next();
            if (!known.contains(name)) {
                throw new RejectedInputException(code, "Unknown field \"" + name + "\" in " + where
                        + "; known: " + String.join(", ", known.stream().sorted().toList()));
            }
        }
    }
}
