package dev.stepwise.agents;

import dev.stepwise.models.Judgement;
import dev.stepwise.models.ModelRole;
import dev.stepwise.models.VerificationTask;
import dev.stepwise.schemas.avro.StepVerified;
import dev.stepwise.schemas.avro.Verdict;
import dev.stepwise.schemas.avro.VerificationKind;
import dev.stepwise.schemas.avro.VerificationRequested;
import dev.stepwise.schemas.deadletter.RejectedInputException;
import dev.stepwise.schemas.topics.Topic;
import dev.stepwise.schemas.topics.Topics;
import java.time.Clock;
import java.util.List;

/**
 * Answers one verification request: scores the step against the problem and the chain before it (kind STEP), or
 * the final answer of the finished chain the step ends (kind OUTCOME). The verdict names the request and its kind,
 * so that the topology can match it to what it asked for. The requests come from the proposers and revisers, with
 * their steps, and from the topology itself.
 */
public final class VerifierHandler implements AgentHandler<VerificationRequested> {

    private final Topics topics;
    private final ModelCalls calls;
    private final String instanceId;
    private final Clock clock;

    public VerifierHandler(final Topics topics, final ModelCalls calls, final String instanceId, final Clock clock) {
        this.topics = topics;
        this.calls = calls;
        this.instanceId = instanceId;
        this.clock = clock;
    }

    @Override
    public Topic<VerificationRequested> input() {
        return topics.verificationRequests();
    }

    @Override
    public List<Topic<?>> outputs() {
        return List.of(topics.stepsVerified());
    }

    @Override
    public String promptId(final VerificationRequested request) {
        return request.getPromptId();
    }

    @Override
    public List<Output<?>> handle(final VerificationRequested request) throws InterruptedException {
        final VerificationTask task = new VerificationTask(request.getPromptId(), request.getContext().getProblem(),
                request.getContext().getPriorSteps(), request.getStepId(), request.getText(), kind(request));
        final StepVerified.Builder verdict = StepVerified.newBuilder()
                .setPromptId(request.getPromptId())
                .setStepId(request.getStepId())
                .setKind(request.getKind())
                .setRequestId(request.getRequestId());
        final ModelCalls.Outcome<Judgement> outcome =
                calls.call(request.getRequestId(), clock, backend -> backend.verify(task));
        if (outcome instanceof ModelCalls.GaveUp<Judgement>) {
            // No verdict the model did not give: the search asks for this verification again when its timeout fires.
            return List.of();
        }
        final String model = calls.model(ModelRole.VERIFIER);
        final StepVerified verified = switch (outcome) {
            case ModelCalls.Answered<Judgement> answered -> verdict
                    .setScore(answered.value().score())
                    .setVerdict(answered.value().accepted() ? Verdict.ACCEPTED : Verdict.REJECTED)
                    .setRationale(answered.value().rationale() == null ? "" : answered.value().rationale())
                    .setCall(AgentCalls.of(instanceId, model, answered.value().tokens(), answered))
                    .setVerifiedAt(clock.instant())
                    .build();
            // The backend cannot read the problem: the step cannot be trusted, and the rationale tells the user why.
            case ModelCalls.NotUnderstood<Judgement> notUnderstood -> verdict
                    .setScore(0.0)
                    .setVerdict(Verdict.REJECTED)
                    .setRationale(notUnderstood.message())
                    .setCall(AgentCalls.of(instanceId, model, 0, notUnderstood))
                    .setVerifiedAt(clock.instant())
                    .build();
            // The verifier cannot be reached for good (key, URL, model name): an unverified step is not trusted,
            // and the rationale says why instead of the partition retrying forever.
            case ModelCalls.FailedForGood<Judgement> failed -> {
                ModelCalls.logFailedForGood("verification request " + request.getRequestId(), failed);
                yield verdict
                        .setScore(0.0)
                        .setVerdict(Verdict.REJECTED)
                        .setRationale(failed.message())
                        .setCall(AgentCalls.of(instanceId, model, 0, failed))
                        .setVerifiedAt(clock.instant())
                        .build();
            }
            case ModelCalls.GaveUp<Judgement> gaveUp -> throw new IllegalStateException(gaveUp.message());
        };
        return List.of(new Output<>(topics.stepsVerified(), verified));
    }

    /**
     * What the model is asked to score. A kind this verifier cannot name (from a newer topology) is dead-lettered:
     * guessing could score the wrong thing, and redelivering it would fail the same way forever.
     */
    private static VerificationTask.Kind kind(final VerificationRequested request) {
        return switch (request.getKind()) {
            case STEP -> VerificationTask.Kind.STEP;
            case OUTCOME -> VerificationTask.Kind.OUTCOME;
            case UNKNOWN -> throw new RejectedInputException("unknown-verification-kind", "verification request "
                    + request.getRequestId() + " asks for a kind of verification this verifier cannot name (from a newer "
                    + "topology?); known kinds: " + VerificationKind.STEP + ", " + VerificationKind.OUTCOME);
        };
    }
}
