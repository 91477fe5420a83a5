package dev.stepwise.agents;

import dev.stepwise.schemas.avro.AgentCall;

/** Builds the {@link AgentCall} every output carries: who made the model call, what it cost and when it ran. */
final class AgentCalls {

    private AgentCalls() {
    }

    static AgentCall of(final String instanceId, final String model, final int tokens, final ModelCalls.Outcome<?> call) {
        return AgentCall.newBuilder()
                .setAgentInstance(instanceId)
                .setModel(model)
                .setTokens(tokens)
                .setLatencyMs(call.latencyMs())
                .setStartedAt(call.startedAt())
                .build();
    }
}
