package dev.stepwise.agents;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class CompletionTrackerTest {

    private static final TopicPartition P = new TopicPartition("requests", 0);

    private final CompletionTracker tracker = new CompletionTracker();

    private CompletionTracker.Entry fetchAndStart(final long offset) {
        final CompletionTracker.Entry entry = tracker.fetched(P, offset, offset + 1);
        tracker.started(entry, new CompletableFuture<>());
        return entry;
    }

    private static List<ProducerRecord<String, SpecificRecord>> output(final String key) {
        return List.of(new ProducerRecord<>("steps", key, null));
    }

    @Test
    void aRecordFinishedBehindASlowOneIsWrittenAndNamedInTheCommitMetadata() {
        fetchAndStart(10);
        final CompletionTracker.Entry fast = fetchAndStart(11);
        fetchAndStart(12);

        tracker.done(fast, output("fast"));

        assertThat(tracker.commitDue()).isTrue();
        assertThat(tracker.unwrittenOutputs()).extracting(ProducerRecord::key).containsExactly("fast");
        final Map<TopicPartition, OffsetAndMetadata> offsets = tracker.committableOffsets();
        assertThat(offsets.get(P).offset()).as("the offset waits behind the slow record").isEqualTo(10);
        assertThat(WrittenOffsets.decode(offsets.get(P))).containsExactly(11L);
        tracker.committed(offsets);
        assertThat(tracker.unwrittenOutputs()).isEmpty();
        assertThat(tracker.commitDue()).isFalse();
    }

    @Test
    void whenEverythingBeforeIsDoneTheOffsetMovesPastItAndTheMetadataEmpties() {
        final CompletionTracker.Entry slow = fetchAndStart(10);
        final CompletionTracker.Entry fast = fetchAndStart(11);
        tracker.done(fast, output("fast"));
        tracker.committed(tracker.committableOffsets());

        tracker.done(slow, output("slow"));

        final Map<TopicPartition, OffsetAndMetadata> offsets = tracker.committableOffsets();
        assertThat(offsets.get(P).offset()).isEqualTo(12);
        assertThat(offsets.get(P).metadata()).isEmpty();
        assertThat(tracker.unwrittenOutputs()).extracting(ProducerRecord::key).containsExactly("slow");
        tracker.committed(offsets);
        assertThat(tracker.isEmpty()).isTrue();
    }

    @Test
    void aRecordAFormerOwnerWroteComesBackDoneWithNothingToWrite() {
        tracker.writtenBefore(List.of(P), Map.of(P, Set.of(11L)));

        final CompletionTracker.Entry redo = fetchAndStart(10);
        final CompletionTracker.Entry skipped = tracker.fetched(P, 11, 12);

        assertThat(skipped.isDone()).isTrue();
        assertThat(tracker.running()).isEqualTo(1);
        // Until the offset passes it, it stays named, so a second takeover skips it too.
        assertThat(WrittenOffsets.decode(tracker.committableOffsets().get(P))).containsExactly(11L);
        tracker.done(redo, output("redo"));
        assertThat(tracker.unwrittenOutputs()).extracting(ProducerRecord::key).containsExactly("redo");
        assertThat(tracker.committableOffsets().get(P).offset()).isEqualTo(12);
    }

    @Test
    void aRevokedPartitionForgetsWhatItWasToSkip() {
        tracker.writtenBefore(List.of(P), Map.of(P, Set.of(11L)));
        tracker.forget(List.of(P));

        assertThat(tracker.fetched(P, 11, 12).isDone()).isFalse();
    }
}
