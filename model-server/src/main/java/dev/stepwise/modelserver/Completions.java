package dev.stepwise.modelserver;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The JSON the server writes, shaped like OpenAI's: a chat completion, the chunks of a streamed one, and error
 * objects. Log-probabilities are made up but consistent: the verdict token of a judgement carries the reply's P(yes)
 * against P(no); any other token a high, deterministic probability.
 */
final class Completions {

    static final ObjectMapper JSON = new ObjectMapper();
    /** Alternatives a verdict token may have besides Yes and No, far less likely. */
    private static final List<String> FILLERS = List.of("The", "Maybe", "I", "It", "Correct", "Step", "This", "We");

    /** What one request asked for, and the replies. */
    record Answer(String id, String model, long created, List<StandIn.Reply> replies, int topLogprobs,
                  boolean logprobs, int promptTokens) {

        int completionTokens() {
            return replies.stream().mapToInt(reply -> Tokens.count(reply.text())).sum();
        }
    }

    private Completions() {
    }

    static ObjectNode completion(final Answer answer) {
        final ObjectNode body = head(answer, "chat.completion");
        final ArrayNode choices = body.putArray("choices");
        for (int i = 0; i < answer.replies().size(); i++) {
            final StandIn.Reply reply = answer.replies().get(i);
            final ObjectNode choice = choices.addObject().put("index", i);
            choice.putObject("message").put("role", "assistant").put("content", reply.text());
            if (answer.logprobs()) {
                choice.putObject("logprobs").set("content", logprobs(reply, Tokens.split(reply.text()), 0,
                        answer.topLogprobs()));
            } else {
                choice.putNull("logprobs");
            }
            choice.put("finish_reason", "stop");
        }
        usage(body.putObject("usage"), answer);
        return body;
    }

    /** The chunks of a streamed answer, in order: a role chunk per choice, the tokens interleaved, the ends, usage. */
    static List<ObjectNode> chunks(final Answer answer, final boolean includeUsage) {
        final List<ObjectNode> chunks = new ArrayList<>();
        final List<List<String>> tokens = answer.replies().stream().map(reply -> Tokens.split(reply.text())).toList();
        for (int i = 0; i < tokens.size(); i++) {
            chunks.add(chunk(answer, i, delta -> delta.put("role", "assistant").put("content", ""), null, null));
        }
        final int longest = tokens.stream().mapToInt(List::size).max().orElse(0);
        for (int k = 0; k < longest; k++) {
            for (int i = 0; i < tokens.size(); i++) {
                if (k < tokens.get(i).size()) {
                    final String token = tokens.get(i).get(k);
                    final ArrayNode logprobs = answer.logprobs()
                            ? logprobs(answer.replies().get(i), List.of(token), k, answer.topLogprobs()) : null;
                    chunks.add(chunk(answer, i, delta -> delta.put("content", token), logprobs, null));
                }
            }
        }
        for (int i = 0; i < tokens.size(); i++) {
            chunks.add(chunk(answer, i, delta -> { }, null, "stop"));
        }
        if (includeUsage) {
            final ObjectNode last = head(answer, "chat.completion.chunk");
            last.putArray("choices");
            usage(last.putObject("usage"), answer);
            chunks.add(last);
        }
        return chunks;
    }

    /** An OpenAI error object. */
    static byte[] error(final String message, final String type, final String param, final String code) {
        final ObjectNode body = JSON.createObjectNode();
        final ObjectNode error = body.putObject("error").put("message", message).put("type", type);
        error.put("param", param);
        error.put("code", code);
        return body.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static ObjectNode head(final Answer answer, final String object) {
        final ObjectNode body = JSON.createObjectNode();
        body.put("id", answer.id()).put("object", object).put("created", answer.created()).put("model", answer.model());
        body.put("system_fingerprint", "fp_stepwise_synthetic");
        return body;
    }

    private static ObjectNode chunk(final Answer answer, final int index,
                                    final Consumer<ObjectNode> delta, final ArrayNode logprobs,
                                    final String finishReason) {
        final ObjectNode chunk = head(answer, "chat.completion.chunk");
        final ObjectNode choice = chunk.putArray("choices").addObject().put("index", index);
        delta.accept(choice.putObject("delta"));
        if (logprobs == null) {
            choice.putNull("logprobs");
        } else {
            choice.putObject("logprobs").set("content", logprobs);
        }
        choice.put("finish_reason", finishReason);
        return chunk;
    }

    private static void usage(final ObjectNode usage, final Answer answer) {
        final int completion = answer.completionTokens();
        usage.put("prompt_tokens", answer.promptTokens()).put("completion_tokens", completion)
                .put("total_tokens", answer.promptTokens() + completion);
    }

    /** Tokens {@code first}, {@code first + 1}, ... of a reply, each with its log-probability and alternatives. */
    private static ArrayNode logprobs(final StandIn.Reply reply, final List<String> tokens, final int first,
                                      final int top) {
        final ArrayNode array = JSON.createArrayNode();
        for (int k = 0; k < tokens.size(); k++) {
            final String token = tokens.get(k);
            final boolean verdict = first + k == 0 && reply.yes() != null;
            final ObjectNode node = array.addObject().put("token", token);
            final ArrayNode alternatives = JSON.createArrayNode();
            if (verdict) {
                final double yes = reply.yes();
                node.put("logprob", Math.log("Yes".equals(token) ? yes : 1.0 - yes));
                alternative(alternatives, yes >= 0.5 ? "Yes" : "No", Math.log(Math.max(yes, 1.0 - yes)));
                alternative(alternatives, yes >= 0.5 ? "No" : "Yes", Math.log(Math.min(yes, 1.0 - yes)));
            } else {
                final double logprob = -0.01 * (1 + (token.hashCode() & 7));
                node.put("logprob", logprob);
                alternative(alternatives, token, logprob);
            }
            for (int j = 0; alternatives.size() < top && j < FILLERS.size(); j++) {
                if (!FILLERS.get(j).equals(token)) {
                    alternative(alternatives, FILLERS.get(j), -9.0 - j);
                }
            }
            while (alternatives.size() > top) {
                alternatives.remove(alternatives.size() - 1);
            }
            bytes(node, token);
            node.set("top_logprobs", alternatives);
        }
        return array;
    }

    private static void alternative(final ArrayNode alternatives, final String token, final double logprob) {
        bytes(alternatives.addObject().put("token", token).put("logprob", logprob), token);
    }

    private static void bytes(final ObjectNode node, final String token) {
        final ArrayNode bytes = node.putArray("bytes");
        for (final byte b : token.getBytes(StandardCharsets.UTF_8)) {
            bytes.add(b & 0xff);
        }
    }
}
