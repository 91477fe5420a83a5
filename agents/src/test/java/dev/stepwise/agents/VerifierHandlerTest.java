package dev.stepwise.agents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stepwise.models.Judgement;
import dev.stepwise.models.ModelCallException;
import dev.stepwise.models.ProblemNotUnderstoodException;
import dev.stepwise.models.VerificationTask;
import dev.stepwise.schemas.avro.StepVerified;
import dev.stepwise.schemas.avro.Verdict;
import dev.stepwise.schemas.avro.VerificationKind;
import dev.stepwise.schemas.avro.VerificationRequested;
import dev.stepwise.schemas.deadletter.RejectedInputException;
import dev.stepwise.schemas.topics.Topics;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class VerifierHandlerTest {

    private static final Instant NOW = Instant.parse("2026-11-26T12:00:00Z");
    private static final Topics TOPICS = Topics.defaults();

    private final FakeBackend backend = new FakeBackend();
    private final VerifierHandler handler = new VerifierHandler(TOPICS,
            new ModelCalls(backend, 4), "v-1", Clock.fixed(NOW, ZoneOffset.UTC));

    private static List<StepVerified> verdicts(final List<AgentHandler.Output<?>> outputs) {
        assertThat(outputs).allSatisfy(output -> assertThat(output.topic()).isEqualTo(TOPICS.stepsVerified()));
        return Outputs.on(TOPICS.stepsVerified(), outputs);
    }

    @Test
    void anAcceptedStepGetsItsScoreAndRationaleAndNamesTheRequestAndItsKind() throws InterruptedException {
        final VerificationRequested request = Events.verificationRequest("prompt-1", "prompt-1/r3.2", VerificationKind.STEP);

        final List<StepVerified> verdicts = verdicts(handler.handle(request));

        assertThat(verdicts).singleElement().satisfies(verdict -> {
            assertThat(verdict.getPromptId()).isEqualTo("prompt-1");
            assertThat(verdict.getStepId()).isEqualTo("prompt-1/r3.2");
            assertThat(verdict.getKind()).isEqualTo(VerificationKind.STEP);
            assertThat(verdict.getRequestId()).isEqualTo("prompt-1/r3.2/step");
            assertThat(verdict.getScore()).isEqualTo(0.9);
            assertThat(verdict.getVerdict()).isEqualTo(Verdict.ACCEPTED);
            assertThat(verdict.getRationale()).isEqualTo("fine");
            assertThat(verdict.getVerifiedAt()).isEqualTo(NOW);
            assertThat(verdict.getCall().getAgentInstance()).isEqualTo("v-1");
            assertThat(verdict.getCall().getModel()).isEqualTo("fake/test-v1");
            assertThat(verdict.getCall().getTokens()).isEqualTo(5);
            assertThat(verdict.getCall().getStartedAt()).isEqualTo(NOW);
            assertThat(verdict.getCall().getLatencyMs()).isNotNegative();
        });
        assertThat(backend.tasks).containsExactly(
                new VerificationTask("prompt-1", "2 + 3 * 4", List.of("3 * 4 = 12"), "prompt-1/r3.2", "2 + 12 = 14"));
    }

    @Test
    void anOutcomeRequestAsksTheModelAboutTheFinishedChainAndSaysSoInTheVerdict() throws InterruptedException {
        backend.verify = task -> new Judgement(0.2, false, "2 + 3 * 4 is 14, but check again", 6);
        final VerificationRequested request = Events.outcomeRequest("prompt-1", "prompt-1/r4.0");
        request.setRequestedBy("topology");
        request.setRetry(2);

        final List<StepVerified> verdicts = verdicts(handler.handle(request));

        assertThat(backend.tasks).containsExactly(new VerificationTask("prompt-1", "2 + 3 * 4", List.of("3 * 4 = 12"),
                "prompt-1/r4.0", "2 + 12 = 14; answer: 14", VerificationTask.Kind.OUTCOME));
        assertThat(verdicts).singleElement().satisfies(verdict -> {
            assertThat(verdict.getStepId()).isEqualTo("prompt-1/r4.0");
            assertThat(verdict.getKind()).isEqualTo(VerificationKind.OUTCOME);
            assertThat(verdict.getRequestId()).isEqualTo("prompt-1/r4.0/outcome");
            assertThat(verdict.getVerdict()).isEqualTo(Verdict.REJECTED);
            assertThat(verdict.getScore()).isEqualTo(0.2);
            assertThat(verdict.getRationale()).isEqualTo("2 + 3 * 4 is 14, but check again");
        });
    }

    @Test
    void aRequestOfAKindThisVerifierCannotNameIsRejectedAsBadInputWithoutCallingTheModel() {
        final VerificationRequested request = Events.verificationRequest("p", "p/r0.0", VerificationKind.UNKNOWN);
        request.setRequestId("p/r0.0/novelty");

        assertThatThrownBy(() -> handler.handle(request)).isInstanceOfSatisfying(RejectedInputException.class, e -> {
            assertThat(e.code()).isEqualTo("unknown-verification-kind");
            assertThat(e.getMessage()).contains("p/r0.0/novelty", "STEP", "OUTCOME");
        });
        assertThat(backend.tasks).isEmpty();
    }

    @Test
    void aCallStillFailingAfterTheBackendsRetriesWritesNoVerdict() throws InterruptedException {
        backend.verify = task -> {
            throw new ModelCallException("HTTP 503 (gave up after 4 attempts)");
        };

        assertThat(handler.handle(Events.verificationRequest("prompt-1", "prompt-1/r3.2", VerificationKind.STEP)))
                .as("no verdict the model did not give; the search asks again").isEmpty();
        assertThat(backend.tasks).hasSize(1);
    }

    @Test
    void aRejectedStepIsRejected() throws InterruptedException {
        backend.verify = task -> new Judgement(0.1, false, "2 + 12 is not 15", 4);

        final StepVerified verdict = verdicts(handler.handle(
                Events.verificationRequest("p", "p/r0.0", VerificationKind.STEP))).getFirst();

        assertThat(verdict.getVerdict()).isEqualTo(Verdict.REJECTED);
        assertThat(verdict.getScore()).isEqualTo(0.1);
        assertThat(verdict.getRationale()).isEqualTo("2 + 12 is not 15");
    }

    @Test
    void aFailureRetryingCannotFixIsRejectedWithScoreZeroAndTheReasonAfterOneCall() throws InterruptedException {
        final VerifierHandler retrying = new VerifierHandler(TOPICS,
                new ModelCalls(backend, 4), "v-1", Clock.fixed(NOW, ZoneOffset.UTC));
        backend.verify = task -> {
            throw ModelCallException.notRetriable("HTTP 403: this key may not use the model");
        };

        final List<StepVerified> verdicts = verdicts(retrying.handle(
                Events.verificationRequest("p", "p/r0.0", VerificationKind.STEP)));

        assertThat(verdicts).singleElement().satisfies(verdict -> {
            assertThat(verdict.getStepId()).isEqualTo("p/r0.0");
            assertThat(verdict.getRequestId()).isEqualTo("p/r0.0/step");
            assertThat(verdict.getVerdict()).isEqualTo(Verdict.REJECTED);
            assertThat(verdict.getScore()).isZero();
            assertThat(verdict.getRationale())
                    .isEqualTo("Model fake/test-v1 failed and retrying will not help: HTTP 403: this key may not use the model");
            assertThat(verdict.getCall().getTokens()).isZero();
            assertThat(verdict.getCall().getStartedAt()).as("a failed call is timed too").isEqualTo(NOW);
            assertThat(verdict.getVerifiedAt()).isEqualTo(NOW);
        });
        assertThat(backend.tasks).hasSize(1);
    }

    @Test
    void aProblemTheModelCannotReadIsRejectedWithScoreZero() throws InterruptedException {
        backend.verify = task -> {
            throw new ProblemNotUnderstoodException("only arithmetic chains");
        };

        final StepVerified verdict = verdicts(handler.handle(Events.outcomeRequest("p", "p/r0.0"))).getFirst();

        assertThat(verdict.getVerdict()).isEqualTo(Verdict.REJECTED);
        assertThat(verdict.getKind()).isEqualTo(VerificationKind.OUTCOME);
        assertThat(verdict.getScore()).isZero();
        assertThat(verdict.getRationale()).isEqualTo("only arithmetic chains");
    }
}
