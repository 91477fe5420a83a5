package dev.stepwise.cli;

import dev.stepwise.client.PromptHandle;
import dev.stepwise.schemas.avro.AnswerPublished;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** How a CLI command waits for answers: failures to send are errors, a missing answer is null. */
final class Answers {

    private Answers() {
    }

    /**
     * The answer to a submitted prompt, or null when none came within {@code timeout}.
     *
     * @throws IllegalStateException when the prompt could not be published or the client stopped reading
     */
    static AnswerPublished await(final PromptHandle handle, final Duration timeout) throws InterruptedException {
        return await(handle.answer(), timeout);
    }

    static <T> T await(final CompletableFuture<T> future, final Duration timeout) throws InterruptedException {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return null;
        } catch (ExecutionException e) {
            final Throwable cause = e.getCause();
            throw cause instanceof RuntimeException r ? r : new IllegalStateException(cause.getMessage(), cause);
        }
    }
}
