package dev.stepwise.modelserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.stepwise.models.latency.Latency;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ChaosTest {

    private static final int DRAWS = 20_000;

    @Test
    void aLognormalLatencyHasTheConfiguredMedianAndP99() {
        final Chaos chaos = new Chaos(7, Latency.logNormal(Duration.ofMillis(200), Duration.ofMillis(2_000)), 0, 0, 0, 0);
        final long[] millis = IntStream.range(0, DRAWS).mapToLong(i -> chaos.next().latency().toMillis()).sorted().toArray();
        assertThat((double) millis[DRAWS / 2]).isCloseTo(200, within(12.0));
        assertThat((double) millis[DRAWS * 99 / 100]).isCloseTo(2_000, within(200.0));
        assertThat(millis[0]).isPositive();
    }

    @Test
    void theSameSeedGivesTheSameDrawsInTheSameOrder() {
        final List<Chaos.Plan> first = plans(new Chaos(3, Latency.logNormal(Duration.ofMillis(50), Duration.ofMillis(500)),
                0.1, 0.1, 0.1, 0.1), 50);
        final List<Chaos.Plan> again = plans(new Chaos(3, Latency.logNormal(Duration.ofMillis(50), Duration.ofMillis(500)),
                0.1, 0.1, 0.1, 0.1), 50);
        final List<Chaos.Plan> other = plans(new Chaos(4, Latency.logNormal(Duration.ofMillis(50), Duration.ofMillis(500)),
                0.1, 0.1, 0.1, 0.1), 50);
        assertThat(again).isEqualTo(first);
        assertThat(other).isNotEqualTo(first);
    }

    @Test
    void faultsComeAtTheirConfiguredRates() {
        final Chaos chaos = new Chaos(11, Latency.constant(Duration.ZERO), 0.12, 0.08, 0.06, 0.04);
        final Map<Chaos.Fault, Integer> counts = new EnumMap<>(Chaos.Fault.class);
        for (int i = 0; i < DRAWS; i++) {
            counts.merge(chaos.next().fault(), 1, Integer::sum);
        }
        final double[] expected = {0.70, 0.12, 0.08, 0.06, 0.04};
        Arrays.stream(Chaos.Fault.values()).forEach(fault -> assertThat((double) counts.getOrDefault(fault, 0) / DRAWS)
                .as(fault.name()).isCloseTo(expected[fault.ordinal()], within(0.012)));
    }

    @Test
    void aConstantLatencyIsConstant() {
        final Chaos chaos = new Chaos(1, Latency.constant(Duration.ofMillis(75)), 0, 0, 0, 0);
        assertThat(plans(chaos, 10)).allSatisfy(plan -> {
            assertThat(plan.latency()).isEqualTo(Duration.ofMillis(75));
            assertThat(plan.fault()).isEqualTo(Chaos.Fault.NONE);
        });
    }

    private static List<Chaos.Plan> plans(final Chaos chaos, final int count) {
        return IntStream.range(0, count).mapToObj(i -> chaos.next()).toList();
    }
}
