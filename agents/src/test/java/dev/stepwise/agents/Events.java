package dev.stepwise.agents;

import dev.stepwise.schemas.avro.AgentCall;
import dev.stepwise.schemas.avro.ChainContext;
import dev.stepwise.schemas.avro.RevisionRequested;
import dev.stepwise.schemas.avro.StepProposalRequested;
import dev.stepwise.schemas.avro.StepProposed;
import java.time.Instant;
import java.util.List;

/** Requests as the topology writes them. */
final class Events {

    static final Instant AT = Instant.parse("2026-11-26T10:00:00Z");

    private Events() {
    }

    static ChainContext context() {
        return ChainContext.newBuilder().setProblem("2 + 3 * 4").setPriorSteps(List.of("3 * 4 = 12")).build();
    }

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

    static StepProposed proposedStep(final String promptId, final String stepId) {
        return StepProposed.newBuilder()
                .setPromptId(promptId)
                .setStepId(stepId)
                .setRequestId(stepId.substring(0, stepId.lastIndexOf('.')))
                .setChainId(promptId + "/s1")
                .setParentStepId(promptId + "/s1")
                .setDepth(1)
                .setText("2 + 12 = 14")
                .setContext(context())
                .setCall(AgentCall.newBuilder().setAgentInstance("p-0").setModel("fake/test-v1").build())
                .setProducedAt(AT)
                .build();
    }

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
}
