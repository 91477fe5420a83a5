package dev.stepwise.agents;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.common.TopicPartition;

/**
 * What other threads see of one agent's loop, and wait for: whether it was started, was asked to close, is running
 * or failed, which input partitions it owns, and when it has stopped. Thread-safe: the loop thread (and its
 * rebalance listener) writes, any thread reads and waits; the loop's own state stays in {@link TransactionalAgent}.
 */
final class AgentRunState {

    private final String who;
    private final AtomicBoolean started = new AtomicBoolean();
    private final CountDownLatch closeRequested = new CountDownLatch(1);
    private final CountDownLatch terminated = new CountDownLatch(1);
    private final Object assignmentChanged = new Object();
    private volatile boolean running;
    private volatile Throwable failure;
    private volatile Set<TopicPartition> assignment = Set.of();

    /** @param who the agent, for error messages */
    AgentRunState(final String who) {
        this.who = who;
    }

    /**
     * Claims the agent's one start.
     *
     * @throws IllegalStateException when it was already started or closed
     */
    void claimStart() {
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException(who + " was already started or closed");
        }
        running = true;
    }

    /**
     * Asks the loop to stop.
     *
     * @return true when the agent never started: then nobody else will close its clients, the caller must
     */
    boolean requestClose() {
        closeRequested.countDown();
        return started.compareAndSet(false, true);
    }

    boolean closing() {
        return closeRequested.getCount() == 0;
    }

    /**
     * Waits {@code delay}, or less when close is asked meanwhile.
     *
     * @return true when close was asked
     */
    boolean awaitCloseRequest(final Duration delay) throws InterruptedException {
        return closeRequested.await(delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    boolean isRunning() {
        return running;
    }

    /** The loop is on its way out: no longer running, not yet terminated. */
    void stopping() {
        running = false;
    }

    void failed(final Throwable error) {
        failure = error;
    }

    Optional<Throwable> failure() {
        return Optional.ofNullable(failure);
    }

    /** Called every turn of the loop: changes nothing, and wakes nobody, unless the partitions did change. */
    void assigned(final Set<TopicPartition> partitions) {
        if (partitions.equals(assignment)) {
            return;
        }
        synchronized (assignmentChanged) {
            assignment = Set.copyOf(partitions);
            assignmentChanged.notifyAll();
        }
    }

    Set<TopicPartition> assignment() {
        return assignment;
    }

    /**
     * Waits until the agent owns at least one partition.
     *
     * @return false when the timeout elapsed first, or the agent stopped
     */
    boolean awaitAssignment(final Duration timeout) throws InterruptedException {
        final long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (assignmentChanged) {
            while (assignment.isEmpty()) {
                final long remainingMs = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (remainingMs <= 0 || terminated.getCount() == 0) {
                    return !assignment.isEmpty();
                }
                assignmentChanged.wait(remainingMs);
            }
            return true;
        }
    }

    /** The loop has stopped and closed its clients: it owns nothing any more. */
    void terminated() {
        synchronized (assignmentChanged) {
            // Under the lock, so that awaitAssignment sees the agent stopped as it wakes.
            assignment = Set.of();
            terminated.countDown();
            assignmentChanged.notifyAll();
        }
    }

    /** @return false when the timeout elapsed first */
    boolean awaitTermination(final Duration timeout) throws InterruptedException {
        return terminated.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
}
