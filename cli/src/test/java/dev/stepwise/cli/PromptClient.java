package dev.stepwise.cli;

import dev.stepwise.client.ClientSettings;
import dev.stepwise.client.ProgressListener;
import dev.stepwise.client.PromptHandle;
import dev.stepwise.client.StepwiseClient;
import dev.stepwise.schemas.avro.AnswerPublished;
import dev.stepwise.schemas.avro.PromptSubmitted;
import dev.stepwise.schemas.serde.SchemaRegistryClient;
import dev.stepwise.schemas.topics.Topics;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * The batch view the CLI's integration tests take of the client library: publish prompts (waiting until the
 * broker has each), then collect whichever answers arrive within a time, as often as needed.
 */
final class PromptClient implements AutoCloseable {

    private static final long POLL_NANOS = 50_000_000L;

    private final StepwiseClient client;
    private final Map<String, CompletableFuture<AnswerPublished>> pending = new ConcurrentHashMap<>();

    PromptClient(final String bootstrap, final SchemaRegistryClient registry, final Topics topics) {
        this.client = StepwiseClient.connect(ClientSettings.of(bootstrap, registry, topics).withClientId("stepwise-it"));
    }

    /** Publishes a prompt and waits until the broker has it. */
    void submit(final PromptSubmitted prompt) {
        final PromptHandle handle = client.submit(prompt, ProgressListener.NONE);
        pending.put(prompt.getPromptId(), handle.answer());
        try {
            handle.sent().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while publishing prompt " + prompt.getPromptId(), e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        }
    }

    /**
     * Waits up to {@code timeout} for the answers of {@code promptIds}, handing each to {@code onAnswer} as it
     * arrives.
     *
     * @return the answers received, by prompt id (fewer than asked for if the timeout passed)
     */
    Map<String, AnswerPublished> awaitAnswers(final Set<String> promptIds, final Duration timeout,
                                              final Consumer<AnswerPublished> onAnswer) {
        promptIds.forEach(id -> pending.computeIfAbsent(id, k -> client.answerOf(k, ProgressListener.NONE)));
        final Map<String, AnswerPublished> received = new LinkedHashMap<>();
        final long deadline = System.nanoTime() + timeout.toNanos();
        do {
            for (String id : promptIds) {
                final CompletableFuture<AnswerPublished> answer = pending.get(id);
                if (!received.containsKey(id) && answer.isDone()) {
                    final AnswerPublished a = answer.join();
                    received.put(id, a);
                    onAnswer.accept(a);
                }
            }
            if (received.size() < promptIds.size()) {
                LockSupport.parkNanos(POLL_NANOS);
            }
        } while (received.size() < promptIds.size() && System.nanoTime() < deadline && !Thread.currentThread().isInterrupted());
        return received;
    }

    @Override
    public void close() {
        client.close();
    }
}
