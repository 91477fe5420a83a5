package dev.stepwise.agents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stepwise.models.ModelCallException;
import dev.stepwise.models.ProblemNotUnderstoodException;
import dev.stepwise.models.ProposedStep;
import dev.stepwise.models.StepTask;
import dev.stepwise.schemas.avro.StepProposalRequested;
import dev.stepwise.schemas.avro.StepProposed;
import dev.stepwise.schemas.avro.VerificationKind;
import dev.stepwise.schemas.avro.VerificationPlan;
import dev.stepwise.schemas.avro.VerificationRequested;
import dev.stepwise.schemas.deadletter.RejectedInputException;
import dev.stepwise.schemas.topics.Topics;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ProposerHandlerTest {

    private static final Instant NOW = Instant.parse("2026-11-26T12:00:00Z");
    private static final Topics TOPICS = Topics.defaults();

    private final FakeBackend backend = new FakeBackend();

    private ProposerHandler handler(final int maxInFlight) {
        return new ProposerHandler(TOPICS, new ModelCalls(backend, maxInFlight), "p-0",
                Clock.fixed(NOW, ZoneOffset.UTC));
    }

    private static List<StepProposed> steps(final List<AgentHandler.Output<?>> outputs) {
        return Outputs.on(TOPICS.stepsProposed(), outputs);
    }

    private static List<VerificationRequested> verifications(final List<AgentHandler.Output<?>> outputs) {
        return Outputs.on(TOPICS.verificationRequests(), outputs);
    }

    /** Sample 1 of each request ends the chain with the answer 14; the others do not. */
    private void onlySampleOneIsTerminal() {
        backend.propose = task -> task.stepId().endsWith(".1")
                ? new ProposedStep("2 + 12 = 14; answer: 14", true, "14", 6)
                : new ProposedStep("2 + 12 = 15", false, null, 5);
    }

    @Test
    void proposesOneStepPerSampleNamedAfterTheRequest() throws InterruptedException {
        final StepProposalRequested request = Events.proposalRequest("prompt-1", "prompt-1/r3", 3);

        final List<StepProposed> steps = steps(handler(8).handle(request));

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
            assertThat(step.getCall().getStartedAt()).as("when the one call for all samples began").isEqualTo(NOW);
        });
        assertThat(backend.tasks).containsExactlyInAnyOrder(
                new StepTask("prompt-1", "2 + 3 * 4", List.of("3 * 4 = 12"), "prompt-1/r3.0", 1),
                new StepTask("prompt-1", "2 + 3 * 4", List.of("3 * 4 = 12"), "prompt-1/r3.1", 1),
                new StepTask("prompt-1", "2 + 3 * 4", List.of("3 * 4 = 12"), "prompt-1/r3.2", 1));
    }

    @Test
    void asksTheBackendForAllSamplesInOneCall() throws InterruptedException {
        final List<StepProposed> steps = steps(handler(8).handle(Events.proposalRequest("p", "p/r0", 4)));

        assertThat(steps).hasSize(4);
        assertThat(backend.proposeManyCalls).as("one call for the four samples: n=4 where the server supports it")
                .hasValue(1);
        assertThat(backend.tasks).extracting(task -> ((StepTask) task).stepId())
                .containsExactly("p/r0.0", "p/r0.1", "p/r0.2", "p/r0.3");
    }

    @Test
    void requestsShareTheInstancesBoundOnModelCalls() throws Exception {
        backend.delayMs = 10;
        final ProposerHandler handler = handler(2);

        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            final List<Future<List<AgentHandler.Output<?>>>> futures = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                final StepProposalRequested request = Events.proposalRequest("p", "p/r" + i, 2);
                futures.add(executor.submit(() -> handler.handle(request)));
            }
            for (final Future<List<AgentHandler.Output<?>>> future : futures) {
                assertThat(steps(future.get(10, TimeUnit.SECONDS))).hasSize(2);
            }
        }

        assertThat(backend.maxInFlight()).isEqualTo(2);
    }

    @Test
    void aTerminalStepCarriesItsAnswer() throws InterruptedException {
        backend.propose = task -> new ProposedStep("so the answer is 14", true, "14", 6);

        final StepProposed step = steps(handler(1).handle(Events.proposalRequest("p", "p/r0", 1))).getFirst();

        assertThat(step.getTerminal()).isTrue();
        assertThat(step.getAnswer()).isEqualTo("14");
        assertThat(step.getCall().getTokens()).isEqualTo(6);
    }

    @Test
    void aProblemTheModelCannotReadBecomesErrorStepsWithTheMessage() throws InterruptedException {
        backend.propose = task -> {
            throw new ProblemNotUnderstoodException("The synthetic backend only solves arithmetic chains");
        };

        final List<AgentHandler.Output<?>> outputs = handler(4).handle(Events.proposalRequest("p", "p/r0", 2));

        final List<StepProposed> steps = steps(outputs);
        assertThat(steps).extracting(StepProposed::getStepId).containsExactly("p/r0.0", "p/r0.1");
        assertThat(verifications(outputs)).as("an error step has nothing to verify").isEmpty();
        assertThat(steps).allSatisfy(step -> {
            assertThat(step.getText()).isEmpty();
            assertThat(step.getError()).isEqualTo("The synthetic backend only solves arithmetic chains");
            assertThat(step.getCall().getTokens()).isZero();
        });
    }

    @Test
    void aFailureRetryingCannotFixBecomesErrorStepsNamingTheModelAfterOneCall() throws InterruptedException {
        backend.propose = task -> {
            throw ModelCallException.notRetriable("HTTP 401 from http://llm/v1/chat/completions: invalid API key");
        };

        final List<AgentHandler.Output<?>> outputs = handler(4).handle(Events.proposalRequest("p", "p/r0", 2));

        final List<StepProposed> steps = steps(outputs);
        assertThat(steps).extracting(StepProposed::getStepId).containsExactly("p/r0.0", "p/r0.1");
        assertThat(verifications(outputs)).isEmpty();
        assertThat(steps).allSatisfy(step -> {
            assertThat(step.getText()).isEmpty();
            assertThat(step.getError()).isEqualTo("Model fake/test-v1 failed and retrying will not help: "
                    + "HTTP 401 from http://llm/v1/chat/completions: invalid API key");
            assertThat(step.getCall().getModel()).isEqualTo("fake/test-v1");
            assertThat(step.getCall().getTokens()).isZero();
            assertThat(step.getCall().getStartedAt()).as("a failed call is timed too").isEqualTo(NOW);
            assertThat(step.getProducedAt()).isEqualTo(NOW);
        });
        assertThat(backend.tasks).as("no retries: the first sample's failure ends the call").hasSize(1);
    }

    @Test
    void planStepAsksToVerifyEveryStepWithTheStepsContextInTheSameOutputs() throws InterruptedException {
        final StepProposalRequested request = Events.proposalRequest("prompt-1", "prompt-1/r3", 3, VerificationPlan.STEP);

        final List<AgentHandler.Output<?>> outputs = handler(8).handle(request);

        assertThat(outputs).extracting(output -> output.topic().name()).containsExactly(
                TOPICS.stepsProposed().name(), TOPICS.stepsProposed().name(), TOPICS.stepsProposed().name(),
                TOPICS.verificationRequests().name(), TOPICS.verificationRequests().name(),
                TOPICS.verificationRequests().name());
        final List<StepProposed> steps = steps(outputs);
        assertThat(verifications(outputs)).extracting(VerificationRequested::getRequestId)
                .containsExactly("prompt-1/r3.0/step", "prompt-1/r3.1/step", "prompt-1/r3.2/step");
        assertThat(verifications(outputs)).allSatisfy(verification -> {
            final StepProposed step = steps.stream().filter(s -> s.getStepId().equals(verification.getStepId())).findFirst()
                    .orElseThrow();
            assertThat(verification.getPromptId()).isEqualTo("prompt-1");
            assertThat(verification.getKind()).isEqualTo(VerificationKind.STEP);
            assertThat(verification.getText()).isEqualTo(step.getText());
            assertThat(verification.getTerminal()).isFalse();
            assertThat(verification.getAnswer()).isNull();
            assertThat(verification.getContext()).isEqualTo(request.getContext());
            assertThat(verification.getRetry()).isZero();
            assertThat(verification.getRequestedBy()).isEqualTo("p-0");
            assertThat(verification.getRequestedAt()).isEqualTo(NOW);
        });
    }

    @Test
    void aRequestWrittenWithoutAPlanIsVerifiedStepByStep() throws InterruptedException {
        final StepProposalRequested request = Events.proposalRequest("p", "p/r0", 2);
        assertThat(request.getVerification()).as("the schema's default").isEqualTo(VerificationPlan.STEP);

        assertThat(verifications(handler(4).handle(request))).extracting(VerificationRequested::getKind)
                .containsExactly(VerificationKind.STEP, VerificationKind.STEP);
    }

    @Test
    void planOutcomeAsksToVerifyOnlyTheTerminalStepsForTheirAnswer() throws InterruptedException {
        onlySampleOneIsTerminal();

        final List<AgentHandler.Output<?>> outputs = handler(4).handle(
                Events.proposalRequest("p", "p/r0", 3, VerificationPlan.OUTCOME));

        assertThat(steps(outputs)).hasSize(3);
        assertThat(verifications(outputs)).singleElement().satisfies(verification -> {
            assertThat(verification.getRequestId()).isEqualTo("p/r0.1/outcome");
            assertThat(verification.getKind()).isEqualTo(VerificationKind.OUTCOME);
            assertThat(verification.getStepId()).isEqualTo("p/r0.1");
            assertThat(verification.getText()).isEqualTo("2 + 12 = 14; answer: 14");
            assertThat(verification.getTerminal()).isTrue();
            assertThat(verification.getAnswer()).isEqualTo("14");
            assertThat(verification.getContext()).isEqualTo(Events.context());
        });
    }

    @Test
    void planOutcomeWithNoTerminalStepAsksForNothing() throws InterruptedException {
        final List<AgentHandler.Output<?>> outputs = handler(4).handle(
                Events.proposalRequest("p", "p/r0", 2, VerificationPlan.OUTCOME));

        assertThat(steps(outputs)).hasSize(2);
        assertThat(verifications(outputs)).isEmpty();
    }

    @Test
    void planNoneAsksForNoVerification() throws InterruptedException {
        onlySampleOneIsTerminal();

        final List<AgentHandler.Output<?>> outputs = handler(4).handle(
                Events.proposalRequest("p", "p/r0", 3, VerificationPlan.NONE));

        assertThat(outputs).hasSize(3);
        assertThat(steps(outputs)).hasSize(3);
    }

    @Test
    void aPlanThisAgentCannotNameIsVerifiedLikeStepAndWarnedAboutOnce() throws InterruptedException {
        final ProposerHandler handler = handler(4);
        try (CapturedLogs logs = new CapturedLogs(VerificationRequests.class)) {
            final List<AgentHandler.Output<?>> first = handler.handle(
                    Events.proposalRequest("p", "p/r0", 2, VerificationPlan.UNKNOWN));
            final List<AgentHandler.Output<?>> second = handler.handle(
                    Events.proposalRequest("p", "p/r1", 1, VerificationPlan.UNKNOWN));

            assertThat(verifications(first)).extracting(VerificationRequested::getRequestId)
                    .containsExactly("p/r0.0/step", "p/r0.1/step");
            assertThat(verifications(second)).extracting(VerificationRequested::getKind).containsExactly(VerificationKind.STEP);
            assertThat(logs.warnings()).singleElement().asString()
                    .contains("proposer p-0", "p/r0", "cannot name", "as for STEP");
        }
    }

    @Test
    void aCallStillFailingAfterTheBackendsRetriesWritesNothingForTheRequest() throws InterruptedException {
        backend.propose = task -> {
            if (task.stepId().endsWith(".1")) {
                throw new ModelCallException("HTTP 500 (gave up after 4 attempts)");
            }
            return new ProposedStep("s", false, null, 1);
        };

        assertThat(handler(4).handle(Events.proposalRequest("p", "p/r0", 3)))
                .as("no steps and no verification requests: the search asks for the request again").isEmpty();
    }

    @Test
    void aBackendThatReturnsAnotherNumberOfStepsThanSamplesIsABugNotAnAnswer() {
        backend.proposeMany = samples -> List.of(new ProposedStep("s", false, null, 1));

        assertThatThrownBy(() -> handler(4).handle(Events.proposalRequest("p", "p/r0", 2)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("returned 1 steps for 2 samples");
    }

    @Test
    void rejectsARequestForNoSamples() {
        assertThatThrownBy(() -> handler(4).handle(Events.proposalRequest("p", "p/r0", 0)))
                .isInstanceOfSatisfying(RejectedInputException.class,
                        e -> assertThat(e.code()).isEqualTo("invalid-samples"));
        assertThat(backend.tasks).isEmpty();
    }
}
