package dev.stepwise.agents;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stepwise.models.ModelCallException;
import dev.stepwise.models.ProblemNotUnderstoodException;
import dev.stepwise.models.ProposedStep;
import dev.stepwise.models.RevisionTask;
import dev.stepwise.schemas.avro.RevisionRequested;
import dev.stepwise.schemas.avro.StepProposed;
import dev.stepwise.schemas.avro.VerificationKind;
import dev.stepwise.schemas.avro.VerificationPlan;
import dev.stepwise.schemas.avro.VerificationRequested;
import dev.stepwise.schemas.topics.Topics;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReviserHandlerTest {

    private static final Instant NOW = Instant.parse("2026-11-26T12:00:00Z");
    private static final Topics TOPICS = Topics.defaults();

    private final FakeBackend backend = new FakeBackend();
    private final ReviserHandler handler = new ReviserHandler(TOPICS,
            new ModelCalls(backend, 4), "r-1", Clock.fixed(NOW, ZoneOffset.UTC));

    private static List<StepProposed> steps(final List<AgentHandler.Output<?>> outputs) {
        return Outputs.on(TOPICS.stepsProposed(), outputs);
    }

    private static List<VerificationRequested> verifications(final List<AgentHandler.Output<?>> outputs) {
        return Outputs.on(TOPICS.verificationRequests(), outputs);
    }

    @Test
    void theRevisedStepTakesTheRejectedStepsPlaceAndNamesIt() throws InterruptedException {
        final RevisionRequested request = Events.revisionRequest("prompt-1", "prompt-1/v5", "prompt-1/r3.2");

        final List<StepProposed> steps = steps(handler.handle(request));

        assertThat(steps).singleElement().satisfies(step -> {
            assertThat(step.getStepId()).isEqualTo("prompt-1/v5.0");
            assertThat(step.getRequestId()).isEqualTo("prompt-1/v5");
            assertThat(step.getRevisionOf()).isEqualTo("prompt-1/r3.2");
            assertThat(step.getPromptId()).isEqualTo("prompt-1");
            assertThat(step.getChainId()).isEqualTo(request.getChainId());
            assertThat(step.getParentStepId()).isEqualTo(request.getParentStepId());
            assertThat(step.getDepth()).isEqualTo(request.getDepth());
            assertThat(step.getContext()).isEqualTo(request.getContext());
            assertThat(step.getText()).isEqualTo("revised prompt-1/v5.0");
            assertThat(step.getTerminal()).isTrue();
            assertThat(step.getAnswer()).isEqualTo("42");
            assertThat(step.getError()).isNull();
            assertThat(step.getProducedAt()).isEqualTo(NOW);
            assertThat(step.getCall().getAgentInstance()).isEqualTo("r-1");
            assertThat(step.getCall().getTokens()).isEqualTo(7);
            assertThat(step.getCall().getStartedAt()).isEqualTo(NOW);
            assertThat(step.getCall().getLatencyMs()).isNotNegative();
        });
        assertThat(backend.tasks).containsExactly(new RevisionTask("prompt-1", "2 + 3 * 4", List.of("3 * 4 = 12"),
                "2 + 12 = 15", "2 + 12 is 14", "prompt-1/v5.0", 1, 2));
    }

    @Test
    void aFailureRetryingCannotFixBecomesAnErrorStepNamingTheModelAfterOneCall() throws InterruptedException {
        final ReviserHandler retrying = new ReviserHandler(Topics.defaults(),
                new ModelCalls(backend, 4), "r-1", Clock.fixed(NOW, ZoneOffset.UTC));
        backend.revise = task -> {
            throw ModelCallException.notRetriable("HTTP 404: model 'nope' not found");
        };

        final List<AgentHandler.Output<?>> outputs = retrying.handle(Events.revisionRequest("p", "p/v0", "p/r0.1"));

        assertThat(verifications(outputs)).as("an error step has nothing to verify").isEmpty();
        assertThat(steps(outputs)).singleElement().satisfies(step -> {
            assertThat(step.getStepId()).isEqualTo("p/v0.0");
            assertThat(step.getRevisionOf()).isEqualTo("p/r0.1");
            assertThat(step.getText()).isEmpty();
            assertThat(step.getError())
                    .isEqualTo("Model fake/test-v1 failed and retrying will not help: HTTP 404: model 'nope' not found");
            assertThat(step.getCall().getTokens()).isZero();
            assertThat(step.getCall().getStartedAt()).as("a failed call is timed too").isEqualTo(NOW);
        });
        assertThat(backend.tasks).hasSize(1);
    }

    @Test
    void aCallStillFailingAfterTheBackendsRetriesWritesNothing() throws InterruptedException {
        backend.revise = task -> {
            throw new ModelCallException("HTTP 500 (gave up after 4 attempts)");
        };

        assertThat(handler.handle(Events.revisionRequest("prompt-1", "prompt-1/v0", "prompt-1/r0.1"))).isEmpty();
        assertThat(backend.tasks).hasSize(1);
    }

    @Test
    void aProblemTheModelCannotReadBecomesAnErrorStep() throws InterruptedException {
        backend.revise = task -> {
            throw new ProblemNotUnderstoodException("only arithmetic chains");
        };

        final List<AgentHandler.Output<?>> outputs = handler.handle(Events.revisionRequest("p", "p/v0", "p/r0.1"));

        assertThat(verifications(outputs)).isEmpty();
        final StepProposed step = steps(outputs).getFirst();
        assertThat(step.getStepId()).isEqualTo("p/v0.0");
        assertThat(step.getRevisionOf()).isEqualTo("p/r0.1");
        assertThat(step.getText()).isEmpty();
        assertThat(step.getError()).isEqualTo("only arithmetic chains");
    }

    @Test
    void planStepAsksToVerifyTheRevisedStepWithTheRequestsContext() throws InterruptedException {
        final RevisionRequested request = Events.revisionRequest("prompt-1", "prompt-1/v5", "prompt-1/r3.2", VerificationPlan.STEP);

        final List<AgentHandler.Output<?>> outputs = handler.handle(request);

        assertThat(outputs).extracting(output -> output.topic().name())
                .containsExactly(TOPICS.stepsProposed().name(), TOPICS.verificationRequests().name());
        assertThat(verifications(outputs)).singleElement().satisfies(verification -> {
            assertThat(verification.getPromptId()).isEqualTo("prompt-1");
            assertThat(verification.getRequestId()).isEqualTo("prompt-1/v5.0/step");
            assertThat(verification.getKind()).isEqualTo(VerificationKind.STEP);
            assertThat(verification.getStepId()).isEqualTo("prompt-1/v5.0");
            assertThat(verification.getText()).isEqualTo("revised prompt-1/v5.0");
            assertThat(verification.getTerminal()).isTrue();
            assertThat(verification.getAnswer()).isEqualTo("42");
            assertThat(verification.getContext()).isEqualTo(request.getContext());
            assertThat(verification.getRetry()).isZero();
            assertThat(verification.getRequestedBy()).isEqualTo("r-1");
            assertThat(verification.getRequestedAt()).isEqualTo(NOW);
        });
    }

    @Test
    void planOutcomeAsksToVerifyTheAnswerOfATerminalRevisedStep() throws InterruptedException {
        final List<AgentHandler.Output<?>> outputs = handler.handle(
                Events.revisionRequest("p", "p/v0", "p/r0.1", VerificationPlan.OUTCOME));

        assertThat(verifications(outputs)).singleElement().satisfies(verification -> {
            assertThat(verification.getRequestId()).isEqualTo("p/v0.0/outcome");
            assertThat(verification.getKind()).isEqualTo(VerificationKind.OUTCOME);
            assertThat(verification.getAnswer()).isEqualTo("42");
        });
    }

    @Test
    void planOutcomeAsksForNothingWhenTheRevisedStepDoesNotEndTheChain() throws InterruptedException {
        backend.revise = task -> new ProposedStep("2 + 12 = 14", false, null, 7);

        final List<AgentHandler.Output<?>> outputs = handler.handle(
                Events.revisionRequest("p", "p/v0", "p/r0.1", VerificationPlan.OUTCOME));

        assertThat(steps(outputs)).hasSize(1);
        assertThat(verifications(outputs)).isEmpty();
    }

    @Test
    void planNoneAsksForNoVerification() throws InterruptedException {
        final List<AgentHandler.Output<?>> outputs = handler.handle(
                Events.revisionRequest("p", "p/v0", "p/r0.1", VerificationPlan.NONE));

        assertThat(outputs).hasSize(1);
        assertThat(steps(outputs)).hasSize(1);
    }

    @Test
    void aPlanThisAgentCannotNameIsVerifiedLikeStepAndWarnedAboutOnce() throws InterruptedException {
        try (CapturedLogs logs = new CapturedLogs(VerificationRequests.class)) {
            final List<AgentHandler.Output<?>> first = handler.handle(
                    Events.revisionRequest("p", "p/v0", "p/r0.1", VerificationPlan.UNKNOWN));
            final List<AgentHandler.Output<?>> second = handler.handle(
                    Events.revisionRequest("p", "p/v1", "p/r0.2", VerificationPlan.UNKNOWN));

            assertThat(verifications(first)).extracting(VerificationRequested::getRequestId).containsExactly("p/v0.0/step");
            assertThat(verifications(second)).extracting(VerificationRequested::getRequestId).containsExactly("p/v1.0/step");
            assertThat(logs.warnings()).singleElement().asString().contains("reviser r-1", "p/v0", "cannot name");
        }
    }
}
