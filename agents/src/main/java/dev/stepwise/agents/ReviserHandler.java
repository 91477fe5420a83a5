package dev.stepwise.agents;

import dev.stepwise.models.ProposedStep;
import dev.stepwise.models.RevisionTask;
import dev.stepwise.schemas.avro.ChainContext;
import dev.stepwise.schemas.avro.RevisionRequested;
import dev.stepwise.schemas.avro.StepProposed;
import dev.stepwise.schemas.topics.Topic;
import dev.stepwise.schemas.topics.Topics;
import java.time.Clock;
import java.util.List;

/**
 * Rewrites one rejected step given the verifier's critique. The revised step is named
 * {@code <requestId>.0}, takes the rejected step's place in the chain (same chain, parent and depth)
 * and names it in {@code revisionOf}; it goes to {@code steps.proposed} to be verified like any other.
 */
public final class ReviserHandler implements AgentHandler<RevisionRequested, StepProposed> {

    private final Topics topics;
    private final ModelCalls calls;
    private final String instanceId;
    private final Clock clock;

    public ReviserHandler(final Topics topics, final ModelCalls calls, final String instanceId, final Clock clock) {
        this.topics = topics;
        this.calls = calls;
        this.instanceId = instanceId;
        this.clock = clock;
    }

    @Override
    public Topic<RevisionRequested> input() {
        return topics.revisionRequests();
    }

    @Override
    public Topic<StepProposed> output() {
        return topics.stepsProposed();
    }

    @Override
    public String promptId(final RevisionRequested request) {
        return request.getPromptId();
    }

    @Override
    public List<StepProposed> handle(final RevisionRequested request) throws InterruptedException {
        final ChainContext context = request.getContext();
        final String stepId = request.getRequestId() + ".0";
        final RevisionTask task = new RevisionTask(request.getPromptId(), context.getProblem(), context.getPriorSteps(),
                request.getRejectedText(), request.getCritique(), stepId, request.getDepth(), request.getAttempt());
        final StepProposed.Builder step = StepProposed.newBuilder()
                .setPromptId(request.getPromptId())
                .setStepId(stepId)
                .setRequestId(request.getRequestId())
                .setChainId(request.getChainId())
                .setParentStepId(request.getParentStepId())
                .setDepth(request.getDepth())
                .setRevisionOf(request.getStepId())
                .setContext(context);
        return List.of(switch (calls.call(stepId, backend -> backend.revise(task))) {
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
            case ModelCalls.FailedForGood<ProposedStep> failed -> {
                ModelCalls.logFailedForGood("revision request " + request.getRequestId(), failed);
                yield step
                        .setText("")
                        .setError(failed.message())
                        .setCall(AgentCalls.of(instanceId, calls.model(), 0, failed.latencyMs()))
                        .setProducedAt(clock.instant())
                        .build();
            }
        });
    }
}
