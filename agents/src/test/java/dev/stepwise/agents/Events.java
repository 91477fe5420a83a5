package dev.stepwise.agents;

import dev.stepwise.schemas.avro.ChainContext;
import dev.stepwise.schemas.avro.RevisionRequested;
import dev.stepwise.schemas.avro.StepProposalRequested;
import dev.stepwise.schemas.avro.VerificationKind;
import dev.stepwise.schemas.avro.VerificationPlan;
import dev.stepwise.schemas.avro.VerificationRequested;
import dev.stepwise.schemas.ids.EventIds;
import java.time.Instant;
import java.util.List;

/** Requests as the topology (or, for verification requests, a proposer) writes them. */
final class Events {

    static final Instant AT = Instant.parse("2026-11-26T10:00:00Z");

    private Events() {
    }

    static ChainContext context() {
        return ChainContext.newBuilder().setProblem("2 + 3 * 4").setPriorSteps(List.of("3 * 4 = 12")).build();
    }

    /** A request that leaves the verification plan at its default, STEP. */
    static StepProposalRequested proposalRequest(final String promptId, final String requestId, final int samples) {
        return StepProposalRequested.newBuilder()
                .setPromptId(promptId)
                .setRequestId(requestId)
                .setChainId(promptId + "/s1")
                .setParentStepId(promptId + "/s1")
                .setDepth(1)
                .setSamples(samples)
                .setContext(context())
                .setRequestedAt(AT)
                .build();
    }

    static StepProposalRequested proposalRequest(final String promptId, final String requestId, final int samples,
                                                 final VerificationPlan plan) {
        final StepProposalRequested request = proposalRequest(promptId, requestId, samples);
        request.setVerification(plan);
        return request;
    }

    /** A request to verify step {@code stepId} ("2 + 12 = 14", not terminal), as a proposer writes it. */
    static VerificationRequested verificationRequest(final String promptId, final String stepId, final VerificationKind kind) {
        return VerificationRequested.newBuilder()
                .setPromptId(promptId)
                .setRequestId(EventIds.verificationId(stepId, kind))
                .setKind(kind)
                .setStepId(stepId)
                .setText("2 + 12 = 14")
                .setContext(context())
                .setRequestedBy("p-0")
                .setRequestedAt(AT)
                .build();
    }

    /** A request to verify the outcome of a chain ending with the terminal step {@code stepId}, answering 14. */
    static VerificationRequested outcomeRequest(final String promptId, final String stepId) {
        final VerificationRequested request = verificationRequest(promptId, stepId, VerificationKind.OUTCOME);
        request.setText("2 + 12 = 14; answer: 14");
        request.setTerminal(true);
        request.setAnswer("14");
        return request;
    }

    /** A request that leaves the verification plan at its default, STEP. */
    static RevisionRequested revisionRequest(final String promptId, final String requestId, final String rejectedStepId) {
        return RevisionRequested.newBuilder()
                .setPromptId(promptId)
                .setRequestId(requestId)
                .setChainId(promptId + "/s1")
                .setStepId(rejectedStepId)
                .setParentStepId(promptId + "/s1")
                .setDepth(1)
                .setRejectedText("2 + 12 = 15")
                .setCritique("2 + 12 is 14")
                .setAttempt(2)
                .setContext(context())
                .setRequestedAt(AT)
                .build();
    }

    static RevisionRequested revisionRequest(final String promptId, final String requestId, final String rejectedStepId,
                                             final VerificationPlan plan) {
        final RevisionRequested request = revisionRequest(promptId, requestId, rejectedStepId);
        request.setVerification(plan);
        return request;
    }
}
