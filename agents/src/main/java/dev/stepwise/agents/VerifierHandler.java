package dev.stepwise.agents;

import dev.stepwise.models.Judgement;
import dev.stepwise.models.VerificationTask;
import dev.stepwise.schemas.avro.StepProposed;
import dev.stepwise.schemas.avro.StepVerified;
import dev.stepwise.schemas.avro.Verdict;
import dev.stepwise.schemas.topics.Topic;
import dev.stepwise.schemas.topics.Topics;
import java.time.Clock;
import java.util.List;

/**
 * Scores one proposed step against the problem and the chain before it. Steps that carry an error
 * have nothing to verify and get no verdict (their offsets are still committed with the batch).
 */
public final class VerifierHandler implements AgentHandler<StepProposed, StepVerified> {

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
    public Topic<StepProposed> input() {
        return topics.stepsProposed();
    }

    @Override
    public Topic<StepVerified> output() {
        return topics.stepsVerified();
    }

    @Override
    public String promptId(final StepProposed step) {
        return step.getPromptId();
    }

    @Override
    public List<StepVerified> handle(final StepProposed step) throws InterruptedException {
        if (step.getError() != null) {
            return List.of();
        }
        final VerificationTask task = new VerificationTask(step.getPromptId(), step.getContext().getProblem(),
                step.getContext().getPriorSteps(), step.getStepId(), step.getText());
        final StepVerified.Builder verdict = StepVerified.newBuilder()
                .setPromptId(step.getPromptId())
                .setStepId(step.getStepId());
        return List.of(switch (calls.call(step.getStepId(), backend -> backend.verify(task))) {
            case ModelCalls.Answered<Judgement> answered -> verdict
                    .setScore(answered.value().score())
                    .setVerdict(answered.value().accepted() ? Verdict.ACCEPTED : Verdict.REJECTED)
                    .setRationale(answered.value().rationale() == null ? "" : answered.value().rationale())
                    .setCall(AgentCalls.of(instanceId, calls.model(), answered.value().tokens(), answered.latencyMs()))
                    .setVerifiedAt(clock.instant())
                    .build();
            // The backend cannot read the problem: the step cannot be trusted, and the rationale tells the user why.
            case ModelCalls.NotUnderstood<Judgement> notUnderstood -> verdict
                    .setScore(0.0)
                    .setVerdict(Verdict.REJECTED)
                    .setRationale(notUnderstood.message())
                    .setCall(AgentCalls.of(instanceId, calls.model(), 0, notUnderstood.latencyMs()))
                    .setVerifiedAt(clock.instant())
                    .build();
            // The verifier cannot be reached for good (key, URL, model name): an unverified step is not trusted,
            // and the rationale says why instead of the partition retrying forever.
            case ModelCalls.FailedForGood<Judgement> failed -> {
                ModelCalls.logFailedForGood("step " + step.getStepId(), failed);
                yield verdict
                        .setScore(0.0)
                        .setVerdict(Verdict.REJECTED)
                        .setRationale(failed.message())
                        .setCall(AgentCalls.of(instanceId, calls.model(), 0, failed.latencyMs()))
                        .setVerifiedAt(clock.instant())
                        .build();
            }
        });
    }
}
