package dev.stepwise.agents;

import dev.stepwise.models.ModelBackendConfig;
import dev.stepwise.schemas.config.CommonConfig;
import dev.stepwise.schemas.topics.Topics;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/**
 * Configuration of one agent instance: the {@link CommonConfig shared keys}, the agent keys below
 * (each declared once with type, default, validation and description), the model backend keys
 * ({@code model.backend}, {@code synthetic.*}, {@code openai.*} and their per-role overrides such as
 * {@code verifier.openai.model}, declared and parsed by the models module), and
 * optional Kafka client overrides under the prefixes {@code consumer.} and {@code producer.} (for
 * example {@code consumer.security.protocol=SSL}). The overrides cannot switch off what exactly-once
 * processing depends on: isolation level, auto-commit, idempotence and the transactional id always
 * win.
 */
public final class AgentConfig extends AbstractConfig {

    public static final String INSTANCE_ID = "agent.instance.id";
    public static final String STATIC_MEMBERSHIP = "agent.static.membership";
    public static final String MAX_IN_FLIGHT = "agent.max.in.flight";
    public static final String MAX_POLL_RECORDS = "agent.max.poll.records";
    public static final String TRANSACTION_TIMEOUT_MS = "agent.transaction.timeout.ms";
    public static final String SESSION_TIMEOUT_MS = "agent.session.timeout.ms";
    public static final String RETRY_BACKOFF_MS = "agent.retry.backoff.ms";
    public static final String RETRY_BACKOFF_MAX_MS = "agent.retry.backoff.max.ms";

    /**
     * Keys that configured a retry layer that is gone, with what replaced them: set, they fail the configuration
     * rather than being silently ignored.
     */
    static final Map<String, String> REMOVED = Map.of(
            "agent.model.retries", "model calls are retried in one place, the model backend: set openai.max.retries",
            "agent.model.retry.backoff.ms", "model calls are retried by the model backend (openai.retry.backoff.ms); "
                    + "the pause before a failed batch is polled again is " + RETRY_BACKOFF_MS);

    /** Prefix of Kafka consumer settings passed through to the agent's consumer. */
    public static final String CONSUMER_PREFIX = "consumer.";
    /** Prefix of Kafka producer settings passed through to the agent's producer. */
    public static final String PRODUCER_PREFIX = "producer.";
    /** Prefixes of the model backend keys (per-role overrides included), which the models module declares and parses. */
    public static final List<String> MODEL_PREFIXES = ModelBackendConfig.OWNED_PREFIXES;

    /** What Kafka accepts in a transactional.id and a group.instance.id, minus characters that would need quoting in logs. */
    private static final Pattern LEGAL_ID = Pattern.compile("[a-zA-Z0-9._-]{1,200}");

    private static final ConfigDef CONFIG = CommonConfig.define(new ConfigDef())
            .define(INSTANCE_ID, Type.STRING, "", AgentConfig::validateInstanceId, Importance.HIGH,
                    "Name of this agent instance, recorded as AgentCall.agentInstance on every output and used in the "
                            + "producer's transactional.id (<topic.prefix>-<kind>-<instance id>) and, with "
                            + STATIC_MEMBERSHIP + ", as the consumer's group.instance.id. Empty means <hostname>-<pid>. "
                            + "Give an instance a stable id to let its restart fence the previous incarnation's "
                            + "open transaction at once.")
            .define(STATIC_MEMBERSHIP, Type.BOOLEAN, false, Importance.MEDIUM,
                    "Join the consumer group as a static member named by " + INSTANCE_ID + ", so that an instance "
                            + "restarted with the same id takes its partitions back at once, without a rebalance. "
                            + "Only useful with a stable, explicitly set instance id.")
            .define(MAX_IN_FLIGHT, Type.INT, 64, Range.atLeast(1), Importance.MEDIUM,
                    "Records handled at once per instance, and model calls in flight at once (a call for the k samples of a step "
                            + "counts once). Polled records beyond it wait, with the input partitions paused.")
            .define(MAX_POLL_RECORDS, Type.INT, 100, Range.atLeast(1), Importance.MEDIUM,
                    "Records one poll may return. The loop polls while model calls run, so this bounds only what waits "
                            + "for a free in-flight slot, not how long a poll interval lasts.")
            .define(TRANSACTION_TIMEOUT_MS, Type.INT, 10_000, Range.between(1_000, 900_000), Importance.LOW,
                    "Producer transaction timeout. Short, so that the open transaction of a killed instance is "
                            + "aborted quickly and read_committed readers are not held back. Model calls happen before "
                            + "the transaction begins, so they do not count against it.")
            .define(SESSION_TIMEOUT_MS, Type.INT, 10_000, Range.atLeast(1_000), Importance.LOW,
                    "Consumer group session timeout; the broker must allow it (group.min.session.timeout.ms, "
                            + "6000 by default). The heartbeat interval is a third of it.")
            .define(RETRY_BACKOFF_MS, Type.LONG, 200L, Range.atLeast(0), Importance.LOW,
                    "Pause before a batch that failed on a Kafka error (or a registry outage) is polled again; it "
                            + "doubles with every further failure. Model calls are not retried here: the model backend "
                            + "retries them (openai.max.retries), and a call still failing after that is asked for "
                            + "again by the search.")
            .define(RETRY_BACKOFF_MAX_MS, Type.LONG, 10_000L, Range.atLeast(0), Importance.LOW,
                    "Upper bound of the batch retry pause.");

    public AgentConfig(final Map<?, ?> props) {
        super(CONFIG, props);
        REMOVED.forEach((key, instead) -> {
            if (props.containsKey(key)) {
                throw new ConfigException(key, props.get(key), "this key was removed: " + instead);
            }
        });
        if (getLong(RETRY_BACKOFF_MAX_MS) < getLong(RETRY_BACKOFF_MS)) {
            throw new ConfigException(RETRY_BACKOFF_MAX_MS, getLong(RETRY_BACKOFF_MAX_MS),
                    "must not be smaller than " + RETRY_BACKOFF_MS + " (" + getLong(RETRY_BACKOFF_MS) + ")");
        }
    }

    /** The definition of every key, e.g. for {@code ConfigDef.toRst()} in the CLI's help. */
    public static ConfigDef configDef() {
        return new ConfigDef(CONFIG);
    }

    /** A copy of this configuration with another instance id, for running several instances in one JVM. */
    public AgentConfig withInstanceId(final String instanceId) {
        final Map<String, Object> props = new HashMap<>(originals());
        props.put(INSTANCE_ID, instanceId);
        return new AgentConfig(props);
    }

    /** The configured instance id, or {@code <hostname>-<pid>} when none is set. */
    public String instanceId() {
        final String configured = getString(INSTANCE_ID);
        return configured.isEmpty() ? defaultInstanceId() : configured;
    }

    public boolean staticMembership() {
        return getBoolean(STATIC_MEMBERSHIP);
    }

    public int maxInFlight() {
        return getInt(MAX_IN_FLIGHT);
    }

    /** The pause before a batch that failed on a Kafka error is polled again. */
    public Backoff retryBackoff() {
        return new Backoff(Duration.ofMillis(getLong(RETRY_BACKOFF_MS)), Duration.ofMillis(getLong(RETRY_BACKOFF_MAX_MS)));
    }

    public Topics topics() {
        return CommonConfig.topics(this);
    }

    /** {@code <topic.prefix>-<kind>}, e.g. {@code stepwise-proposer}: one consumer group per kind of agent. */
    public String groupId(final AgentKind kind) {
        return getString(CommonConfig.TOPIC_PREFIX) + "-" + kind.component();
    }

    /**
     * {@code <topic.prefix>-<kind>-<instance id>}. The prefix keeps two deployments that share a cluster
     * (and perhaps instance ids) from fencing each other's producers.
     */
    public String transactionalId(final AgentKind kind) {
        return groupId(kind) + "-" + instanceId();
    }

    /** The consumer's settings: byte-array deserializers (so that bad records can be dead-lettered as they came), read_committed, no auto-commit. */
    public Map<String, Object> consumerProperties(final AgentKind kind) {
        final Map<String, Object> props = new HashMap<>(originalsWithPrefix(CONSUMER_PREFIX));
        props.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, getString(CommonConfig.BOOTSTRAP_SERVERS));
        props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId(kind));
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, transactionalId(kind) + "-consumer");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.toString());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, getInt(MAX_POLL_RECORDS));
        props.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, getInt(SESSION_TIMEOUT_MS));
        props.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, getInt(SESSION_TIMEOUT_MS) / 3);
        if (staticMembership()) {
            props.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, transactionalId(kind));
        } else {
            props.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
        }
        return props;
    }

    /** The transactional, idempotent producer's settings. */
    public Map<String, Object> producerProperties(final AgentKind kind) {
        final Map<String, Object> props = new HashMap<>(originalsWithPrefix(PRODUCER_PREFIX));
        // An agent commits as soon as a record finishes, so its next transaction often writes to a partition whose
        // last one the broker is still completing; the broker answers CONCURRENT_TRANSACTIONS and the producer
        // retries after this backoff. Kafka's 100 ms default would then be a wait in the step; 10 ms is not.
        props.putIfAbsent(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, 10);
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, getString(CommonConfig.BOOTSTRAP_SERVERS));
        props.put(ProducerConfig.CLIENT_ID_CONFIG, transactionalId(kind) + "-producer");
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId(kind));
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, getInt(TRANSACTION_TIMEOUT_MS));
        return props;
    }

    /** The model backend keys as strings, for the models module's parser. */
    public Map<String, String> modelBackendSettings() {
        final Map<String, String> settings = new TreeMap<>();
        originals().forEach((key, value) -> {
            if (value != null && MODEL_PREFIXES.stream().anyMatch(key::startsWith)) {
                settings.put(key, value.toString());
            }
        });
        return settings;
    }

    /**
     * The model backend these settings name, for {@code ModelBackends.create(...)}.
     *
     * @throws ConfigException naming the key when a model setting is missing or invalid
     */
    public ModelBackendConfig modelBackendConfig() {
        try {
            return ModelBackendConfig.fromMap(modelBackendSettings());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage());
        }
    }

    /** {@code <hostname>-<pid>}, with characters Kafka ids do not allow replaced by '-'. */
    static String defaultInstanceId() {
        final String sanitized = hostname().replaceAll("[^a-zA-Z0-9._-]", "-");
        final String prefix = sanitized.length() > 160 ? sanitized.substring(0, 160) : sanitized;
        return prefix + "-" + ProcessHandle.current().pid();
    }

    /** $HOSTNAME first: a reverse lookup can take seconds on a machine with broken DNS. */
    private static String hostname() {
        final String fromEnv = System.getenv("HOSTNAME");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return fromEnv;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    private static void validateInstanceId(final String name, final Object value) {
        final String id = (String) value;
        if (id == null || !id.isEmpty() && !LEGAL_ID.matcher(id).matches()) {
            throw new ConfigException(name, value, "must be 1 to 200 characters from [a-zA-Z0-9._-], or empty for <hostname>-<pid>");
        }
    }
}
