package dev.stepwise.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SeedRangeTest {

    @Test
    void rangesListsAndBothTogetherAreRead() {
        assertThat(SeedRange.parse("1-3").seeds()).containsExactly(1L, 2L, 3L);
        assertThat(SeedRange.parse("5, 1").seeds()).containsExactly(5L, 1L);
        assertThat(SeedRange.parse("1-2,10,2").seeds()).containsExactly(1L, 2L, 10L);
        assertThat(SeedRange.parse("-3").seeds()).containsExactly(-3L);
        assertThat(SeedRange.parse(" 1-3 ").toString()).isEqualTo("1-3");
    }

    @Test
    void malformedAndDescendingRangesAreRejected() {
        assertThatThrownBy(() -> SeedRange.parse("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SeedRange.parse("a-b")).hasMessageContaining("not a seed");
        assertThatThrownBy(() -> SeedRange.parse("3-1")).hasMessageContaining("must ascend");
        assertThatThrownBy(() -> SeedRange.parse("1-100000")).hasMessageContaining("at most");
    }

    @Test
    void evaluationAndCalibrationSeedsMustNotMeet() {
        assertThat(SeedRange.parse("1-3").overlap(SeedRange.parse("3-5"))).containsExactly(3L);
        assertThat(SeedRange.parse("1-2").overlap(SeedRange.parse("1001-1002"))).isEmpty();
    }
}
