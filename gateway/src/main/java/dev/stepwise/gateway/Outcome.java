package dev.stepwise.gateway;

import dev.stepwise.schemas.avro.AnswerPublished;

/**
 * What an answer means to an OpenAI client: a text and why it stopped, or an error; and the usage to report.
 *
 * <ul>
 *   <li>An answer: {@code finish_reason "stop"}, the answer as the content.</li>
 *   <li>No answer and no error (the budget or the deadline ran out before a chain finished):
 *       {@code finish_reason "length"}, empty content; the summary says what happened.</li>
 *   <li>An answer with {@code error}: a prompt the topology rejected ({@code stopCause "rejected"}) is a 400
 *       {@code prompt_rejected}; any other error (the backend could not work on the prompt) is a 502
 *       {@code search_failed} sent with {@code x-should-retry: false}, since asking again fails the same way.</li>
 * </ul>
 *
 * @param answer       the content, empty when there is none
 * @param finishReason {@code stop} or {@code length}
 * @param summary      the answer's visible summary (never the chain)
 * @param error        the error to send instead, or null
 * @param usage        tokens to report
 */
record Outcome(String answer, String finishReason, String summary, ApiError error, Usage usage) {

    /**
     * Tokens as OpenAI reports them. Stepwise has no tokenizer of the caller's model: the prompt and the answer
     * are estimated at 4 characters a token; the reasoning tokens are the search's own count (every call of
     * every chain, the hidden chain's tokens).
     */
    record Usage(long promptTokens, long reasoningTokens, long answerTokens) {

        long completionTokens() {
            return reasoningTokens + answerTokens;
        }

        long totalTokens() {
            return promptTokens + completionTokens();
        }

        static long estimate(final String text) {
            return text == null || text.isEmpty() ? 0 : Math.max(1, (text.length() + 3) / 4);
        }
    }

    boolean failed() {
        return error != null;
    }

    static Outcome of(final AnswerPublished a, final String promptText) {
        final String answer = a.getAnswer() == null ? "" : a.getAnswer();
        final Usage usage = new Usage(Usage.estimate(promptText), a.getTokens(), Usage.estimate(answer));
        ApiError error = null;
        if (a.getError() != null) {
            error = "rejected".equals(a.getStopCause())
                    ? ApiError.badRequest(null, "prompt_rejected", a.getError())
                    : new ApiError(502, "server_error", null, "search_failed", a.getError());
        }
        return new Outcome(answer, a.getAnswer() == null ? "length" : "stop", a.getSummary(), error, usage);
    }
}
