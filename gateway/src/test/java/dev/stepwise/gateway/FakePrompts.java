package dev.stepwise.gateway;

import dev.stepwise.client.ProgressListener;
import dev.stepwise.schemas.avro.AnswerPublished;
import dev.stepwise.schemas.avro.PromptSubmitted;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Stepwise played by the test: it sees each submitted prompt and decides its progress and answer. */
final class FakePrompts implements PromptService {

    record Submitted(PromptSubmitted prompt, ProgressListener listener, CompletableFuture<AnswerPublished> answer) {
    }

    private final BlockingQueue<Submitted> submitted = new LinkedBlockingQueue<>();
    final List<String> cancelled = new CopyOnWriteArrayList<>();

    @Override
    public CompletableFuture<AnswerPublished> submit(final PromptSubmitted prompt, final ProgressListener listener) {
        final CompletableFuture<AnswerPublished> answer = new CompletableFuture<>();
        submitted.add(new Submitted(prompt, listener, answer));
        return answer;
    }

    @Override
    public void cancel(final String promptId, final String reason, final String requestedBy) {
        cancelled.add(promptId + ": " + reason);
    }

    /** The next prompt the gateway submitted. */
    Submitted next() throws InterruptedException {
        final Submitted next = submitted.poll(Duration.ofSeconds(10).toMillis(), TimeUnit.MILLISECONDS);
        if (next == null) {
            throw new AssertionError("the gateway submitted no prompt");
        }
        return next;
    }
}
