package dev.stepwise.agents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stepwise.models.ModelCallException;
import dev.stepwise.models.ProblemNotUnderstoodException;
import dev.stepwise.models.ProposedStep;
import dev.stepwise.models.StepTask;
import dev.stepwise.schemas.avro.StepProposalRequested;
import dev.stepwise.schemas.avro.StepProposed;
import dev.stepwise.schemas.deadletter.RejectedInputException;
import dev.stepwise.schemas.topics.Topics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ProposerHandlerTest {

    private static final Instant NOW = Instant.parse("2026-11-26T12:00:00Z");
    private static final Backoff FAST = new Backoff(Duration.ofMillis(1), Duration.ofMillis(2));

    private final FakeBackend backend = new FakeBackend();

    private ProposerHandler handler(final int maxInFlight) {
        return new ProposerHandler(Topics.defaults(), new ModelCalls(backend, maxInFlight, 1, FAST), "p-0",
                Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @Test
    void proposesOneStepPerSampleNamedAfterTheRequest() throws InterruptedException {
        final StepProposalRequested request = Events.proposalRequest("prompt-1", "prompt-1/r3", 3);

        final List<StepProposed> steps = handler(8).handle(request);

        assertThat(steps).extracting(StepProposed::getStepId)
                .containsExactly("prompt-1/r3.0", "prompt-1/r3.1", "prompt-1/r3.2");
        assertThat(steps).allSatisfy(step -> {
            assertThat(step.getPromptId()).isEqualTo("prompt-1");
            assertThat(step.getRequestId()).isEqualTo("prompt-1/r3");
            assertThat(step.getChainId()).isEqualTo(request.getChainId());
            assertThat(step.getParentStepId()).isEqualTo(request.getParentStepId());
            assertThat(step.getDepth()).isEqualTo(1);
            assertThat(step.getContext()).isEqualTo(request.getContext());
            assertThat(step.getText()).isEqualTo("step " + step.getStepId());
            assertThat(step.getRevisionOf()).isNull();
            assertThat(step.getError()).isNull();
            assertThat(step.getProducedAt()).isEqualTo(NOW);
            assertThat(step.getCall().getAgentInstance()).isEqualTo("p-0");
            assertThat(step.getCall().getModel()).isEqualTo("fake/test-v1");
            assertThat(step.getCall().getTokens()).isEqualTo(3);
            assertThat(step.getCall().getLatencyMs()).isNotNegative();
        });
        assertThat(backend.tasks).containsExactlyInAnyOrder(
                new StepTask("prompt-1", "2 + 3 * 4", List.of("3 * 4 = 12"), "prompt-1/r3.0", 1),
                new StepTask("prompt-1", "2 + 3 * 4", List.of("3 * 4 = 12"), "prompt-1/r3.1", 1),
                new StepTask("prompt-1", "2 + 3 * 4", List.of("3 * 4 = 12"), "prompt-1/r3.2", 1));
    }

    @Test
    void callsTheModelForAllSamplesAtOnce() throws InterruptedException {
        // Each call waits until all four have started: run one after the other, the first would time out.
        final CountDownLatch allStarted = new CountDownLatch(4);
        backend.propose = task -> {
            allStarted.countDown();
            try {
                if (!allStarted.await(5, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("samples ran one after the other");
                }
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            return new ProposedStep("s", false, null, 1);
        };

        final List<StepProposed> steps = handler(8).handle(Events.proposalRequest("p", "p/r0", 4));

        assertThat(steps).hasSize(4);
        assertThat(backend.maxInFlight()).isEqualTo(4);
    }

    @Test
    void samplesShareTheInstancesBoundOnModelCalls() throws InterruptedException {
        backend.propose = task -> {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            return new ProposedStep("s", false, null, 1);
        };

        final List<StepProposed> steps = handler(2).handle(Events.proposalRequest("p", "p/r0", 6));

        assertThat(steps).hasSize(6);
        assertThat(backend.maxInFlight()).isEqualTo(2);
    }

    @Test
    void aTerminalStepCarriesItsAnswer() throws InterruptedException {
        backend.propose = task -> new ProposedStep("so the answer is 14", true, "14", 6);

        final StepProposed step = handler(1).handle(Events.proposalRequest("p", "p/r0", 1)).getFirst();

        assertThat(step.getTerminal()).isTrue();
        assertThat(step.getAnswer()).isEqualTo("14");
        assertThat(step.getCall().getTokens()).isEqualTo(6);
    }

    @Test
    void aProblemTheModelCannotReadBecomesErrorStepsWithTheMessage() throws InterruptedException {
        backend.propose = task -> {
            throw new ProblemNotUnderstoodException("The synthetic backend only solves arithmetic chains");
        };

        final List<StepProposed> steps = handler(4).handle(Events.proposalRequest("p", "p/r0", 2));

        assertThat(steps).extracting(StepProposed::getStepId).containsExactly("p/r0.0", "p/r0.1");
        assertThat(steps).allSatisfy(step -> {
            assertThat(step.getText()).isEmpty();
            assertThat(step.getError()).isEqualTo("The synthetic backend only solves arithmetic chains");
            assertThat(step.getCall().getTokens()).isZero();
        });
    }

    @Test
    void aFailureRetryingCannotFixBecomesErrorStepsNamingTheModelWithOneCallPerSample() throws InterruptedException {
        backend.propose = task -> {
            throw ModelCallException.notRetriable("HTTP 401 from http://llm/v1/chat/completions: invalid API key");
        };

        final List<StepProposed> steps = handler(4).handle(Events.proposalRequest("p", "p/r0", 2));

        assertThat(steps).extracting(StepProposed::getStepId).containsExactly("p/r0.0", "p/r0.1");
        assertThat(steps).allSatisfy(step -> {
            assertThat(step.getText()).isEmpty();
            assertThat(step.getError()).isEqualTo("Model fake/test-v1 failed and retrying will not help: "
                    + "HTTP 401 from http://llm/v1/chat/completions: invalid API key");
            assertThat(step.getCall().getModel()).isEqualTo("fake/test-v1");
            assertThat(step.getCall().getTokens()).isZero();
            assertThat(step.getProducedAt()).isEqualTo(NOW);
        });
        assertThat(backend.tasks).as("no retries: one call per sample").hasSize(2);
    }

    @Test
    void aSampleThatKeepsFailingFailsTheWholeRequest() {
        backend.propose = task -> {
            if (task.stepId().endsWith(".1")) {
                throw new ModelCallException("HTTP 500");
            }
            return new ProposedStep("s", false, null, 1);
        };

        assertThatThrownBy(() -> handler(4).handle(Events.proposalRequest("p", "p/r0", 3)))
                .isInstanceOf(ModelCallException.class).hasMessage("HTTP 500");
    }

    @Test
    void rejectsARequestForNoSamples() {
        assertThatThrownBy(() -> handler(4).handle(Events.proposalRequest("p", "p/r0", 0)))
                .isInstanceOfSatisfying(RejectedInputException.class,
                        e -> assertThat(e.code()).isEqualTo("invalid-samples"));
        assertThat(backend.tasks).isEmpty();
    }
}
