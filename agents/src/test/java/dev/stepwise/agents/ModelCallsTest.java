package dev.stepwise.agents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.stepwise.models.ModelCallException;
import dev.stepwise.models.ProblemNotUnderstoodException;
import dev.stepwise.models.ProposedStep;
import dev.stepwise.models.StepTask;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ModelCallsTest {

    private static final StepTask TASK = new StepTask("p1", "1 + 1", List.of(), "r1.0", 0);
    private static final Instant NOW = Instant.parse("2026-11-26T12:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    private final FakeBackend backend = new FakeBackend();

    @Test
    void aRetriableFailureIsNotRetriedHereItComesBackAsGaveUp() throws InterruptedException {
        final AtomicInteger attempts = new AtomicInteger();
        backend.propose = task -> {
            throw new ModelCallException("HTTP 503 (gave up after 4 attempts) #" + attempts.incrementAndGet());
        };

        final ModelCalls.Outcome<ProposedStep> outcome = new ModelCalls(backend, 4).call("r1.0", CLOCK, b -> b.propose(TASK));

        assertThat(outcome).isInstanceOfSatisfying(ModelCalls.GaveUp.class,
                gaveUp -> assertThat(gaveUp.message()).isEqualTo("HTTP 503 (gave up after 4 attempts) #1"));
        assertThat(attempts).as("the backend's retries are the only ones").hasValue(1);
    }

    @Test
    void anAnswerComesBackWithItsValue() throws InterruptedException {
        backend.propose = task -> new ProposedStep("1 + 1 = 2", true, "2", 4);

        final ModelCalls.Outcome<ProposedStep> outcome = new ModelCalls(backend, 4).call("r1.0", CLOCK, b -> b.propose(TASK));

        assertThat(outcome).isInstanceOfSatisfying(ModelCalls.Answered.class,
                answered -> assertThat(answered.value()).isEqualTo(new ProposedStep("1 + 1 = 2", true, "2", 4)));
    }

    @Test
    void aProblemTheModelCannotReadIsNotRetried() throws InterruptedException {
        final AtomicInteger attempts = new AtomicInteger();
        backend.propose = task -> {
            attempts.incrementAndGet();
            throw new ProblemNotUnderstoodException("only arithmetic chains");
        };

        final ModelCalls.Outcome<ProposedStep> outcome = new ModelCalls(backend, 4).call("r1.0", CLOCK, b -> b.propose(TASK));

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

        final ModelCalls.Outcome<ProposedStep> outcome = new ModelCalls(backend, 4).call("r1.0", CLOCK, b -> b.propose(TASK));

        assertThat(outcome).isInstanceOfSatisfying(ModelCalls.FailedForGood.class, failed -> assertThat(failed.message())
                .isEqualTo("Model fake/test-v1 failed and retrying will not help: "
                        + "HTTP 401 from http://llm/v1/chat/completions: invalid API key"));
        assertThat(attempts).hasValue(1);
    }

    @Test
    void aCallInterruptedBecauseTheAgentStopsIsAnInterruptNotAFailure() {
        final AtomicInteger attempts = new AtomicInteger();
        backend.propose = task -> {
            attempts.incrementAndGet();
            Thread.currentThread().interrupt();
            throw new ModelCallException("connection closed");
        };

        try {
            assertThatThrownBy(() -> new ModelCalls(backend, 4).call("r1.0", CLOCK, b -> b.propose(TASK)))
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

        final ModelCalls.Outcome<ProposedStep> outcome = new ModelCalls(backend, 1).call("r1.0", CLOCK, b -> b.propose(TASK));

        assertThat(outcome.latencyMs()).isBetween(30L, 5_000L);
        assertThat(outcome.startedAt()).as("on the caller's clock").isEqualTo(NOW);
    }

    @Test
    void aFailedCallIsTimedToo() throws InterruptedException {
        backend.propose = task -> {
            throw ModelCallException.notRetriable("HTTP 404: model not found");
        };

        final ModelCalls.Outcome<ProposedStep> outcome = new ModelCalls(backend, 1).call("r1.0", CLOCK, b -> b.propose(TASK));

        assertThat(outcome.startedAt()).isEqualTo(NOW);
        assertThat(outcome.latencyMs()).isNotNegative();
    }

    @Test
    void theStartIsStampedOnceASlotIsFreeSoTheWaitForItIsNotModelTime() throws Exception {
        final Instant later = NOW.plusSeconds(7);
        final MovableClock clock = new MovableClock(NOW);
        final CountDownLatch firstRunning = new CountDownLatch(1);
        final CountDownLatch finishFirst = new CountDownLatch(1);
        backend.propose = task -> {
            if (firstRunning.getCount() > 0) {
                firstRunning.countDown();
                try {
                    finishFirst.await(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }
            return new ProposedStep("x", false, null, 1);
        };
        final ModelCalls calls = new ModelCalls(backend, 1);

        try (ExecutorService executor = Executors.newFixedThreadPool(2)) {
            final Future<ModelCalls.Outcome<ProposedStep>> first = executor.submit(() -> calls.call("r1", clock, b -> b.propose(TASK)));
            assertThat(firstRunning.await(5, TimeUnit.SECONDS)).isTrue();
            final AtomicReference<Thread> waiting = new AtomicReference<>();
            final Future<ModelCalls.Outcome<ProposedStep>> second = executor.submit(() -> {
                waiting.set(Thread.currentThread());
                return calls.call("r2", clock, b -> b.propose(TASK));
            });
            // The second call is parked on the only slot: a stamp taken now would read NOW.
            await().atMost(Duration.ofSeconds(5)).until(() -> waiting.get() != null
                    && waiting.get().getState() == Thread.State.WAITING);
            clock.set(later);
            finishFirst.countDown();

            assertThat(first.get(5, TimeUnit.SECONDS).startedAt()).isEqualTo(NOW);
            assertThat(second.get(5, TimeUnit.SECONDS).startedAt()).isEqualTo(later);
        }
    }

    /** A clock the test moves by hand. */
    private static final class MovableClock extends Clock {
        private final AtomicReference<Instant> now;

        MovableClock(final Instant start) {
            this.now = new AtomicReference<>(start);
        }

        void set(final Instant instant) {
            now.set(instant);
        }

        @Override
        public Instant instant() {
            return now.get();
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(final ZoneId zone) {
            return this;
        }
    }

    @Test
    void aFailureRetryingCannotFixIsNotTakenForAnInterruptEvenAfterAnEarlierOne() throws InterruptedException {
        backend.propose = task -> {
            throw ModelCallException.notRetriable("HTTP 404: model not found");
        };

        assertThat(new ModelCalls(backend, 1).call("r1.0", CLOCK, b -> b.propose(TASK))).isInstanceOf(ModelCalls.FailedForGood.class);
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
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
        final ModelCalls calls = new ModelCalls(backend, 2);

        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            final List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                futures.add(executor.submit(() -> calls.call("r", CLOCK, b -> b.propose(TASK))));
            }
            for (final Future<?> future : futures) {
                future.get(10, TimeUnit.SECONDS);
            }
        }

        assertThat(backend.maxInFlight()).isEqualTo(2);
    }
}
