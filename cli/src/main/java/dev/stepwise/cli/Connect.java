package dev.stepwise.cli;

import dev.stepwise.schemas.config.CommonConfig;
import dev.stepwise.schemas.serde.ConfluentSchemaRegistryClient;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/** Finds the cluster a client command talks to: the configured one, else the one a running {@code up} wrote down. */
final class Connect {

    private Connect() {
    }

    /**
     * Fails fast, with a message a person can act on, when no broker answers at {@code bootstrap};
     * otherwise every client would log connection warnings until its own metadata timeout.
     */
    static void awaitKafka(final String bootstrap, final Duration timeout) {
        final Map<String, Object> props = Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        try (Admin admin = Admin.create(props)) {
            admin.describeCluster().clusterId().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("No Kafka broker answers at " + bootstrap + " (waited " + timeout.toSeconds()
                    + " s). Start one with './stepwise up' or './stepwise kafka start', or fix --bootstrap / STEPWISE_BOOTSTRAP.", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while connecting to " + bootstrap, e);
        }
    }

    /**
     * The configuration pointed at a running cluster: the one it names, else the one a live
     * {@code ./stepwise up} wrote down; empty when there is neither.
     */
    static Optional<Map<String, String>> findRunningCluster(final Map<String, String> config) {
        if (StepwiseStack.isExternal(config)) {
            return Optional.of(config);
        }
        return RunFile.read().map(found -> {
            final Map<String, String> merged = new LinkedHashMap<>(config);
            merged.putAll(found);
            return merged;
        });
    }

    /** The configuration pointed at a running cluster, or an error saying how to get one. */
    static Map<String, String> toRunningCluster(final Map<String, String> config) {
        return findRunningCluster(config).orElseThrow(() -> new IllegalArgumentException(
                "No cluster given and no './stepwise up' running. Start one with './stepwise up', or pass "
                        + "--bootstrap and --registry (env STEPWISE_BOOTSTRAP, STEPWISE_REGISTRY_URL)."));
    }

    /** Checks once that the broker and the registry a client command uses both answer, with clear errors if not. */
    static void awaitServers(final Map<String, String> config, final ConfluentSchemaRegistryClient registry,
                             final Duration timeout) {
        awaitKafka(config.get(CommonConfig.BOOTSTRAP_SERVERS), timeout);
        registry.awaitReachable(timeout);
    }
}
