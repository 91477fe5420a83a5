package dev.stepwise.agents;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stepwise.models.ModelCallException;
import dev.stepwise.models.ProblemNotUnderstoodException;
import dev.stepwise.models.RevisionTask;
import dev.stepwise.schemas.avro.RevisionRequested;
import dev.stepwise.schemas.avro.StepProposed;
import dev.stepwise.schemas.topics.Topics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReviserHandlerTest {

    private static final Instant NOW = Instant.parse("2026-11-26T12:00:00Z");

    private final FakeBackend backend = new FakeBackend();
    private final ReviserHandler handler = new ReviserHandler(Topics.defaults(),
            new ModelCalls(backend, 4, 0, new Backoff(Duration.ZERO, Duration.ZERO)), "r-1", Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void theRevisedStepTakesTheRejectedStepsPlaceAndNamesIt() throws InterruptedException {
        final RevisionRequested request = Events.revisionRequest("prompt-1", "prompt-1/v5", "prompt-1/r3.2");

        final List<StepProposed> steps = handler.handle(request);

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
        });
        assertThat(backend.tasks).containsExactly(new RevisionTask("prompt-1", "2 + 3 * 4", List.of("3 * 4 = 12"),
                "2 + 12 = 15", "2 + 12 is 14", "prompt-1/v5.0", 1, 2));
    }

    @Test
    void aFailureRetryingCannotFixBecomesAnErrorStepNamingTheModelAfterOneCall() throws InterruptedException {
        final ReviserHandler retrying = new ReviserHandler(Topics.defaults(),
                new ModelCalls(backend, 4, 3, new Backoff(Duration.ZERO, Duration.ZERO)), "r-1", Clock.fixed(NOW, ZoneOffset.UTC));
        backend.revise = task -> {
            throw ModelCallException.notRetriable("HTTP 404: model 'nope' not found");
        };

        final List<StepProposed> steps = retrying.handle(Events.revisionRequest("p", "p/v0", "p/r0.1"));

        assertThat(steps).singleElement().satisfies(step -> {
            assertThat(step.getStepId()).isEqualTo("p/v0.0");
            assertThat(step.getRevisionOf()).isEqualTo("p/r0.1");
            assertThat(step.getText()).isEmpty();
            assertThat(step.getError())
                    .isEqualTo("Model fake/test-v1 failed and retrying will not help: HTTP 404: model 'nope' not found");
            assertThat(step.getCall().getTokens()).isZero();
        });
        assertThat(backend.tasks).hasSize(1);
    }

    @Test
    void aProblemTheModelCannotReadBecomesAnErrorStep() throws InterruptedException {
        backend.revise = task -> {
            throw new ProblemNotUnderstoodException("only arithmetic chains");
        };

        final StepProposed step = handler.handle(Events.revisionRequest("p", "p/v0", "p/r0.1")).getFirst();

        assertThat(step.getStepId()).isEqualTo("p/v0.0");
        assertThat(step.getRevisionOf()).isEqualTo("p/r0.1");
        assertThat(step.getText()).isEmpty();
        assertThat(step.getError()).isEqualTo("only arithmetic chains");
    }
}
