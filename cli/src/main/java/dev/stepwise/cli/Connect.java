package dev.stepwise.cli;

import java.util.LinkedHashMap;
import java.util.Map;

/** Finds the cluster a client command talks to: the configured one, else the one a running {@code up} wrote down. */
final class Connect {

    private Connect() {
    }

    /** The configuration pointed at a running cluster, or an error saying how to get one. */
    static Map<String, String> toRunningCluster(final Map<String, String> config) {
        if (StepwiseStack.isExternal(config)) {
            return config;
        }
        final Map<String, String> found = RunFile.read().orElseThrow(() -> new IllegalArgumentException(
                "No cluster given and no './stepwise up' running. Start one with './stepwise up', or pass "
                        + "--bootstrap and --registry (env STEPWISE_BOOTSTRAP, STEPWISE_REGISTRY_URL)."));
        final Map<String, String> merged = new LinkedHashMap<>(config);
        merged.putAll(found);
        return merged;
    }
}
