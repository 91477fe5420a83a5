package dev.stepwise.schemas.config;

import dev.stepwise.schemas.topics.Topics;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;

/**
 * The configuration keys every Stepwise service shares, declared once with type, default,
 * validation and description (Kafka's {@link ConfigDef}). Each service's own config class adds its
 * keys with {@link #define(ConfigDef)} first. The CLI layers values: defaults, then an optional
 * properties file, then {@code STEPWISE_*} environment variables, then flags.
 */
public final class CommonConfig {

    public static final String BOOTSTRAP_SERVERS = "bootstrap.servers";
    public static final String SCHEMA_REGISTRY_URL = "schema.registry.url";
    public static final String TOPIC_PREFIX = "topic.prefix";
    public static final String TOPIC_PARTITIONS = "topic.partitions";
    public static final String TOPIC_AGENT_PARTITIONS = "topic.agent.partitions";

    private CommonConfig() {
    }

    /** Adds the shared keys to {@code def} and returns it. */
    public static ConfigDef define(final ConfigDef def) {
        return def
                .define(BOOTSTRAP_SERVERS, ConfigDef.Type.STRING, "127.0.0.1:9092", new ConfigDef.NonEmptyString(),
                        ConfigDef.Importance.HIGH, "Kafka bootstrap servers (env STEPWISE_BOOTSTRAP, flag --bootstrap).")
                .define(SCHEMA_REGISTRY_URL, ConfigDef.Type.STRING, "http://127.0.0.1:8080/apis/ccompat/v7", new ConfigDef.NonEmptyString(),
                        ConfigDef.Importance.HIGH,
                        "Base URL of a Confluent-compatible schema registry API, e.g. http://host:8081 (Confluent) or "
                                + "http://host:8080/apis/ccompat/v7 (Apicurio) (env STEPWISE_REGISTRY_URL, flag --registry).")
                .define(TOPIC_PREFIX, ConfigDef.Type.STRING, Topics.DEFAULT_PREFIX, new ConfigDef.NonEmptyString(),
                        ConfigDef.Importance.MEDIUM, "Prefix of every Stepwise topic name.")
                .define(TOPIC_PARTITIONS, ConfigDef.Type.INT, Topics.DEFAULT_PARTITIONS, ConfigDef.Range.between(1, 10_000),
                        ConfigDef.Importance.LOW, "Partitions of each topic but the agents' request topics when Stepwise "
                                + "creates it: at most this many topology instances are busy.")
                .define(TOPIC_AGENT_PARTITIONS, ConfigDef.Type.INT, Topics.DEFAULT_AGENT_PARTITIONS,
                        ConfigDef.Range.between(1, 10_000), ConfigDef.Importance.LOW,
                        "Partitions of the agents' request topics (steps.requested, verifications.requested, "
                                + "revisions.requested) when Stepwise creates them: at most this many instances of one "
                                + "agent kind are busy.");
    }

    /** The topic registry these settings name. */
    public static Topics topics(final AbstractConfig config) {
        return new Topics(config.getString(TOPIC_PREFIX), config.getInt(TOPIC_PARTITIONS),
                config.getInt(TOPIC_AGENT_PARTITIONS));
    }
}
