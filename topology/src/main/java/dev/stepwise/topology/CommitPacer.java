package dev.stepwise.topology;

import org.apache.kafka.streams.processor.api.ProcessorContext;

/**
 * When the topology asks Kafka Streams to commit. What a task writes (a request to an agent, an answer to a
 * client) stays invisible to read_committed readers until its transaction commits, so waiting for Streams'
 * commit interval is a wait in every serial step. Committing after every such record instead throttles a
 * flood: each commit's round trips block the stream thread, and the thread's throughput fell to a third.
 *
 * <p>So the pacer tells the two apart by whether the stream thread was idle before the record: a record that
 * arrived after at least {@link #IDLE_MS} without work (a serial step coming back from the agents) is committed
 * at once. A record processed back to back with others (a flood, or the first record after a commit) is
 * committed at once only when the thread's last requested commit is at least {@code minGapMs} old; otherwise the
 * commit is owed and asked for as soon as the gap has passed: on the next record any of the thread's tasks
 * processes, or at the next check of the wall-clock punctuation. A flood shares one transaction among all
 * records of a gap.
 *
 * <p>One state per stream thread: Streams commits all of a thread's tasks together when one asks (and a
 * thread's tasks are only touched by that thread), while threads commit independently.
 */
final class CommitPacer {

    /**
     * A thread that had no record to process for this long before one is not under load. Records of one poll are
     * processed microseconds apart, polls under load a millisecond or two apart; a step's next event comes back
     * from the agents after a transactional hop, 10 ms or more.
     */
    static final long IDLE_MS = 5;

    private final long minGapMs;
    private final ThreadLocal<ThreadPace> paces = ThreadLocal.withInitial(ThreadPace::new);

    /** @param minGapMs least time between two commits this pacer asks for on a busy thread; 0 asks every time */
    CommitPacer(final long minGapMs) {
        if (minGapMs < 0) {
            throw new IllegalArgumentException("minGapMs must not be negative: " + minGapMs);
        }
        this.minGapMs = minGapMs;
    }

    long minGapMs() {
        return minGapMs;
    }

    /** The thread starts processing a record: notes whether it was idle before, and pays a commit owed if due. */
    void recordStarted(final long nowMs) {
        final ThreadPace pace = paces.get();
        // Right after a commit the time since the last record was spent committing, not idle.
        pace.idleBefore = !pace.askedSinceLastRecord && nowMs - pace.lastRecordEndMs >= IDLE_MS;
        pace.askedSinceLastRecord = false;
        settle(nowMs);
    }

    /** The thread is done with a record. */
    void recordEnded(final long nowMs) {
        paces.get().lastRecordEndMs = nowMs;
    }

    /** {@code context}'s task wrote something a reader waits for: commit now, or as soon as the gap allows. */
    void owe(final ProcessorContext<?, ?> context) {
        final ThreadPace pace = paces.get();
        pace.owedBy = context;
        final long now = context.currentSystemTimeMs();
        if (pace.idleBefore) {
            ask(pace, now);
        } else {
            settle(now);
        }
    }

    /** Asks for the commit this thread owes, if any, once the gap since the last one has passed. */
    void settle(final long nowMs) {
        final ThreadPace pace = paces.get();
        if (pace.owedBy != null && (pace.neverAsked || nowMs - pace.lastAskedMs >= minGapMs)) {
            ask(pace, nowMs);
        }
    }

    private static void ask(final ThreadPace pace, final long nowMs) {
        pace.owedBy.commit();
        pace.owedBy = null;
        pace.neverAsked = false;
        pace.lastAskedMs = nowMs;
        pace.askedSinceLastRecord = true;
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
        private long lastRecordEndMs = Long.MIN_VALUE / 2;
        private boolean idleBefore;
        private boolean askedSinceLastRecord;
    }
}
