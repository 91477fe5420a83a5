package dev.stepwise.agents;

import dev.stepwise.models.ModelRole;
import dev.stepwise.models.ProposedStep;
import dev.stepwise.models.StepTask;
import dev.stepwise.schemas.avro.StepProposalRequested;
import dev.stepwise.schemas.avro.StepProposed;
import dev.stepwise.schemas.deadletter.RejectedInputException;
import dev.stepwise.schemas.ids.EventIds;
import dev.stepwise.schemas.topics.Topic;
import dev.stepwise.schemas.topics.Topics;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Proposes {@code samples} candidate next steps for one chain in one model call
 * ({@link dev.stepwise.models.ModelBackend#proposeMany}: one request with {@code n=samples} where the server supports
 * it). Step {@code i} is named {@code <requestId>.<i>}, so a redelivered request yields the same ids and the topology
 * can drop what it has already seen. With the steps, in the same transaction, it asks for their verification as the
 * request's plan says (see {@link VerificationRequests}). A call that gave up after the backend's retries writes
 * nothing: the search asks again.
 */
public final class ProposerHandler implements AgentHandler<StepProposalRequested> {

    /** More samples than any search strategy asks for; a larger number is a broken request, not work to do. */
    public static final int MAX_SAMPLES = 1024;

    private final Topics topics;
    private final ModelCalls calls;
    private final String instanceId;
    private final Clock clock;
    private final VerificationRequests verifications;

    public ProposerHandler(final Topics topics, final ModelCalls calls, final String instanceId, final Clock clock) {
        this.topics = topics;
        this.calls = calls;
        this.instanceId = instanceId;
        this.clock = clock;
        this.verifications = new VerificationRequests(topics, AgentKind.PROPOSER, instanceId, clock);
    }

    @Override
    public Topic<StepProposalRequested> input() {
        return topics.proposalRequests();
    }

    @Override
    public List<Topic<?>> outputs() {
        return List.of(topics.stepsProposed(), topics.verificationRequests());
    }

    @Override
    public String promptId(final StepProposalRequested request) {
        return request.getPromptId();
    }

    @Override
    public List<Output<?>> handle(final StepProposalRequested request) throws InterruptedException {
        final int samples = request.getSamples();
        if (samples < 1 || samples > MAX_SAMPLES) {
            throw new RejectedInputException("invalid-samples",
                    "samples must be between 1 and " + MAX_SAMPLES + ", got " + samples + " in request " + request.getRequestId());
        }
        final List<StepTask> tasks = new ArrayList<>(samples);
        for (int i = 0; i < samples; i++) {
            tasks.add(new StepTask(request.getPromptId(), request.getContext().getProblem(),
                    request.getContext().getPriorSteps(), EventIds.stepId(request.getRequestId(), i), request.getDepth()));
        }
        // One call for all samples: a backend that can draw them in one request (OpenAI's n) does.
        final ModelCalls.Outcome<List<ProposedStep>> outcome =
                calls.call(request.getRequestId(), clock, backend -> backend.proposeMany(tasks));
        if (outcome instanceof ModelCalls.GaveUp<List<ProposedStep>>) {
            // Nothing to write: the search asks for this request again, with the same ids, when its timeout fires.
            return List.of();
        }
        if (outcome instanceof ModelCalls.FailedForGood<List<ProposedStep>> failure) {
            ModelCalls.logFailedForGood("proposal request " + request.getRequestId(), failure);
        }
        final List<StepProposed> steps = new ArrayList<>(samples);
        for (int i = 0; i < samples; i++) {
            steps.add(step(request, tasks.get(i).stepId(), outcome, i));
        }
        return verifications.stepsAndRequests(request.getVerification(), request.getRequestId(), steps);
    }

    private StepProposed step(final StepProposalRequested request, final String stepId,
                              final ModelCalls.Outcome<List<ProposedStep>> outcome, final int sample) {
        final StepProposed.Builder step = StepProposed.newBuilder()
                .setPromptId(request.getPromptId())
                .setStepId(stepId)
                .setRequestId(request.getRequestId())
                .setChainId(request.getChainId())
                .setParentStepId(request.getParentStepId())
                .setDepth(request.getDepth())
                .setContext(request.getContext())
                .setProducedAt(clock.instant());
        final String model = calls.model(ModelRole.PROPOSER);
        return switch (outcome) {
            case ModelCalls.Answered<List<ProposedStep>> answered -> {
                final ProposedStep proposed = sample(answered.value(), sample, request);
                yield step.setText(proposed.text())
                        .setTerminal(proposed.terminal())
                        .setAnswer(proposed.answer())
                        .setCall(AgentCalls.of(instanceId, model, proposed.tokens(), answered))
                        .build();
            }
            case ModelCalls.NotUnderstood<List<ProposedStep>> notUnderstood -> step
                    .setText("")
                    .setError(notUnderstood.message())
                    .setCall(AgentCalls.of(instanceId, model, 0, notUnderstood))
                    .build();
            // The topology answers the prompt with this error at once; retrying cannot fix a wrong key or model name.
            case ModelCalls.FailedForGood<List<ProposedStep>> failed -> step
                    .setText("")
                    .setError(failed.message())
                    .setCall(AgentCalls.of(instanceId, model, 0, failed))
                    .build();
            case ModelCalls.GaveUp<List<ProposedStep>> gaveUp ->
                    throw new IllegalStateException("no step is written for a call that gave up: " + gaveUp.message());
        };
    }

    /** Sample {@code i} of what the backend returned; a backend that returns another number of steps is a bug. */
    private static ProposedStep sample(final List<ProposedStep> steps, final int i, final StepProposalRequested request) {
        if (steps.size() != request.getSamples()) {
            throw new IllegalStateException("the model backend returned " + steps.size() + " steps for "
                    + request.getSamples() + " samples of request " + request.getRequestId());
        }
        return steps.get(i);
    }
}
