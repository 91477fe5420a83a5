package dev.stepwise.agents;

import dev.stepwise.models.ModelBackend;
import dev.stepwise.models.ModelCallException;
import dev.stepwise.models.ProblemNotUnderstoodException;
import java.util.concurrent.Semaphore;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every model call of one agent instance goes through here: at most {@code maxInFlight} calls at
 * once (a permit is held only while a call runs, never while waiting to retry), retriable failures
 * retried with backoff, failures that retrying cannot fix returned at once as {@link FailedForGood},
 * and the wall-clock latency of the call measured.
 */
public final class ModelCalls {

    private static final Logger LOG = LoggerFactory.getLogger(ModelCalls.class);

    private final ModelBackend backend;
    private final Semaphore permits;
    private final int retries;
    private final Backoff backoff;

    /**
     * @param backend     the model; shared, and closed by whoever created it
     * @param maxInFlight calls in flight at once
     * @param retries     retries after a {@link ModelCallException}, so at most {@code retries + 1} attempts
     * @param backoff     delay before each retry
     */
    public ModelCalls(final ModelBackend backend, final int maxInFlight, final int retries, final Backoff backoff) {
        if (maxInFlight < 1 || retries < 0) {
            throw new IllegalArgumentException("need maxInFlight >= 1 and retries >= 0, got " + maxInFlight + " and " + retries);
        }
        this.backend = backend;
        this.permits = new Semaphore(maxInFlight, true);
        this.retries = retries;
        this.backoff = backoff;
    }

    /** Backend and model name, as recorded in {@code AgentCall.model}. */
    public String model() {
        return backend.model();
    }

    /** What a model call came to. */
    public sealed interface Outcome<T> {
        /** Wall-clock time of the attempt that gave this outcome. */
        long latencyMs();
    }

    /** The model answered. */
    public record Answered<T>(T value, long latencyMs) implements Outcome<T> {
    }

    /** The model cannot work on this problem at all; {@code message} is meant for the user. */
    public record NotUnderstood<T>(String message, long latencyMs) implements Outcome<T> {
    }

    /**
     * The call failed in a way that retrying will not fix (a wrong API key, base URL or model name);
     * {@code message} names the model and the cause, for the user and the operator.
     */
    public record FailedForGood<T>(String message, long latencyMs) implements Outcome<T> {
    }

    /**
     * Calls the model, retrying retriable failures. A {@link ModelCallException#retriable() non-retriable}
     * failure is not retried, and comes back as {@link FailedForGood} without being logged: the caller
     * logs it once for the record it was working on (see {@link #logFailedForGood}).
     *
     * @param what a short description for log lines, e.g. the step id
     * @throws ModelCallException   the last failure, when every attempt of a retriable failure failed
     * @throws InterruptedException when the agent is stopping
     */
    public <T> Outcome<T> call(final String what, final Function<ModelBackend, T> call) throws InterruptedException {
        for (int attempt = 1; ; attempt++) {
            final ModelCallException failure;
            permits.acquire();
            final long start = System.nanoTime();
            try {
                return new Answered<>(call.apply(backend), elapsedMs(start));
            } catch (ProblemNotUnderstoodException e) {
                final String message = e.getMessage() == null ? e.getClass().getName() : e.getMessage();
                LOG.info("Model {} cannot work on {}: {}", backend.model(), what, message);
                return new NotUnderstood<>(message, elapsedMs(start));
            } catch (ModelCallException e) {
                if (!e.retriable()) {
                    return new FailedForGood<>("Model " + backend.model() + " failed and retrying will not help: "
                            + e.getMessage(), elapsedMs(start));
                }
                failure = e;
            } finally {
                // Released before any backoff, so that a waiting retry does not hold a slot others could use.
                permits.release();
            }
            if (Thread.currentThread().isInterrupted()) {
                // The call failed because the agent is stopping and interrupted it: do not retry.
                throw new InterruptedException("model call for " + what + " interrupted: " + failure.getMessage());
            }
            if (attempt > retries) {
                throw failure;
            }
            final long delayMs = backoff.delay(attempt).toMillis();
            LOG.warn("Model call for {} failed (attempt {} of {}), retrying in {} ms: {}",
                    what, attempt, retries + 1, delayMs, failure.getMessage());
            Thread.sleep(delayMs);
        }
    }

    /**
     * Logs a {@link FailedForGood} outcome at ERROR, once per record however many calls it took: it
     * needs an operator (key, URL, model name), and the prompt is answered with the error rather than retried.
     *
     * @param record the request it came from, e.g. the request or step id
     */
    static void logFailedForGood(final String record, final FailedForGood<?> failure) {
        LOG.error("Answering {} with an error instead of retrying: {}", record, failure.message());
    }

    private static long elapsedMs(final long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
