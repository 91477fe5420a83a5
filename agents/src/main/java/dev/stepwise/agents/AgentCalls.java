package dev.stepwise.agents;

import dev.stepwise.schemas.avro.AgentCall;

/** Builds the {@link AgentCall} every output carries. */
final class AgentCalls {

    private AgentCalls() {
    }

    static AgentCall of(final String instanceId, final String model, final int tokens, final long latencyMs) {
        return AgentCall.newBuilder()
                .setAgentInstance(instanceId)
                .setModel(model)
                .setTokens(tokens)
                .setLatencyMs(latencyMs)
                .build();
    }
}
