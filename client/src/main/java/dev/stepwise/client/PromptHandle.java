package dev.stepwise.client;

import dev.stepwise.schemas.avro.AnswerPublished;
import java.util.concurrent.CompletableFuture;

/**
 * One submitted prompt: its id, whether the broker has it, and its answer.
 *
 * <p>{@link #answer()} completes with the {@link AnswerPublished} the topology writes for it: a normal answer,
 * an answer with {@code error} set (the prompt was rejected, {@code stopCause} "rejected", or the backend
 * failed), or, after a cancellation, one with {@code stopCause} "cancelled". It completes exceptionally when
 * the prompt could not be sent or the client closed. Cancelling or timing out the future (e.g.
 * {@code orTimeout}) only stops waiting here; {@link #cancel} also stops the search.
 */
public final class PromptHandle {

    private final String promptId;
    private final CompletableFuture<Void> sent;
    private final CompletableFuture<AnswerPublished> answer;
    private final StepwiseClient client;

    PromptHandle(final String promptId, final CompletableFuture<Void> sent, final CompletableFuture<AnswerPublished> answer,
                 final StepwiseClient client) {
        this.promptId = promptId;
        this.sent = sent;
        this.answer = answer;
        this.client = client;
    }

    public String promptId() {
        return promptId;
    }

    /** Completes when the broker has the prompt (acks=all), exceptionally when it could not be sent. */
    public CompletableFuture<Void> sent() {
        return sent;
    }

    public CompletableFuture<AnswerPublished> answer() {
        return answer;
    }

    /**
     * Asks the topology to stop searching for this prompt: it stops spending model calls, logs a CANCEL
     * decision and answers with stopCause "cancelled". Keep waiting on {@link #answer()} for that answer, or
     * stop waiting by cancelling the future.
     */
    public CompletableFuture<Void> cancel(final String reason, final String requestedBy) {
        return client.cancel(promptId, reason, requestedBy);
    }
}
