package dev.stepwise.agents;

import dev.stepwise.models.ModelBackend;
import dev.stepwise.models.ModelCallException;
import dev.stepwise.models.ModelRole;
import dev.stepwise.models.ProblemNotUnderstoodException;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.Semaphore;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every model call of one agent instance goes through here: at most {@code maxInFlight} calls at once, the failure
 * classified into an {@link Outcome}, and the call timed: when it began, on the caller's clock once a slot was free
 * (so a wait for a slot counts as queueing, not as model time), and how long it took, on the monotonic clock.
 *
 * <p><b>Retries happen in one place, and it is not here.</b> A backend that talks to a server retries a failed request
 * itself (the OpenAI backend: one Failsafe policy, {@code openai.max.retries}, honouring {@code Retry-After}). Before,
 * this class retried each call again ({@code agent.model.retries}) around the HTTP client's retries, and the
 * transactional agent redid the whole batch around both: up to 16 attempts for one call, and every other call of the
 * batch made again. Now a retriable failure that outlasted the backend's retries comes back as {@link GaveUp}: the
 * handler writes nothing for that request and its offset is committed with the rest of the batch. The search asks
 * again, with the same ids, when its timeout for that reply fires, within the prompt's budget and deadline (see
 * {@code search.proposal.timeout.ms} and {@code search.verdict.timeout.ms}); it already had to, for work lost when an
 * agent dies. So an outage of the model server delays answers, and a prompt whose deadline passes is answered with
 * the reason, instead of a partition retrying forever.
 */
public final class ModelCalls {

    private static final Logger LOG = LoggerFactory.getLogger(ModelCalls.class);

    private final ModelBackend backend;
    private final Semaphore permits;

    /**
     * @param backend     the model; shared, and closed by whoever created it
     * @param maxInFlight calls in flight at once (a call for k samples of a step counts once)
     */
    public ModelCalls(final ModelBackend backend, final int maxInFlight) {
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("need maxInFlight >= 1, got " + maxInFlight);
        }
        this.backend = backend;
        this.permits = new Semaphore(maxInFlight, true);
    }

    /** Backend and model name, for log lines. */
    public String model() {
        return backend.model();
    }

    /** The model that serves one role, as recorded in {@code AgentCall.model}. */
    public String model(final ModelRole role) {
        return backend.model(role);
    }

    /** What a model call came to. */
    public sealed interface Outcome<T> {
        /** When the call began, on the clock given to {@link #call}, after the wait for a free slot. */
        Instant startedAt();

        /** Wall-clock time of the call, the backend's own retries included. */
        long latencyMs();
    }

    /** The model answered. */
    public record Answered<T>(T value, Instant startedAt, long latencyMs) implements Outcome<T> {
    }

    /** The model cannot work on this problem at all; {@code message} is meant for the user. */
    public record NotUnderstood<T>(String message, Instant startedAt, long latencyMs) implements Outcome<T> {
    }

    /**
     * The call failed in a way that retrying will not fix (a wrong API key, base URL or model name);
     * {@code message} names the model and the cause, for the user and the operator.
     */
    public record FailedForGood<T>(String message, Instant startedAt, long latencyMs) implements Outcome<T> {
    }

    /**
     * The call failed in a way a later try may fix, and the backend's retries did not: nothing is written for the
     * request, and the search asks for it again when its timeout fires.
     */
    public record GaveUp<T>(String message, Instant startedAt, long latencyMs) implements Outcome<T> {
    }

    /**
     * Calls the model once; the backend retries what it can. Not-understood and give-up outcomes are logged here;
     * a {@link FailedForGood} is not: the caller logs it once for the record it was working on (see
     * {@link #logFailedForGood}).
     *
     * @param what  a short description for log lines, e.g. the request id
     * @param clock the caller's clock, which stamps {@link Outcome#startedAt()} as it stamps the caller's events
     * @throws InterruptedException when the agent is stopping (the call failed because it was interrupted)
     */
    public <T> Outcome<T> call(final String what, final Clock clock, final Function<ModelBackend, T> call)
            throws InterruptedException {
        permits.acquire();
        final Instant startedAt = clock.instant();
        final long start = System.nanoTime();
        try {
            return new Answered<>(call.apply(backend), startedAt, elapsedMs(start));
        } catch (ProblemNotUnderstoodException e) {
            final String message = e.getMessage() == null ? e.getClass().getName() : e.getMessage();
            LOG.info("Model {} cannot work on {}: {}", backend.model(), what, message);
            return new NotUnderstood<>(message, startedAt, elapsedMs(start));
        } catch (ModelCallException e) {
            if (Thread.currentThread().isInterrupted()) {
                // The call failed because the agent is stopping and interrupted it: not the model's fault.
                throw new InterruptedException("model call for " + what + " interrupted: " + e.getMessage());
            }
            if (!e.retriable()) {
                return new FailedForGood<>("Model " + backend.model() + " failed and retrying will not help: "
                        + e.getMessage(), startedAt, elapsedMs(start));
            }
            LOG.warn("Model call for {} failed after the backend's retries; nothing is written for it, and the search "
                    + "will ask again: {}", what, e.getMessage());
            return new GaveUp<>(e.getMessage(), startedAt, elapsedMs(start));
        } finally {
            permits.release();
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
