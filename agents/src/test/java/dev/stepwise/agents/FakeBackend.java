package dev.stepwise.agents;

import dev.stepwise.models.Judgement;
import dev.stepwise.models.ModelBackend;
import dev.stepwise.models.ModelCallException;
import dev.stepwise.models.ProposedStep;
import dev.stepwise.models.RevisionTask;
import dev.stepwise.models.StepTask;
import dev.stepwise.models.VerificationTask;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A model whose answers the test chooses. By default it proposes "step <stepId>" (3 tokens) and
 * accepts every step with score 0.9 (5 tokens); it records every task and the most calls it saw at once.
 */
final class FakeBackend implements ModelBackend {

    volatile Function<StepTask, ProposedStep> propose = task -> new ProposedStep("step " + task.stepId(), false, null, 3);
    volatile Function<VerificationTask, Judgement> verify = task -> new Judgement(0.9, true, "fine", 5);
    volatile Function<RevisionTask, ProposedStep> revise = task -> new ProposedStep("revised " + task.stepId(), true, "42", 7);

    /** Simulated model latency per call. */
    volatile long delayMs;

    /** What proposeMany answers; by default each sample through {@link #propose}, one after the other. */
    volatile Function<List<StepTask>, List<ProposedStep>> proposeMany = samples -> ModelBackend.super.proposeMany(samples);

    final List<Object> tasks = new CopyOnWriteArrayList<>();
    final AtomicInteger proposeManyCalls = new AtomicInteger();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();

    @Override
    public String model() {
        return "fake/test-v1";
    }

    @Override
    public ProposedStep propose(final StepTask task) {
        return track(task, propose);
    }

    /** Counts the calls for several samples; the default draws them one by one through {@link #propose}. */
    @Override
    public List<ProposedStep> proposeMany(final List<StepTask> samples) {
        proposeManyCalls.incrementAndGet();
        return proposeMany.apply(samples);
    }

    @Override
    public Judgement verify(final VerificationTask task) {
        return track(task, verify);
    }

    @Override
    public ProposedStep revise(final RevisionTask task) {
        return track(task, revise);
    }

    int maxInFlight() {
        return maxInFlight.get();
    }

    /** Sleeps like a slow model call; an interrupt fails the call as a real HTTP backend's would, keeping the flag set. */
    static void pause(final long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ModelCallException("call interrupted", e);
        }
    }

    private <T, R> R track(final T task, final Function<T, R> answer) {
        tasks.add(task);
        maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        try {
            if (delayMs > 0) {
                pause(delayMs);
            }
            return answer.apply(task);
        } finally {
            inFlight.decrementAndGet();
        }
    }
}
