package dev.stepwise.models;

import dev.stepwise.models.latency.Latency;
import dev.stepwise.models.latency.SimulatedLatencyBackend;
import dev.stepwise.models.openai.OpenAiCompatibleBackend;
import dev.stepwise.models.openai.OpenAiConfig;
import dev.stepwise.models.synthetic.SyntheticModelBackend;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;

/** Builds the backend a {@link ModelBackendConfig} names. */
public final class ModelBackends {

    private ModelBackends() {
    }

    /**
     * A new backend; the caller owns it and closes it. With per-role overrides, roles whose resolved settings are
     * equal share one client (and what it learnt about the server, e.g. whether it honours {@code n}); when they all
     * are, that one client is the backend.
     */
    public static ModelBackend create(final ModelBackendConfig config) {
        return switch (config.kind()) {
            case SYNTHETIC -> synthetic(config);
            case OPENAI -> openai(config);
        };
    }

    private static ModelBackend synthetic(final ModelBackendConfig config) {
        final ModelBackend suite = new SyntheticModelBackend(config.synthetic());
        final Latency latency = config.syntheticLatency();
        return latency.isNone() ? suite : new SimulatedLatencyBackend(suite, latency, config.synthetic().seed());
    }

    private static ModelBackend openai(final ModelBackendConfig config) {
        final Map<OpenAiConfig, ModelBackend> clients = new LinkedHashMap<>();
        final Map<ModelRole, ModelBackend> byRole = new EnumMap<>(ModelRole.class);
        for (final ModelRole role : ModelRole.values()) {
            byRole.put(role, clients.computeIfAbsent(config.openai(role), OpenAiCompatibleBackend::new));
        }
        return clients.size() == 1 ? clients.values().iterator().next() : new RoleRoutedBackend(byRole);
    }
}
