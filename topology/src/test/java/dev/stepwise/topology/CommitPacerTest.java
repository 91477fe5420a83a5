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
