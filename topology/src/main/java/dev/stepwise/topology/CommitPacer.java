package dev.stepwise.topology;

import org.apache.kafka.streams.processor.api.ProcessorContext;

/**
 * When the topology asks Kafka Streams to commit. What a task writes (a request to an agent, an answer to a
 * client) stays invisible to read_committed readers until its transaction commits, so waiting for Streams'
 * commit interval is a wait in every serial step. Committing after every such record instead throttles a
 * flood: each commit's round trips block the stream thread, and the thread's throughput fell to a third.
 *
 * <p>So the pacer asks for a commit at once when the stream thread's last requested commit is at least
 * {@code minGapMs} old, and otherwise owes one and asks as soon as the gap has passed: on the next record any
 * of the thread's tasks processes, or at the next check of the wall-clock punctuation. A lone step is
 * committed right after it is processed; a flood shares one transaction among all records of a gap.
 *
 * <p>One state per stream thread: Streams commits all of a thread's tasks together when one asks (and a
 * thread's tasks are only touched by that thread), while threads commit independently.
 */
final class CommitPacer {

    private final long minGapMs;
    private final ThreadLocal<ThreadPace> paces = ThreadLocal.withInitial(ThreadPace::new);

    /** @param minGapMs least time between two commits this pacer asks for on one thread; 0 asks every time */
    CommitPacer(final long minGapMs) {
        if (minGapMs < 0) {
            throw new IllegalArgumentException("minGapMs must not be negative: " + minGapMs);
        }
        this.minGapMs = minGapMs;
    }

    long minGapMs() {
        return minGapMs;
    }

    /** {@code context}'s task wrote something a reader waits for: commit now, or as soon as the gap allows. */
    void owe(final ProcessorContext<?, ?> context) {
        final ThreadPace pace = paces.get();
        pace.owedBy = context;
        settle(context.currentSystemTimeMs());
    }

    /** Asks for the commit this thread owes, if any, once the gap since the last one has passed. */
    void settle(final long nowMs) {
        final ThreadPace pace = paces.get();
        if (pace.owedBy != null && (pace.neverAsked || nowMs - pace.lastAskedMs >= minGapMs)) {
            pace.owedBy.commit();
            pace.owedBy = null;
            pace.neverAsked = false;
            pace.lastAskedMs = nowMs;
        }
    }

    /** The task of {@code context} closes: a commit it owes is taken care of by its closing commit. */
    void forget(final ProcessorContext<?, ?> context) {
        final ThreadPace pace = paces.get();
        if (pace.owedBy == context) {
            pace.owedBy = null;
        }
    }

    /** Whether this thread owes a commit it has not asked for yet (for tests). */
    boolean owing() {
        return paces.get().owedBy != null;
    }

    private static final class ThreadPace {
        private ProcessorContext<?, ?> owedBy;
        private boolean neverAsked = true;
        private long lastAskedMs;
    }
}
