package dev.stepwise.agents;

import dev.stepwise.models.ModelRole;
import dev.stepwise.models.ProposedStep;
import dev.stepwise.models.RevisionTask;
import dev.stepwise.schemas.avro.ChainContext;
import dev.stepwise.schemas.avro.RevisionRequested;
import dev.stepwise.schemas.avro.StepProposed;
import dev.stepwise.schemas.ids.EventIds;
import dev.stepwise.schemas.topics.Topic;
import dev.stepwise.schemas.topics.Topics;
import java.time.Clock;
import java.util.List;

/**
 * Rewrites one rejected step given the verifier's critique. The revised step is named
 * {@code <requestId>.0}, takes the rejected step's place in the chain (same chain, parent and depth)
 * and names it in {@code revisionOf}; it goes to {@code steps.proposed} like any other step, and in the
 * same transaction its verification is asked for as the request's plan says (see {@link VerificationRequests}).
 */
public final class ReviserHandler implements AgentHandler<RevisionRequested> {

    private final Topics topics;
    private final ModelCalls calls;
    private final String instanceId;
    private final Clock clock;
    private final VerificationRequests verifications;

    public ReviserHandler(final Topics topics, final ModelCalls calls, final String instanceId, final Clock clock) {
        this.topics = topics;
        this.calls = calls;
        this.instanceId = instanceId;
        this.clock = clock;
        this.verifications = new VerificationRequests(topics, AgentKind.REVISER, instanceId, clock);
    }

    @Override
    public Topic<RevisionRequested> input() {
        return topics.revisionRequests();
    }

    @Override
    public List<Topic<?>> outputs() {
        return List.of(topics.stepsProposed(), topics.verificationRequests());
    }

    @Override
    public String promptId(final RevisionRequested request) {
        return request.getPromptId();
    }

    @Override
    public List<Output<?>> handle(final RevisionRequested request) throws InterruptedException {
        final ChainContext context = request.getContext();
        final String stepId = EventIds.stepId(request.getRequestId(), 0);
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
        final ModelCalls.Outcome<ProposedStep> outcome = calls.call(stepId, clock, backend -> backend.revise(task));
        if (outcome instanceof ModelCalls.GaveUp<ProposedStep>) {
            // Nothing to write: the search asks for this revision again when its timeout fires.
            return List.of();
        }
        final String model = calls.model(ModelRole.REVISER);
        final StepProposed revised = switch (outcome) {
            case ModelCalls.Answered<ProposedStep> answered -> step
                    .setText(answered.value().text())
                    .setTerminal(answered.value().terminal())
                    .setAnswer(answered.value().answer())
                    .setCall(AgentCalls.of(instanceId, model, answered.value().tokens(), answered))
                    .setProducedAt(clock.instant())
                    .build();
            case ModelCalls.NotUnderstood<ProposedStep> notUnderstood -> step
                    .setText("")
                    .setError(notUnderstood.message())
                    .setCall(AgentCalls.of(instanceId, model, 0, notUnderstood))
                    .setProducedAt(clock.instant())
                    .build();
            // The topology answers the prompt with this error at once; retrying cannot fix a wrong key or model name.
            case ModelCalls.FailedForGood<ProposedStep> failed -> {
                ModelCalls.logFailedForGood("revision request " + request.getRequestId(), failed);
                yield step
                        .setText("")
                        .setError(failed.message())
                        .setCall(AgentCalls.of(instanceId, model, 0, failed))
                        .setProducedAt(clock.instant())
                        .build();
            }
            case ModelCalls.GaveUp<ProposedStep> gaveUp -> throw new IllegalStateException(gaveUp.message());
        };
        return verifications.stepsAndRequests(request.getVerification(), request.getRequestId(), List.of(revised));
    }
}
