package dev.stepwise.topology;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.junit.jupiter.api.Test;

class CommitPacerTest {

    private final MockProcessorContext<String, Object> first = new MockProcessorContext<>();
    private final MockProcessorContext<String, Object> second = new MockProcessorContext<>();

    @Test
    void aLoneOutputIsCommittedAtOnce() {
        final CommitPacer pacer = new CommitPacer(50);
        first.setCurrentSystemTimeMs(1_000);

        pacer.owe(first);

        assertThat(first.committed()).isTrue();
        assertThat(pacer.owing()).isFalse();
    }

    @Test
    void anOutputWithinTheGapWaitsForItAndThenOneCommitCoversTheThread() {
        final CommitPacer pacer = new CommitPacer(50);
        first.setCurrentSystemTimeMs(1_000);
        pacer.owe(first);
        first.resetCommit();

        second.setCurrentSystemTimeMs(1_020);
        pacer.owe(second);
        assertThat(second.committed()).as("20 ms after the last commit").isFalse();
        assertThat(pacer.owing()).isTrue();

        pacer.settle(1_049);
        assertThat(second.committed()).isFalse();

        pacer.settle(1_050);
        assertThat(second.committed()).isTrue();
        assertThat(first.committed()).as("Streams commits all of a thread's tasks on one request").isFalse();
        assertThat(pacer.owing()).isFalse();
    }

    @Test
    void aRecordAfterTheThreadWasIdleIsCommittedAtOnceEvenWithinTheGap() {
        final CommitPacer pacer = new CommitPacer(50);
        pacer.recordStarted(1_000);
        first.setCurrentSystemTimeMs(1_000);
        pacer.owe(first);
        pacer.recordEnded(1_001);
        first.resetCommit();
        // The first record after a commit comes after the commit's own time: busy, not idle.
        pacer.recordStarted(1_008);
        pacer.recordEnded(1_009);

        // A serial step's next event, back from the agents 20 ms later.
        pacer.recordStarted(1_029);
        second.setCurrentSystemTimeMs(1_029);
        pacer.owe(second);

        assertThat(second.committed()).isTrue();
    }

    @Test
    void recordsProcessedBackToBackArePacedByTheGap() {
        final CommitPacer pacer = new CommitPacer(50);
        pacer.recordStarted(1_000);
        first.setCurrentSystemTimeMs(1_000);
        pacer.owe(first);
        pacer.recordEnded(1_000);
        first.resetCommit();

        pacer.recordStarted(1_007);
        pacer.recordEnded(1_007);
        pacer.recordStarted(1_008);
        second.setCurrentSystemTimeMs(1_008);
        pacer.owe(second);
        pacer.recordEnded(1_008);
        assertThat(second.committed()).as("a flood, 8 ms after the last commit").isFalse();

        pacer.recordStarted(1_050);
        assertThat(second.committed()).as("the next record after the gap pays what is owed").isTrue();
    }

    @Test
    void settlingWithNothingOwedAsksForNothing() {
        final CommitPacer pacer = new CommitPacer(50);

        pacer.settle(10_000);

        assertThat(first.committed()).isFalse();
        assertThat(pacer.owing()).isFalse();
    }

    @Test
    void aClosingTaskTakesItsDebtWithIt() {
        final CommitPacer pacer = new CommitPacer(50);
        first.setCurrentSystemTimeMs(1_000);
        pacer.owe(first);
        second.setCurrentSystemTimeMs(1_010);
        pacer.owe(second);

        pacer.forget(second);

        assertThat(pacer.owing()).isFalse();
    }

    @Test
    void aZeroGapCommitsEveryTime() {
        final CommitPacer pacer = new CommitPacer(0);
        first.setCurrentSystemTimeMs(1_000);
        pacer.owe(first);
        first.resetCommit();

        pacer.owe(first);

        assertThat(first.committed()).isTrue();
    }

    @Test
    void threadsArePacedApart() throws InterruptedException {
        final CommitPacer pacer = new CommitPacer(50);
        first.setCurrentSystemTimeMs(1_000);
        pacer.owe(first);

        second.setCurrentSystemTimeMs(1_001);
        final Thread other = new Thread(() -> pacer.owe(second));
        other.start();
        other.join();

        assertThat(second.committed()).as("another stream thread's first commit").isTrue();
    }
}
