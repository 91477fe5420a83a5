package dev.stepwise.agents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

class BackoffTest {

    private final Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofMillis(1_000));

    @RepeatedTest(20)
    void doublesPerFailureWithinJitterAndNeverExceedsTheCap() {
        assertThat(backoff.delay(1).toMillis()).isBetween(80L, 120L);
        assertThat(backoff.delay(2).toMillis()).isBetween(160L, 240L);
        assertThat(backoff.delay(3).toMillis()).isBetween(320L, 480L);
        assertThat(backoff.delay(5).toMillis()).isBetween(800L, 1_000L);
        assertThat(backoff.delay(1_000).toMillis()).isBetween(800L, 1_000L);
    }

    @Test
    void noFailuresMeansNoDelay() {
        assertThat(backoff.delay(0)).isZero();
        assertThat(new Backoff(Duration.ZERO, Duration.ZERO).delay(3)).isZero();
    }

    @Test
    void rejectsACapBelowTheFirstDelay() {
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
