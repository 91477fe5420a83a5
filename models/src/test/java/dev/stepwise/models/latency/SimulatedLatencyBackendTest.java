package dev.stepwise.models.latency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.stepwise.models.ModelBackend;
import dev.stepwise.models.ModelBackendConfig;
import dev.stepwise.models.ModelBackends;
import dev.stepwise.models.ModelCallException;
import dev.stepwise.models.ModelRole;
import dev.stepwise.models.ProposedStep;
import dev.stepwise.models.StepTask;
import dev.stepwise.models.VerificationTask;
import dev.stepwise.models.synthetic.SyntheticConfig;
import dev.stepwise.models.synthetic.SyntheticModelBackend;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SimulatedLatencyBackendTest {

    private static final String PROBLEM = "compute (3*4+5)*2 mod 7";
    private static final Latency LOGNORMAL = Latency.logNormal(Duration.ofMillis(50), Duration.ofMillis(500));

    private final List<Duration> waits = Collections.synchronizedList(new ArrayList<>());
    private final SyntheticModelBackend suite = new SyntheticModelBackend(SyntheticConfig.defaults());

    private SimulatedLatencyBackend backend(final Latency latency, final long seed) {
        return new SimulatedLatencyBackend(suite, latency, seed, waits::add);
    }

    private static StepTask task(final String stepId) {
        return new StepTask("p1", PROBLEM, List.of(), stepId, 1);
    }

    @Test
    void answersExactlyAsTheBackendItWrapsAfterWaiting() {
        final SimulatedLatencyBackend slow = backend(Latency.constant(Duration.ofMillis(75)), 1);
        final ProposedStep step = slow.propose(task("s1"));
        assertThat(step).isEqualTo(suite.propose(task("s1")));
        assertThat(slow.verify(new VerificationTask("p1", PROBLEM, List.of(), "s1", step.text())))
                .isEqualTo(suite.verify(new VerificationTask("p1", PROBLEM, List.of(), "s1", step.text())));
        assertThat(waits).containsExactly(Duration.ofMillis(75), Duration.ofMillis(75));
        assertThat(slow.model()).isEqualTo(suite.model());
    }

    @Test
    void aCallWaitsAsLongWhateverTheOrderItArrivesIn() {
        final List<String> ids = IntStream.range(0, 50).mapToObj(i -> "step-" + i).toList();
        final SimulatedLatencyBackend forward = backend(LOGNORMAL, 7);
        final List<Duration> inOrder = ids.stream().map(id -> forward.drawFor(ModelRole.PROPOSER,
                id, 0)).toList();
        final List<String> reversed = new ArrayList<>(ids);
        Collections.reverse(reversed);
        final SimulatedLatencyBackend backward = backend(LOGNORMAL, 7);
        final List<Duration> reverseOrder = new ArrayList<>(reversed.stream()
                .map(id -> backward.drawFor(ModelRole.PROPOSER, id, 0)).toList());
        Collections.reverse(reverseOrder);

        assertThat(reverseOrder).isEqualTo(inOrder);
        assertThat(inOrder.stream().distinct().count()).as("draws differ between calls (to the millisecond)")
                .isGreaterThan(30);
        final SimulatedLatencyBackend otherSeed = backend(LOGNORMAL, 8);
        assertThat(ids.stream().map(id -> otherSeed.drawFor(ModelRole.PROPOSER, id, 0)).toList())
                .isNotEqualTo(inOrder);
    }

    @Test
    void theDrawsFollowTheConfiguredMedianAndP99() {
        final SimulatedLatencyBackend slow = backend(LOGNORMAL, 3);
        final int draws = 20_000;
        final long[] millis = IntStream.range(0, draws)
                .mapToLong(i -> slow.drawFor(ModelRole.VERIFIER, "v" + i, 0).toMillis())
                .sorted().toArray();
        assertThat((double) millis[draws / 2]).isCloseTo(50, within(4.0));
        assertThat((double) millis[draws * 99 / 100]).isCloseTo(500, within(60.0));
    }

    @Test
    void samplesProposedInOneCallWaitOnceForTheLongestDraw() {
        final SimulatedLatencyBackend slow = backend(LOGNORMAL, 5);
        final List<StepTask> tasks = List.of(task("a"), task("b"), task("c"));
        final Duration longest = tasks.stream()
                .map(t -> slow.drawFor(ModelRole.PROPOSER, t.stepId(), 0))
                .max(Duration::compareTo).orElseThrow();

        assertThat(slow.proposeMany(tasks)).hasSize(3);
        assertThat(waits).containsExactly(longest);
    }

    @Test
    void anInterruptedWaitFailsTheCallAndKeepsTheInterrupt() {
        final SimulatedLatencyBackend interrupted = new SimulatedLatencyBackend(suite, LOGNORMAL, 1, d -> {
            throw new InterruptedException("stopping");
        });
        try {
            assertThatThrownBy(() -> interrupted.propose(task("s1"))).isInstanceOf(ModelCallException.class)
                    .hasMessageContaining("interrupted");
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void theConfigurationAddsLatencyOnlyWhenAsked() {
        try (ModelBackend plain = ModelBackends.create(ModelBackendConfig.defaults());
             ModelBackend slow = ModelBackends.create(ModelBackendConfig.fromMap(Map.of("synthetic.latency", "lognormal",
                     "synthetic.latency.median.ms", "40", "synthetic.latency.p99.ms", "400")))) {
            assertThat(plain).isInstanceOf(SyntheticModelBackend.class);
            assertThat(slow).isInstanceOf(SimulatedLatencyBackend.class);
        }
        assertThat(ModelBackendConfig.fromMap(Map.of("synthetic.latency.ms", "30")).syntheticLatency())
                .isEqualTo(Latency.constant(Duration.ofMillis(30)));
        assertThatThrownBy(() -> ModelBackendConfig.fromMap(Map.of("synthetic.latency", "lognormal",
                "synthetic.latency.median.ms", "400", "synthetic.latency.p99.ms", "40")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("synthetic.latency.p99.ms");
        assertThatThrownBy(() -> ModelBackendConfig.fromMap(Map.of("synthetic.latency", "gamma")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("synthetic.latency");
    }
}
