package dev.stepwise.agents;

import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/** Waits for tasks and rethrows what they threw, unwrapped, so callers can classify it. */
final class Tasks {

    private Tasks() {
    }

    /**
     * The task's result.
     *
     * @throws RuntimeException     what the task threw
     * @throws InterruptedException when this thread, or the task, was interrupted or cancelled because the agent is stopping
     */
    static <T> T await(final Future<T> future) throws InterruptedException {
        try {
            return future.get();
        } catch (CancellationException e) {
            final InterruptedException stopped = new InterruptedException("task cancelled");
            stopped.initCause(e);
            throw stopped;
        } catch (ExecutionException e) {
            final Throwable cause = e.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof InterruptedException interrupted) {
                throw interrupted;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException("task failed with a checked exception", cause);
        }
    }
}
