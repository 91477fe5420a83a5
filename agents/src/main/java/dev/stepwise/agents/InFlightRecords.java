package dev.stepwise.agents;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * An agent's polled records between the poll and the commit: those waiting for a free slot (in poll order), those
 * being handled, each on a virtual thread of its own, and those finished and handed back; at most
 * {@code maxInFlight} handled at once. What of it may be committed is its {@link CompletionTracker}'s to say; when
 * to poll, commit and rewind is {@link TransactionalAgent}'s. Touched by the agent's loop thread only, except the
 * hand-back of a finished record.
 *
 * @param <I> request type
 */
final class InFlightRecords<I extends SpecificRecord> {

    /** A finished record, handed from its virtual thread to the loop. */
    private record Finished(CompletionTracker.Entry entry, List<ProducerRecord<String, SpecificRecord>> outputs) {
    }

    private record Waiting(ConsumerRecord<byte[], byte[]> record, CompletionTracker.Entry entry) {
    }

    private final RecordWork<I> work;
    private final int maxInFlight;
    private final ExecutorService workers;
    private final CompletionTracker tracker = new CompletionTracker();
    private final Deque<Waiting> waiting = new ArrayDeque<>();
    /** Blocking, so that the loop can wait for the next record to finish rather than sleep a fixed time. */
    private final BlockingQueue<Finished> finished = new LinkedBlockingQueue<>();
    private final AtomicInteger peakRunning = new AtomicInteger();
    /** An error that escaped a record's work (a bug): the loop stops the agent with it, its records are redone by the next owner. */
    private volatile Throwable workerFailure;

    /** @param threadName prefix of the virtual threads' names */
    InFlightRecords(final RecordWork<I> work, final int maxInFlight, final String threadName) {
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("maxInFlight must be at least 1, got " + maxInFlight);
        }
        this.work = work;
        this.maxInFlight = maxInFlight;
        this.workers = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name(threadName + "-record-", 0).factory());
    }

    CompletionTracker tracker() {
        return tracker;
    }

    int maxInFlight() {
        return maxInFlight;
    }

    /** The most records handled at once so far (never above the limit). */
    int peakRunning() {
        return peakRunning.get();
    }

    /** Takes in what a poll returned; records a former owner already wrote come back done and are not handled. */
    void accept(final ConsumerRecords<byte[], byte[]> records) {
        final Map<TopicPartition, OffsetAndMetadata> next = records.nextOffsets();
        for (final TopicPartition partition : records.partitions()) {
            final List<ConsumerRecord<byte[], byte[]>> polled = records.records(partition);
            final OffsetAndMetadata after = next.get(partition);
            final long nextOffset = after != null ? after.offset() : polled.getLast().offset() + 1;
            for (final ConsumerRecord<byte[], byte[]> record : polled) {
                final CompletionTracker.Entry entry = tracker.fetched(partition, record.offset(), nextOffset);
                if (!entry.isDone()) {
                    waiting.add(new Waiting(record, entry));
                }
            }
        }
    }

    /** Starts waiting records while there are free slots. */
    void startWaiting() {
        while (!waiting.isEmpty() && tracker.running() < maxInFlight) {
            final Waiting next = waiting.poll();
            final CompletionTracker.Entry entry = next.entry();
            tracker.started(entry, workers.submit(() -> {
                try {
                    finished.add(new Finished(entry, work.outputsFor(next.record())));
                } catch (InterruptedException e) {
                    // Cancelled: its partition left, or the agent is closing; the record is handled again.
                    Thread.currentThread().interrupt();
                } catch (RuntimeException | Error e) {
                    workerFailure = e;
                }
            }));
            peakRunning.accumulateAndGet(tracker.running(), Math::max);
        }
    }

    /**
     * Records what has finished, then fills the freed slots.
     *
     * @throws IllegalStateException when a record's work failed outside its own error handling
     */
    void collectFinished() {
        if (workerFailure != null) {
            throw new IllegalStateException("a record's work failed outside its error handling", workerFailure);
        }
        collectFinishedWithoutStarting();
        startWaiting();
    }

    /**
     * Waits until a record finishes or {@code timeout} passes, and records it: so that the loop commits a fast
     * record's outputs the moment it is done, rather than after a fixed wait.
     *
     * @return true when something finished (during the wait, or before it and not yet recorded)
     * @throws InterruptedException when the loop thread is interrupted (the agent is closing)
     */
    boolean awaitFinished(final Duration timeout) throws InterruptedException {
        final Finished first = finished.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
        if (first == null) {
            return false;
        }
        tracker.done(first.entry(), first.outputs());
        collectFinishedWithoutStarting();
        return true;
    }

    /** Records what has finished and starts nothing: on the way out. */
    void collectFinishedWithoutStarting() {
        Finished done;
        while ((done = finished.poll()) != null) {
            tracker.done(done.entry(), done.outputs());
        }
    }

    /** True while records wait for a slot or every slot is taken: time to pause the partitions. */
    boolean full() {
        return !waiting.isEmpty() || tracker.running() >= maxInFlight;
    }

    /** True when nothing polled is left uncommitted and nothing finished is waiting to be recorded. */
    boolean isQuiet() {
        return tracker.isEmpty() && finished.isEmpty();
    }

    /** Drops the partitions' records (revoked or lost), cancelling those being handled. */
    void forget(final Collection<TopicPartition> partitions) {
        tracker.forget(partitions);
        waiting.removeIf(w -> partitions.contains(w.entry().partition));
    }

    /** Drops every record (a failed commit, or stopping), cancelling those being handled. */
    void forgetAll() {
        tracker.forgetAll();
        waiting.clear();
        finished.clear();
    }

    /** Stops the virtual threads still running. */
    void shutdown() {
        workers.shutdownNow();
    }
}
