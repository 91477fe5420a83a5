package dev.stepwise.agents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stepwise.models.ModelCallException;
import dev.stepwise.models.ProblemNotUnderstoodException;
import dev.stepwise.models.ProposedStep;
import dev.stepwise.models.StepTask;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ModelCallsTest {

    private static final Backoff FAST = new Backoff(Duration.ofMillis(1), Duration.ofMillis(2));
    private static final StepTask TASK = new StepTask("p1", "1 + 1", List.of(), "r1.0", 0);

    private final FakeBackend backend = new FakeBackend();

    @Test
    void retriesARetriableFailureAndReturnsTheLaterAnswer() throws InterruptedException {
        final AtomicInteger attempts = new AtomicInteger();
        backend.propose = task -> {
            if (attempts.incrementAndGet() < 3) {
                throw new ModelCallException("HTTP 503");
            }
            return new ProposedStep("1 + 1 = 2", true, "2", 4);
        };

        final ModelCalls.Outcome<ProposedStep> outcome = new ModelCalls(backend, 4, 3, FAST).call("r1.0", b -> b.propose(TASK));

        assertThat(outcome).isInstanceOfSatisfying(ModelCalls.Answered.class,
                answered -> assertThat(answered.value()).isEqualTo(new ProposedStep("1 + 1 = 2", true, "2", 4)));
        assertThat(attempts).hasValue(3);
    }

    @Test
    void givesUpAfterTheConfiguredRetriesWithTheLastFailure() {
        final AtomicInteger attempts = new AtomicInteger();
        backend.propose = task -> {
            throw new ModelCallException("HTTP 429 #" + attempts.incrementAndGet());
        };

        assertThatThrownBy(() -> new ModelCalls(backend, 4, 2, FAST).call("r1.0", b -> b.propose(TASK)))
                .isInstanceOf(ModelCallException.class).hasMessage("HTTP 429 #3");
        assertThat(attempts).hasValue(3);
    }

    @Test
    void aProblemTheModelCannotReadIsNotRetried() throws InterruptedException {
        final AtomicInteger attempts = new AtomicInteger();
        backend.propose = task -> {
            attempts.incrementAndGet();
            throw new ProblemNotUnderstoodException("only arithmetic chains");
        };

        final ModelCalls.Outcome<ProposedStep> outcome = new ModelCalls(backend, 4, 3, FAST).call("r1.0", b -> b.propose(TASK));

        assertThat(outcome).isInstanceOfSatisfying(ModelCalls.NotUnderstood.class,
                notUnderstood -> assertThat(notUnderstood.message()).isEqualTo("only arithmetic chains"));
        assertThat(attempts).hasValue(1);
    }

    @Test
    void aFailureRetryingCannotFixIsNotRetriedAndItsMessageNamesTheModelAndTheCause() throws InterruptedException {
        final AtomicInteger attempts = new AtomicInteger();
        backend.propose = task -> {
            attempts.incrementAndGet();
            throw ModelCallException.notRetriable("HTTP 401 from http://llm/v1/chat/completions: invalid API key");
        };

        final ModelCalls.Outcome<ProposedStep> outcome = new ModelCalls(backend, 4, 3, FAST).call("r1.0", b -> b.propose(TASK));

        assertThat(outcome).isInstanceOfSatisfying(ModelCalls.FailedForGood.class, failed -> assertThat(failed.message())
                .isEqualTo("Model fake/test-v1 failed and retrying will not help: "
                        + "HTTP 401 from http://llm/v1/chat/completions: invalid API key"));
        assertThat(attempts).hasValue(1);
    }

    @Test
    void retryingStopsAtTheFirstFailureRetryingCannotFix() throws InterruptedException {
        final AtomicInteger attempts = new AtomicInteger();
        backend.propose = task -> {
            if (attempts.incrementAndGet() == 1) {
                throw new ModelCallException("HTTP 503");
            }
            throw ModelCallException.notRetriable("HTTP 404: model not found");
        };

        final ModelCalls.Outcome<ProposedStep> outcome = new ModelCalls(backend, 4, 5, FAST).call("r1.0", b -> b.propose(TASK));

        assertThat(outcome).isInstanceOf(ModelCalls.FailedForGood.class);
        assertThat(attempts).hasValue(2);
    }

    @Test
    void aCallInterruptedBecauseTheAgentStopsIsNotRetried() {
        final AtomicInteger attempts = new AtomicInteger();
        backend.propose = task -> {
            attempts.incrementAndGet();
            Thread.currentThread().interrupt();
            throw new ModelCallException("connection closed");
        };

        try {
            assertThatThrownBy(() -> new ModelCalls(backend, 4, 3, FAST).call("r1.0", b -> b.propose(TASK)))
                    .isInstanceOf(InterruptedException.class);
            assertThat(attempts).hasValue(1);
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void measuresTheLatencyOfTheCall() throws InterruptedException {
        backend.propose = task -> {
            try {
                Thread.sleep(30);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            return new ProposedStep("x", false, null, 1);
        };

        final ModelCalls.Outcome<ProposedStep> outcome = new ModelCalls(backend, 1, 0, FAST).call("r1.0", b -> b.propose(TASK));

        assertThat(outcome.latencyMs()).isBetween(30L, 5_000L);
    }

    @Test
    void keepsAtMostMaxInFlightCallsRunning() throws Exception {
        final CountDownLatch twoRunning = new CountDownLatch(2);
        backend.propose = task -> {
            twoRunning.countDown();
            try {
                twoRunning.await(5, TimeUnit.SECONDS);
                Thread.sleep(20);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            return new ProposedStep("x", false, null, 1);
        };
        final ModelCalls calls = new ModelCalls(backend, 2, 0, FAST);

        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            final List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                futures.add(executor.submit(() -> calls.call("r", b -> b.propose(TASK))));
            }
            for (final Future<?> future : futures) {
                future.get(10, TimeUnit.SECONDS);
            }
        }

        assertThat(backend.maxInFlight()).isEqualTo(2);
    }
}
