package dev.stepwise.agents;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stepwise.models.Judgement;
import dev.stepwise.models.ModelCallException;
import dev.stepwise.models.ProblemNotUnderstoodException;
import dev.stepwise.models.VerificationTask;
import dev.stepwise.schemas.avro.StepProposed;
import dev.stepwise.schemas.avro.StepVerified;
import dev.stepwise.schemas.avro.Verdict;
import dev.stepwise.schemas.topics.Topics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class VerifierHandlerTest {

    private static final Instant NOW = Instant.parse("2026-11-26T12:00:00Z");

    private final FakeBackend backend = new FakeBackend();
    private final VerifierHandler handler = new VerifierHandler(Topics.defaults(),
            new ModelCalls(backend, 4, 0, new Backoff(Duration.ZERO, Duration.ZERO)), "v-1", Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void anAcceptedStepGetsItsScoreAndRationale() throws InterruptedException {
        final StepProposed step = Events.proposedStep("prompt-1", "prompt-1/r3.2");

        final List<StepVerified> verdicts = handler.handle(step);

        assertThat(verdicts).singleElement().satisfies(verdict -> {
            assertThat(verdict.getPromptId()).isEqualTo("prompt-1");
            assertThat(verdict.getStepId()).isEqualTo("prompt-1/r3.2");
            assertThat(verdict.getScore()).isEqualTo(0.9);
            assertThat(verdict.getVerdict()).isEqualTo(Verdict.ACCEPTED);
            assertThat(verdict.getRationale()).isEqualTo("fine");
            assertThat(verdict.getVerifiedAt()).isEqualTo(NOW);
            assertThat(verdict.getCall().getAgentInstance()).isEqualTo("v-1");
            assertThat(verdict.getCall().getModel()).isEqualTo("fake/test-v1");
            assertThat(verdict.getCall().getTokens()).isEqualTo(5);
        });
        assertThat(backend.tasks).containsExactly(
                new VerificationTask("prompt-1", "2 + 3 * 4", List.of("3 * 4 = 12"), "prompt-1/r3.2", "2 + 12 = 14"));
    }

    @Test
    void aRejectedStepIsRejected() throws InterruptedException {
        backend.verify = task -> new Judgement(0.1, false, "2 + 12 is not 15", 4);

        final StepVerified verdict = handler.handle(Events.proposedStep("p", "p/r0.0")).getFirst();

        assertThat(verdict.getVerdict()).isEqualTo(Verdict.REJECTED);
        assertThat(verdict.getScore()).isEqualTo(0.1);
        assertThat(verdict.getRationale()).isEqualTo("2 + 12 is not 15");
    }

    @Test
    void aStepWithAnErrorIsNotVerified() throws InterruptedException {
        final StepProposed failed = Events.proposedStep("p", "p/r0.0");
        failed.setText("");
        failed.setError("cannot parse the problem");

        assertThat(handler.handle(failed)).isEmpty();
        assertThat(backend.tasks).isEmpty();
    }

    @Test
    void aFailureRetryingCannotFixIsRejectedWithScoreZeroAndTheReasonAfterOneCall() throws InterruptedException {
        final VerifierHandler retrying = new VerifierHandler(Topics.defaults(),
                new ModelCalls(backend, 4, 3, new Backoff(Duration.ZERO, Duration.ZERO)), "v-1", Clock.fixed(NOW, ZoneOffset.UTC));
        backend.verify = task -> {
            throw ModelCallException.notRetriable("HTTP 403: this key may not use the model");
        };

        final List<StepVerified> verdicts = retrying.handle(Events.proposedStep("p", "p/r0.0"));

        assertThat(verdicts).singleElement().satisfies(verdict -> {
            assertThat(verdict.getStepId()).isEqualTo("p/r0.0");
            assertThat(verdict.getVerdict()).isEqualTo(Verdict.REJECTED);
            assertThat(verdict.getScore()).isZero();
            assertThat(verdict.getRationale())
                    .isEqualTo("Model fake/test-v1 failed and retrying will not help: HTTP 403: this key may not use the model");
            assertThat(verdict.getCall().getTokens()).isZero();
            assertThat(verdict.getVerifiedAt()).isEqualTo(NOW);
        });
        assertThat(backend.tasks).hasSize(1);
    }

    @Test
    void aProblemTheModelCannotReadIsRejectedWithScoreZero() throws InterruptedException {
        backend.verify = task -> {
            throw new ProblemNotUnderstoodException("only arithmetic chains");
        };

        final StepVerified verdict = handler.handle(Events.proposedStep("p", "p/r0.0")).getFirst();

        assertThat(verdict.getVerdict()).isEqualTo(Verdict.REJECTED);
        assertThat(verdict.getScore()).isZero();
        assertThat(verdict.getRationale()).isEqualTo("only arithmetic chains");
    }
}
