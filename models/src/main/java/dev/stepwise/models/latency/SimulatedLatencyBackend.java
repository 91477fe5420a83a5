package dev.stepwise.models.latency;

import dev.stepwise.models.Judgement;
import dev.stepwise.models.ModelBackend;
import dev.stepwise.models.ModelCallException;
import dev.stepwise.models.ModelRole;
import dev.stepwise.models.ProposedStep;
import dev.stepwise.models.RevisionTask;
import dev.stepwise.models.StepTask;
import dev.stepwise.models.VerificationTask;
import dev.stepwise.models.synthetic.Seeds;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/**
 * A backend that takes as long as a model would: each call waits for a latency drawn from {@link Latency}, then
 * answers as the backend it wraps. The synthetic backend answers in microseconds, so without this every pipeline
 * figure measures Stepwise's own overhead only; with it, the same runs are model-bound (issue: the pipeline at real
 * model latencies).
 *
 * <p>The draw is seeded by the call's identity (role, step id, attempt), not by arrival order, so a call asked for
 * again, or the same run on another machine with other thread timings, waits as long as before. Several samples
 * proposed in one call wait once, for the longest of their draws: that is what one request with {@code n} samples
 * costs on a server that decodes them in parallel. The wait happens on the caller's thread, which for the agents
 * is a virtual thread, so waiting calls hold no platform thread.
 */
public final class SimulatedLatencyBackend implements ModelBackend {

    private final ModelBackend delegate;
    private final Latency latency;
    private final long seed;
    private final Sleeper sleeper;

    /** How a call waits; tests record the waits instead of sleeping. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    public SimulatedLatencyBackend(final ModelBackend delegate, final Latency latency, final long seed) {
        this(delegate, latency, seed, Thread::sleep);
    }

    SimulatedLatencyBackend(final ModelBackend delegate, final Latency latency, final long seed, final Sleeper sleeper) {
        this.delegate = delegate;
        this.latency = latency;
        this.seed = seed;
        this.sleeper = sleeper;
    }

    /** The latency one call with this identity waits. */
    Duration drawFor(final ModelRole role, final String id, final int attempt) {
        return latency.draw(Seeds.random(seed, "latency", role.id(), id, Integer.toString(attempt)));
    }

    @Override
    public String model() {
        return delegate.model();
    }

    @Override
    public String model(final ModelRole role) {
        return delegate.model(role);
    }

    @Override
    public ProposedStep propose(final StepTask task) {
        return after(drawFor(ModelRole.PROPOSER, task.stepId(), 0), () -> delegate.propose(task));
    }

    @Override
    public List<ProposedStep> proposeMany(final List<StepTask> tasks) {
        final Duration longest = tasks.stream().map(task -> drawFor(ModelRole.PROPOSER, task.stepId(), 0))
                .max(Duration::compareTo).orElse(Duration.ZERO);
        return after(longest, () -> delegate.proposeMany(tasks));
    }

    @Override
    public Judgement verify(final VerificationTask task) {
        return after(drawFor(ModelRole.VERIFIER, task.stepId() + "/" + task.kind(), 0), () -> delegate.verify(task));
    }

    @Override
    public ProposedStep revise(final RevisionTask task) {
        return after(drawFor(ModelRole.REVISER, task.stepId(), task.attempt()), () -> delegate.revise(task));
    }

    @Override
    public void close() {
        delegate.close();
    }

    private <T> T after(final Duration wait, final Supplier<T> call) {
        if (!wait.isZero()) {
            try {
                sleeper.sleep(wait);
            } catch (final InterruptedException e) {
                // The agent is stopping: the call fails like an interrupted HTTP call, and is asked for again later.
                Thread.currentThread().interrupt();
                throw new ModelCallException("interrupted while the simulated model was answering", e);
            }
        }
        return call.get();
    }

    @Override
    public String toString() {
        return "SimulatedLatencyBackend[" + latency + ", " + delegate + "]";
    }
}
