package dev.stepwise.agents;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.LongStream;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class WrittenOffsetsTest {

    private static final TopicPartition P0 = new TopicPartition("requests", 0);
    private static final TopicPartition P1 = new TopicPartition("requests", 1);

    @Test
    void offsetsPastTheCommitRoundTripAsRelativeRanges() {
        final String metadata = WrittenOffsets.encode(100, List.of(101L, 102L, 103L, 107L, 110L, 111L));

        assertThat(metadata).isEqualTo("w1:1-3,7,10-11");
        assertThat(WrittenOffsets.decode(new OffsetAndMetadata(100, metadata)))
                .containsExactlyInAnyOrder(101L, 102L, 103L, 107L, 110L, 111L);
    }

    @Test
    void offsetsAtOrBeforeTheCommitAreNotNamed() {
        assertThat(WrittenOffsets.encode(100, List.of(99L, 100L))).isEmpty();
        assertThat(WrittenOffsets.encode(100, List.of())).isEmpty();
        assertThat(WrittenOffsets.decode(new OffsetAndMetadata(100, ""))).isEmpty();
    }

    @Test
    void metadataItCannotReadSkipsNothing() {
        assertThat(WrittenOffsets.decode(new OffsetAndMetadata(5, "written by another tool"))).isEmpty();
        assertThat(WrittenOffsets.decode(new OffsetAndMetadata(5, "w1:3,x"))).isEmpty();
        assertThat(WrittenOffsets.decode(new OffsetAndMetadata(5, "w1:0"))).as("the committed offset itself is never done").isEmpty();
        assertThat(WrittenOffsets.decode(new OffsetAndMetadata(5, "w1:4-2"))).isEmpty();
        assertThat(WrittenOffsets.decode(new OffsetAndMetadata(5, null))).isEmpty();
        assertThat(WrittenOffsets.decode(null)).isEmpty();
    }

    @Test
    void tooManyOffsetsAreCutShortUnderTheBrokersMetadataLimit() {
        // Every other offset: no ranges, so it cannot fit; what is left out is redone, never skipped wrongly.
        final List<Long> scattered = LongStream.range(1, 4_000).map(i -> 1_000_000 + 2 * i).boxed().toList();
        final String metadata = WrittenOffsets.encode(1_000_000, scattered);

        assertThat(metadata.length()).isLessThanOrEqualTo(WrittenOffsets.MAX_CHARS);
        final Set<Long> decoded = WrittenOffsets.decode(new OffsetAndMetadata(1_000_000, metadata));
        assertThat(decoded).isNotEmpty().isSubsetOf(scattered);
        assertThat(decoded).contains(1_000_002L);
    }

    @Test
    void partitionsWithNothingWrittenAreLeftOut() {
        final Map<TopicPartition, Set<Long>> written = WrittenOffsets.decodeAll(Map.of(
                P0, new OffsetAndMetadata(10, "w1:2"), P1, new OffsetAndMetadata(4, "")));

        assertThat(written).containsOnlyKeys(P0);
        assertThat(written.get(P0)).containsExactly(12L);
    }
}
