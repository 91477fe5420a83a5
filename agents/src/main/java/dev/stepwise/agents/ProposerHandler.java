package dev.stepwise.agents;

import dev.stepwise.models.ProposedStep;
import dev.stepwise.models.StepTask;
import dev.stepwise.schemas.avro.StepProposalRequested;
import dev.stepwise.schemas.avro.StepProposed;
import dev.stepwise.schemas.deadletter.RejectedInputException;
import dev.stepwise.schemas.topics.Topic;
import dev.stepwise.schemas.topics.Topics;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Proposes {@code samples} candidate next steps for one chain, calling the model for all samples at
 * once. Step {@code i} is named {@code <requestId>.<i>}, so a redelivered request yields the same ids
 * and the topology can drop what it has already seen.
 */
public final class ProposerHandler implements AgentHandler<StepProposalRequested, StepProposed> {

    /** More samples than any search strategy asks for; a larger number is a broken request, not work to do. */
    public static final int MAX_SAMPLES = 1024;

    private final Topics topics;
    private final ModelCalls calls;
    private final String instanceId;
    private final Clock clock;

    public ProposerHandler(final Topics topics, final ModelCalls calls, final String instanceId, final Clock clock) {
        this.topics = topics;
        this.calls = calls;
        this.instanceId = instanceId;
        this.clock = clock;
    }

    @Override
    public Topic<StepProposalRequested> input() {
        return topics.proposalRequests();
    }

    @Override
    public Topic<StepProposed> output() {
        return topics.stepsProposed();
    }

    @Override
    public String promptId(final StepProposalRequested request) {
        return request.getPromptId();
    }

    @Override
    public List<StepProposed> handle(final StepProposalRequested request) throws InterruptedException {
        final int samples = request.getSamples();
        if (samples < 1 || samples > MAX_SAMPLES) {
            throw new RejectedInputException("invalid-samples",
                    "samples must be between 1 and " + MAX_SAMPLES + ", got " + samples + " in request " + request.getRequestId());
        }
        // One virtual thread per sample; ModelCalls bounds how many of them call the model at once.
        final List<ModelCalls.Outcome<ProposedStep>> outcomes = new ArrayList<>(samples);
        try (ExecutorService executor = Executors.newThreadPerTaskExecutor(
                Thread.ofVirtual().name("stepwise-proposer-" + request.getRequestId() + "-", 0).factory())) {
            final List<Future<ModelCalls.Outcome<ProposedStep>>> futures = new ArrayList<>(samples);
            for (int i = 0; i < samples; i++) {
                final String stepId = stepId(request, i);
                final StepTask task = new StepTask(request.getPromptId(), request.getContext().getProblem(),
                        request.getContext().getPriorSteps(), stepId, request.getDepth());
                futures.add(executor.submit(() -> calls.call(stepId, backend -> backend.propose(task))));
            }
            try {
                for (final Future<ModelCalls.Outcome<ProposedStep>> future : futures) {
                    outcomes.add(Tasks.await(future));
                }
            } catch (RuntimeException | InterruptedException | Error e) {
                // One sample still failed after its retries: the whole request is redone later, so stop the others now.
                executor.shutdownNow();
                throw e;
            }
        }
        final List<StepProposed> steps = new ArrayList<>(samples);
        boolean failureLogged = false;
        for (int i = 0; i < samples; i++) {
            final ModelCalls.Outcome<ProposedStep> outcome = outcomes.get(i);
            if (outcome instanceof ModelCalls.FailedForGood<ProposedStep> failure && !failureLogged) {
                // Once per request, not per sample: every sample hit the same wrong key or model name.
                ModelCalls.logFailedForGood("proposal request " + request.getRequestId(), failure);
                failureLogged = true;
            }
            steps.add(step(request, stepId(request, i), outcome));
        }
        return steps;
    }

    private static String stepId(final StepProposalRequested request, final int sample) {
        return request.getRequestId() + "." + sample;
    }

    private StepProposed step(final StepProposalRequested request, final String stepId,
                              final ModelCalls.Outcome<ProposedStep> outcome) {
        final StepProposed.Builder step = StepProposed.newBuilder()
                .setPromptId(request.getPromptId())
                .setStepId(stepId)
                .setRequestId(request.getRequestId())
                .setChainId(request.getChainId())
                .setParentStepId(request.getParentStepId())
                .setDepth(request.getDepth())
                .setContext(request.getContext());
        return switch (outcome) {
            case ModelCalls.Answered<ProposedStep> answered -> step
                    .setText(answered.value().text())
                    .setTerminal(answered.value().terminal())
                    .setAnswer(answered.value().answer())
                    .setCall(AgentCalls.of(instanceId, calls.model(), answered.value().tokens(), answered.latencyMs()))
                    .setProducedAt(clock.instant())
                    .build();
            case ModelCalls.NotUnderstood<ProposedStep> notUnderstood -> step
                    .setText("")
                    .setError(notUnderstood.message())
                    .setCall(AgentCalls.of(instanceId, calls.model(), 0, notUnderstood.latencyMs()))
                    .setProducedAt(clock.instant())
                    .build();
            // The topology answers the prompt with this error at once; retrying cannot fix a wrong key or model name.
            case ModelCalls.FailedForGood<ProposedStep> failed -> step
                    .setText("")
                    .setError(failed.message())
                    .setCall(AgentCalls.of(instanceId, calls.model(), 0, failed.latencyMs()))
                    .setProducedAt(clock.instant())
                    .build();
        };
    }
}
