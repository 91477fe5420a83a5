package dev.stepwise.infra;

import dev.stepwise.schemas.topics.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How {@link LocalStack} starts.
 *
 * @param dataDir         where the broker log ({@code kafka/}) and the registry database and log ({@code registry/}) are
 *                        kept across restarts; null for temporary directories deleted on close
 * @param kafkaPort       Kafka client port on 127.0.0.1, 0 for an ephemeral one
 * @param topics          topics to create once both servers are up, or null to create none
 * @param registryTimeout how long to wait for the schema registry to answer
 */
public record LocalStackOptions(Path dataDir, int kafkaPort, Topics topics, Duration registryTimeout) {

    public LocalStackOptions {
        if (kafkaPort < 0 || kafkaPort > 65_535) {
            throw new IllegalArgumentException("kafkaPort must be 0 (ephemeral) or 1-65535, got " + kafkaPort);
        }
        Objects.requireNonNull(registryTimeout, "registryTimeout");
        if (registryTimeout.isNegative() || registryTimeout.isZero()) {
            throw new IllegalArgumentException("registryTimeout must be positive, got " + registryTimeout);
        }
    }

    /** Temporary data, ephemeral port, the given topics, the default registry timeout: what tests and {@code demo} use. */
    public static LocalStackOptions ephemeral(final Topics topics) {
        return new LocalStackOptions(null, 0, topics, ApicurioRegistryServer.DEFAULT_START_TIMEOUT);
    }
}
