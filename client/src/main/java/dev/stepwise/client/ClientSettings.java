package dev.stepwise.client;

import dev.stepwise.schemas.serde.SchemaRegistryClient;
import dev.stepwise.schemas.topics.Topics;
import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link StepwiseClient} reaches Stepwise.
 *
 * @param bootstrapServers    Kafka bootstrap servers
 * @param registry            the schema registry the events are framed with
 * @param topics              the topic registry (prefix) of the deployment
 * @param clientId            Kafka client id prefix, shown in broker logs and metrics
 * @param maxUnclaimedAnswers answers of prompts nobody waits for that are remembered (LRU), so that a caller
 *                            who starts waiting just after an answer arrived still gets it
 * @param connectTimeout      how long {@link StepwiseClient#connect} waits for the broker to name the partitions
 *                            of the answers and decisions topics before it gives up with a clear error
 */
public record ClientSettings(String bootstrapServers, SchemaRegistryClient registry, Topics topics, String clientId,
                             int maxUnclaimedAnswers, Duration connectTimeout) {

    public static final String DEFAULT_CLIENT_ID = "stepwise-client";
    public static final int DEFAULT_MAX_UNCLAIMED_ANSWERS = 1024;
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(30);

    public ClientSettings {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(topics, "topics");
        Objects.requireNonNull(clientId, "clientId");
        if (maxUnclaimedAnswers < 0) {
            throw new IllegalArgumentException("maxUnclaimedAnswers must not be negative, got " + maxUnclaimedAnswers);
        }
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        if (connectTimeout.isNegative() || connectTimeout.isZero()) {
            throw new IllegalArgumentException("connectTimeout must be positive, got " + connectTimeout);
        }
    }

    /** Settings with the default client id, answer memory and connect timeout. */
    public static ClientSettings of(final String bootstrapServers, final SchemaRegistryClient registry, final Topics topics) {
        return new ClientSettings(bootstrapServers, registry, topics, DEFAULT_CLIENT_ID, DEFAULT_MAX_UNCLAIMED_ANSWERS,
                DEFAULT_CONNECT_TIMEOUT);
    }

    public ClientSettings withClientId(final String id) {
        return new ClientSettings(bootstrapServers, registry, topics, id, maxUnclaimedAnswers, connectTimeout);
    }

    public ClientSettings withMaxUnclaimedAnswers(final int max) {
        return new ClientSettings(bootstrapServers, registry, topics, clientId, max, connectTimeout);
    }

    public ClientSettings withConnectTimeout(final Duration timeout) {
        return new ClientSettings(bootstrapServers, registry, topics, clientId, maxUnclaimedAnswers, timeout);
    }
}
