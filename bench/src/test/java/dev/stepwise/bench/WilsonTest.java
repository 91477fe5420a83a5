package dev.stepwise.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class WilsonTest {

    @Test
    void halfRightOfTenIsTheTextbookInterval() {
        final Wilson ci = Wilson.interval95(5, 10);
        assertThat(ci.low()).isCloseTo(0.2366, within(1e-4));
        assertThat(ci.high()).isCloseTo(0.7634, within(1e-4));
    }

    @Test
    void noneOrAllRightStayInsideZeroAndOneWithAPositiveWidth() {
        final Wilson none = Wilson.interval95(0, 10);
        assertThat(none.low()).isZero();
        assertThat(none.high()).isCloseTo(0.2775, within(1e-4));
        final Wilson all = Wilson.interval95(10, 10);
        assertThat(all.low()).isCloseTo(0.7225, within(1e-4));
        assertThat(all.high()).isEqualTo(1.0);
    }

    @Test
    void moreProblemsNarrowTheInterval() {
        final Wilson small = Wilson.interval95(80, 100);
        final Wilson large = Wilson.interval95(800, 1000);
        assertThat(large.high() - large.low()).isLessThan(small.high() - small.low());
        assertThat(small.low()).isLessThan(0.8);
        assertThat(small.high()).isGreaterThan(0.8);
    }

    @Test
    void noProblemsSayNothing() {
        assertThat(Wilson.interval95(0, 0)).isEqualTo(new Wilson(0.0, 1.0));
    }

    @Test
    void moreSuccessesThanTriesAreRejected() {
        assertThatThrownBy(() -> Wilson.interval95(11, 10)).isInstanceOf(IllegalArgumentException.class);
    }
}
