package dev.stepwise.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stepwise.schemas.deadletter.RejectedInputException;
import dev.stepwise.search.strategy.ResolvedStrategy;
import dev.stepwise.search.strategy.StrategyDescriptor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns Chat Completions and Responses request bodies into {@link SearchRequest}s, or into the 400 an OpenAI
 * server would give.
 *
 * <ul>
 *   <li>The prompt is the text of the last {@code user} message. System, developer and assistant messages
 *       (and {@code instructions}) are read past: each request is one fresh search, and the search answers
 *       the question itself, not a conversation.</li>
 *   <li>{@code reasoning_effort} (Responses: {@code reasoning.effort}) sets the model-call budget
 *       ({@link Effort}); {@code max_completion_tokens} (or {@code max_tokens}; Responses:
 *       {@code max_output_tokens}) the token budget; {@code user} (or {@code safety_identifier}) the requester.</li>
 *   <li>{@code metadata} entries named {@code stepwise.<parameter>} set parameters of the model's strategy,
 *       checked by the strategy registry, e.g. {@code "stepwise.beam-width": "4"};
 *       {@code stepwise.max-model-calls} sets the call budget directly. Other metadata is ignored.</li>
 *   <li>{@code n} other than 1 is refused. Other fields (temperature, top_p, seed, stop, tools, store, ...) are
 *       accepted and ignored: they have no meaning for a search whose samplers are configured server-side.</li>
 * </ul>
 */
public final class RequestMapper {

    /** Prefix of the metadata keys that carry strategy parameters. */
    public static final String METADATA_PREFIX = "stepwise.";
    /** The metadata key that sets the model-call budget directly. */
    public static final String METADATA_MAX_MODEL_CALLS = METADATA_PREFIX + "max-model-calls";
    private static final int MAX_REQUESTER_LENGTH = 256;

    private final ModelCatalog models;
    private final String defaultModel;

    public RequestMapper(final ModelCatalog models, final String defaultModel) {
        this.models = models;
        this.defaultModel = defaultModel;
    }

    /** {@code POST /v1/chat/completions}. */
    public SearchRequest chat(final JsonNode body) {
        requireObject(body);
        final JsonNode messages = body.path("messages");
        if (!messages.isArray() || messages.isEmpty()) {
            throw ApiError.badRequest("messages", "missing_messages",
                    "'messages' must be a non-empty array of messages; the last user message is the prompt.");
        }
        final String text = lastUserText(messages, "messages");
        requireSingleChoice(body);
        final JsonNode effort = body.path("reasoning_effort");
        final Long maxTokens = positiveLong(body, "max_completion_tokens") != null
                ? positiveLong(body, "max_completion_tokens") : positiveLong(body, "max_tokens");
        final boolean stream = bool(body, "stream");
        final boolean includeUsage = stream && body.path("stream_options").path("include_usage").asBoolean(false);
        return build(body, text, effort, "reasoning_effort", maxTokens, stream, includeUsage);
    }

    /** {@code POST /v1/responses}. */
    public SearchRequest responses(final JsonNode body) {
        requireObject(body);
        final JsonNode input = body.path("input");
        final String text;
        if (input.isTextual()) {
            text = input.asText();
        } else if (input.isArray() && !input.isEmpty()) {
            text = lastUserText(input, "input");
        } else {
            throw ApiError.badRequest("input", "missing_input",
                    "'input' must be a string or a non-empty array of messages; the last user message is the prompt.");
        }
        if (text.isBlank()) {
            throw ApiError.badRequest("input", "empty_prompt", "The prompt is empty.");
        }
        final JsonNode reasoning = body.path("reasoning");
        if (!reasoning.isMissingNode() && !reasoning.isNull() && !reasoning.isObject()) {
            throw ApiError.badRequest("reasoning", "invalid_type", "'reasoning' must be an object.");
        }
        return build(body, text, reasoning.path("effort"), "reasoning.effort", positiveLong(body, "max_output_tokens"),
                bool(body, "stream"), false);
    }

    private SearchRequest build(final JsonNode body, final String text, final JsonNode effortNode, final String effortParam,
                                final Long maxTokens, final boolean stream, final boolean includeUsage) {
        final JsonNode modelNode = body.path("model");
        if (!modelNode.isMissingNode() && !modelNode.isNull() && !modelNode.isTextual()) {
            throw ApiError.badRequest("model", "invalid_type", "'model' must be a string.");
        }
        final String model = modelNode.isTextual() && !modelNode.asText().isBlank() ? modelNode.asText() : defaultModel;
        final StrategyDescriptor strategy = models.strategyOf(model);
        final Effort effort;
        if (effortNode.isMissingNode() || effortNode.isNull()) {
            effort = Effort.MEDIUM;
        } else if (effortNode.isTextual()) {
            effort = Effort.parse(effortNode.asText(), effortParam);
        } else {
            throw ApiError.badRequest(effortParam, "invalid_type", "'" + effortParam + "' must be a string.");
        }
        final Map<String, String> params = new LinkedHashMap<>();
        Integer maxModelCalls = null;
        final JsonNode metadata = body.path("metadata");
        if (metadata.isObject()) {
            for (Map.Entry<String, JsonNode> entry : metadata.properties()) {
                final String key = entry.getKey().strip().toLowerCase(Locale.ROOT);
                if (!key.startsWith(METADATA_PREFIX)) {
                    continue;
                }
                final String value = entry.getValue().asText();
                if (key.equals(METADATA_MAX_MODEL_CALLS)) {
                    maxModelCalls = metadataCalls(value);
                } else {
                    params.put(key.substring(METADATA_PREFIX.length()), value);
                }
            }
        } else if (!metadata.isMissingNode() && !metadata.isNull()) {
            throw ApiError.badRequest("metadata", "invalid_type", "'metadata' must be an object of strings.");
        }
        final ResolvedStrategy resolved;
        try {
            resolved = models.registry().resolve(strategy.name(), params);
        } catch (RejectedInputException e) {
            throw ApiError.badRequest("metadata", "invalid_strategy_parameter", e.getMessage()
                    + " (set strategy parameters as metadata \"" + METADATA_PREFIX + "<parameter>\": \"<value>\").");
        }
        return new SearchRequest(model, text, resolved, effort, maxModelCalls != null ? maxModelCalls : effort.maxModelCalls(),
                maxTokens, requester(body), stream, includeUsage);
    }

    private static int metadataCalls(final String value) {
        try {
            final int calls = Integer.parseInt(value.strip());
            if (calls >= 2) {
                return calls;
            }
        } catch (NumberFormatException e) {
            // Falls through to the error below.
        }
        throw ApiError.badRequest("metadata", "invalid_value",
                "'" + METADATA_MAX_MODEL_CALLS + "' must be a whole number of at least 2, got '" + value + "'.");
    }

    /** The text of the last message whose role is {@code user}. */
    static String lastUserText(final JsonNode messages, final String param) {
        for (int i = messages.size() - 1; i >= 0; i--) {
            final JsonNode message = messages.get(i);
            if (!message.isObject()) {
                throw ApiError.badRequest(param + "[" + i + "]", "invalid_type", "Each message must be an object.");
            }
            if ("user".equals(message.path("role").asText())) {
                final String text = text(message.path("content"), param + "[" + i + "].content");
                if (text.isBlank()) {
                    throw ApiError.badRequest(param + "[" + i + "].content", "empty_prompt",
                            "The last user message has no text; it is the prompt.");
                }
                return text;
            }
        }
        throw ApiError.badRequest(param, "missing_user_message",
                "No message with role 'user': the last user message is the prompt.");
    }

    /** A message's text: a string, or the text parts of an array of content parts joined by new lines. */
    private static String text(final JsonNode content, final String param) {
        if (content.isTextual()) {
            return content.asText();
        }
        if (content.isArray()) {
            final List<String> parts = new ArrayList<>();
            for (JsonNode part : content) {
                final String type = part.path("type").asText();
                if (("text".equals(type) || "input_text".equals(type)) && part.path("text").isTextual()) {
                    parts.add(part.path("text").asText());
                }
            }
            return String.join("\n", parts);
        }
        throw ApiError.badRequest(param, "invalid_type", "Message content must be a string or an array of content parts.");
    }

    private static void requireObject(final JsonNode body) {
        if (body == null || !body.isObject()) {
            throw ApiError.badRequest(null, "invalid_json", "The request body must be a JSON object.");
        }
    }

    private static void requireSingleChoice(final JsonNode body) {
        final JsonNode n = body.path("n");
        if (!n.isMissingNode() && !n.isNull() && !(n.canConvertToInt() && n.asInt() == 1)) {
            throw ApiError.badRequest("n", "unsupported_value",
                    "Only n=1 is supported: one search gives one answer (it already samples and votes over many chains).");
        }
    }

    private static Long positiveLong(final JsonNode body, final String field) {
        final JsonNode node = body.path(field);
        if (node.isMissingNode() || node.isNull()) {
            return null;
        }
        if (!node.isIntegralNumber() || node.asLong() < 1) {
            throw ApiError.badRequest(field, "invalid_value", "'" + field + "' must be a positive integer.");
        }
        return node.asLong();
    }

    private static boolean bool(final JsonNode body, final String field) {
        final JsonNode node = body.path(field);
        if (node.isMissingNode() || node.isNull()) {
            return false;
        }
        if (!node.isBoolean()) {
            throw ApiError.badRequest(field, "invalid_type", "'" + field + "' must be a boolean.");
        }
        return node.asBoolean();
    }

    private static String requester(final JsonNode body) {
        for (String field : List.of("user", "safety_identifier")) {
            final JsonNode node = body.path(field);
            if (node.isTextual() && !node.asText().isBlank()) {
                final String user = node.asText().strip();
                return user.length() <= MAX_REQUESTER_LENGTH ? user : user.substring(0, MAX_REQUESTER_LENGTH);
            }
        }
        return null;
    }
}
