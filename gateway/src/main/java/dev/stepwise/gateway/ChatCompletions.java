package dev.stepwise.gateway;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** The JSON of the Chat Completions API: a completion, its stream chunks, and usage. */
final class ChatCompletions {

    private final String id;
    private final long created;
    private final String model;

    /**
     * @param promptId the prompt: the completion's id is {@code chatcmpl-<promptId>}
     * @param created  seconds since the epoch
     * @param model    the model id as requested
     */
    ChatCompletions(final String promptId, final long created, final String model) {
        this.id = "chatcmpl-" + promptId;
        this.created = created;
        this.model = model;
    }

    String id() {
        return id;
    }

    /**
     * A whole completion: the answer as the content, and the visible summary as {@code reasoning_content}
     * (the field DeepSeek and vLLM use for reasoning shown to the user).
     */
    ObjectNode completion(final Outcome outcome) {
        final ObjectNode root = head("chat.completion");
        final ObjectNode choice = root.putArray("choices").addObject().put("index", 0);
        choice.putObject("message").put("role", "assistant").put("content", outcome.answer())
                .put("reasoning_content", outcome.summary()).putNull("refusal");
        choice.putNull("logprobs");
        choice.put("finish_reason", outcome.finishReason());
        usage(root.putObject("usage"), outcome.usage());
        return root;
    }

    /** A chunk whose delta is {@code delta}; {@code usage: null} when the stream ends with a usage chunk, as OpenAI does. */
    ObjectNode chunk(final ObjectNode delta, final String finishReason, final boolean withUsageField) {
        final ObjectNode root = head("chat.completion.chunk");
        final ObjectNode choice = root.putArray("choices").addObject().put("index", 0);
        choice.set("delta", delta);
        choice.putNull("logprobs");
        if (finishReason == null) {
            choice.putNull("finish_reason");
        } else {
            choice.put("finish_reason", finishReason);
        }
        if (withUsageField) {
            root.putNull("usage");
        }
        return root;
    }

    ObjectNode roleChunk(final boolean withUsageField) {
        return chunk(Jsons.MAPPER.createObjectNode().put("role", "assistant").put("content", ""), null, withUsageField);
    }

    ObjectNode reasoningChunk(final String text, final boolean withUsageField) {
        return chunk(Jsons.MAPPER.createObjectNode().put("reasoning_content", text), null, withUsageField);
    }

    ObjectNode contentChunk(final String text, final boolean withUsageField) {
        return chunk(Jsons.MAPPER.createObjectNode().put("content", text), null, withUsageField);
    }

    ObjectNode finishChunk(final String finishReason, final boolean withUsageField) {
        return chunk(Jsons.MAPPER.createObjectNode(), finishReason, withUsageField);
    }

    /** The last chunk when {@code stream_options.include_usage} is set: no choices, the usage. */
    ObjectNode usageChunk(final Outcome.Usage usage) {
        final ObjectNode root = head("chat.completion.chunk");
        root.putArray("choices");
        usage(root.putObject("usage"), usage);
        return root;
    }

    private ObjectNode head(final String object) {
        final ObjectNode root = Jsons.MAPPER.createObjectNode();
        root.put("id", id).put("object", object).put("created", created).put("model", model).putNull("system_fingerprint");
        return root;
    }

    static void usage(final ObjectNode u, final Outcome.Usage usage) {
        u.put("prompt_tokens", usage.promptTokens()).put("completion_tokens", usage.completionTokens())
                .put("total_tokens", usage.totalTokens());
        u.putObject("prompt_tokens_details").put("cached_tokens", 0);
        u.putObject("completion_tokens_details").put("reasoning_tokens", usage.reasoningTokens())
                .put("accepted_prediction_tokens", 0).put("rejected_prediction_tokens", 0);
    }
}
