package dev.stepwise.gateway;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * The JSON of the Responses API: the response object, its reasoning and message output items, and the
 * events of a stream, numbered in order ({@code sequence_number}).
 *
 * <p>The reasoning item's {@code summary} holds what may be shown of the reasoning: in a plain response, the
 * answer's visible summary; in a stream, first the progress lines as they were streamed, then that summary as
 * a second part. The chain itself is never in it (no {@code content}, no {@code encrypted_content}).
 */
final class Responses {

    private final String promptId;
    private final long createdAt;
    private final SearchRequest request;
    private int sequence;

    Responses(final String promptId, final long createdAt, final SearchRequest request) {
        this.promptId = promptId;
        this.createdAt = createdAt;
        this.request = request;
    }

    String id() {
        return "resp_" + promptId;
    }

    String reasoningId() {
        return "rs_" + promptId;
    }

    String messageId() {
        return "msg_" + promptId;
    }

    /** The response object; {@code output} and {@code usage} are filled in by the caller when known. */
    ObjectNode response(final String status) {
        final ObjectNode r = Jsons.MAPPER.createObjectNode();
        r.put("id", id()).put("object", "response").put("created_at", createdAt).put("status", status);
        r.putNull("error");
        r.putNull("incomplete_details");
        r.putNull("instructions");
        if (request.maxTokens() == null) {
            r.putNull("max_output_tokens");
        } else {
            r.put("max_output_tokens", request.maxTokens());
        }
        r.put("model", request.model());
        r.putArray("output");
        r.put("parallel_tool_calls", false);
        r.putNull("previous_response_id");
        r.putObject("reasoning").put("effort", request.effort().wireName()).put("summary", "auto");
        r.put("store", false);
        r.putNull("temperature");
        r.putObject("text").putObject("format").put("type", "text");
        r.put("tool_choice", "none");
        r.putArray("tools");
        r.putNull("top_p");
        r.put("truncation", "disabled");
        r.putNull("usage");
        if (request.requester() == null) {
            r.putNull("user");
        } else {
            r.put("user", request.requester());
        }
        r.putObject("metadata");
        return r;
    }

    /** The finished response: reasoning item, message item, usage; {@code incomplete} when no answer was found. */
    ObjectNode completed(final Outcome outcome, final List<String> summaries) {
        final boolean complete = "stop".equals(outcome.finishReason());
        final ObjectNode r = response(complete ? "completed" : "incomplete");
        if (!complete) {
            r.putObject("incomplete_details").put("reason", "max_output_tokens");
        }
        final ArrayNode output = r.putArray("output");
        output.add(reasoningItem(summaries));
        output.add(messageItem(outcome.answer(), "completed"));
        usage(r.putObject("usage"), outcome.usage());
        return r;
    }

    /** The failed response, with the error as OpenAI reports a failed response. */
    ObjectNode failed(final ApiError error) {
        final ObjectNode r = response("failed");
        r.putObject("error").put("code", error.code()).put("message", error.getMessage());
        return r;
    }

    ObjectNode reasoningItem(final List<String> summaries) {
        final ObjectNode item = Jsons.MAPPER.createObjectNode().put("id", reasoningId()).put("type", "reasoning");
        final ArrayNode summary = item.putArray("summary");
        summaries.forEach(text -> summary.addObject().put("type", "summary_text").put("text", text));
        return item;
    }

    ObjectNode messageItem(final String text, final String status) {
        final ObjectNode item = Jsons.MAPPER.createObjectNode().put("id", messageId()).put("type", "message")
                .put("status", status).put("role", "assistant");
        final ArrayNode content = item.putArray("content");
        if (text != null) {
            content.add(outputText(text));
        }
        return item;
    }

    static ObjectNode outputText(final String text) {
        final ObjectNode part = Jsons.MAPPER.createObjectNode().put("type", "output_text").put("text", text);
        part.putArray("annotations");
        part.putArray("logprobs");
        return part;
    }

    static ObjectNode summaryPart(final String text) {
        return Jsons.MAPPER.createObjectNode().put("type", "summary_text").put("text", text);
    }

    /** An event of {@code type}, with the next sequence number. */
    ObjectNode event(final String type) {
        return Jsons.MAPPER.createObjectNode().put("type", type).put("sequence_number", sequence++);
    }

    /** An event about the reasoning item (output index 0). */
    ObjectNode reasoningEvent(final String type, final int summaryIndex) {
        return event(type).put("item_id", reasoningId()).put("output_index", 0).put("summary_index", summaryIndex);
    }

    /** An event about the message item's text (output index 1, content index 0). */
    ObjectNode textEvent(final String type) {
        return event(type).put("item_id", messageId()).put("output_index", 1).put("content_index", 0);
    }

    static void usage(final ObjectNode u, final Outcome.Usage usage) {
        u.put("input_tokens", usage.promptTokens());
        u.putObject("input_tokens_details").put("cached_tokens", 0);
        u.put("output_tokens", usage.completionTokens());
        u.putObject("output_tokens_details").put("reasoning_tokens", usage.reasoningTokens());
        u.put("total_tokens", usage.totalTokens());
    }
}
