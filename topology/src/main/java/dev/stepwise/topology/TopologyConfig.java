package dev.stepwise.topology;

import dev.stepwise.schemas.avro.Budget;
import dev.stepwise.schemas.config.CommonConfig;
import dev.stepwise.schemas.topics.Topics;
import dev.stepwise.search.SearchEngine;
import dev.stepwise.search.SearchSettings;
import dev.stepwise.search.strategy.ResolvedStrategy;
import dev.stepwise.search.strategy.StrategyRegistry;
import dev.stepwise.topology.ingress.PromptLimits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/**
 * The topology service's configuration: the shared keys of {@link CommonConfig} plus the keys
 * below, each declared once with type, default, validation and description. The CLI layers the
 * values (defaults, properties file, {@code STEPWISE_*} environment, flags) and passes the result
 * here; this class validates it and hands out typed views.
 *
 * <p>Keys prefixed {@code streams.} are passed to Kafka Streams with the prefix removed (e.g.
 * {@code streams.num.standby.replicas=1}), after the settings {@link TopologyApp} fixes itself.
 */
public final class TopologyConfig extends AbstractConfig {

    public static final String APPLICATION_ID = "application.id";
    public static final String STATE_DIR = "state.dir";
    public static final String REPLICATION_FACTOR = "replication.factor";
    public static final String NUM_STREAM_THREADS = "num.stream.threads";
    public static final String STARTUP_TIMEOUT_MS = "startup.timeout.ms";
    public static final String FAILURE_MAX_THREAD_REPLACEMENTS = "failure.max.thread.replacements";
    public static final String FAILURE_WINDOW_MS = "failure.window.ms";

    public static final String SEARCH_DEFAULT_TIMEOUT_MS = "search.default.timeout.ms";
    public static final String SEARCH_VERDICT_TIMEOUT_MS = "search.verdict.timeout.ms";
    public static final String SEARCH_PROPOSAL_TIMEOUT_MS = "search.proposal.timeout.ms";
    public static final String SEARCH_PUNCTUATE_INTERVAL_MS = "search.punctuate.interval.ms";
    public static final String SEARCH_ACCEPT_THRESHOLD = "search.accept.threshold";
    public static final String SEARCH_TOMBSTONE_RETENTION_MS = "search.tombstone.retention.ms";
    public static final String SEARCH_TREE_CACHE_STEPS = "search.tree.cache.steps";
    public static final String COMMIT_GAP_MS = "commit.gap.ms";

    public static final String LIMITS_MAX_MODEL_CALLS = "limits.max.model.calls";
    public static final String LIMITS_MAX_TOKENS = "limits.max.tokens";

    public static final String DEFAULT_STRATEGY = "default.strategy";
    public static final String DEFAULT_MAX_MODEL_CALLS = "default.max.model.calls";
    public static final String DEFAULT_MAX_TOKENS = "default.max.tokens";

    /** Prefix of keys passed through to Kafka Streams. */
    public static final String STREAMS_PREFIX = "streams.";

    /** Kafka Streams' own default, so that a state dir left by an earlier run is found again. */
    private static final String DEFAULT_STATE_DIR =
            Path.of(System.getProperty("java.io.tmpdir"), "kafka-streams").toString();

    private static final ConfigDef CONFIG = CommonConfig.define(new ConfigDef())
            .define(APPLICATION_ID, Type.STRING, null, Importance.HIGH,
                    "Kafka Streams application id: the consumer group, and the prefix of the changelog topics. "
                            + "Default: '<topic.prefix>-topology', so that two deployments that differ only by their "
                            + "topic prefix never share a Streams group or its changelogs.")
            .define(STATE_DIR, Type.STRING, DEFAULT_STATE_DIR, new ConfigDef.NonEmptyString(), Importance.MEDIUM,
                    "Directory of the local state stores (restored from their changelogs when missing).")
            .define(REPLICATION_FACTOR, Type.INT, -1, Range.atLeast(-1), Importance.MEDIUM,
                    "Replication factor of the changelog topics Kafka Streams creates; -1 uses the broker default.")
            .define(NUM_STREAM_THREADS, Type.INT, 1, Range.between(1, 64), Importance.LOW,
                    "Stream threads of this instance.")
            .define(STARTUP_TIMEOUT_MS, Type.LONG, 60_000L, Range.atLeast(1), Importance.LOW,
                    "How long start() waits for the application to reach RUNNING before it gives up.")
            .define(FAILURE_MAX_THREAD_REPLACEMENTS, Type.INT, 3, Range.atLeast(0), Importance.LOW,
                    "Stream threads replaced after an uncaught exception within failure.window.ms before the "
                            + "whole application shuts down (a crash loop would otherwise never end).")
            .define(FAILURE_WINDOW_MS, Type.LONG, 60_000L, Range.atLeast(1), Importance.LOW,
                    "Window over which failure.max.thread.replacements is counted.")

            .define(SEARCH_DEFAULT_TIMEOUT_MS, Type.LONG, 120_000L, Range.atLeast(1), Importance.MEDIUM,
                    "Deadline after submission for a prompt whose budget sets none; at the deadline the best answer "
                            + "so far is published.")
            .define(SEARCH_VERDICT_TIMEOUT_MS, Type.LONG, 15_000L, Range.atLeast(1), Importance.MEDIUM,
                    "A verification whose verdict has not arrived this long after it was asked for is asked for "
                            + "again (same id, within the budget); the wait doubles with every retry. A step is never "
                            + "judged without its verdict.")
            .define(SEARCH_PROPOSAL_TIMEOUT_MS, Type.LONG, 30_000L, Range.atLeast(1), Importance.MEDIUM,
                    "A proposal or revision request whose steps have not all arrived this long after it was sent is "
                            + "sent again (same id, within the budget); the wait doubles with every retry.")
            .define(SEARCH_PUNCTUATE_INTERVAL_MS, Type.LONG, 500L, Range.between(10, 60_000), Importance.LOW,
                    "Wall-clock interval at which the topology looks for due timeouts and deadlines; a due one is "
                            + "written as a timer record and judged when the topology reads it back, in order with "
                            + "the replies before it.")
            .define(SEARCH_ACCEPT_THRESHOLD, Type.DOUBLE, 0.5, Range.between(0.0, 1.0), Importance.MEDIUM,
                    "A step is accepted when its verifier score is at least this (and the verifier did not reject it).")
            .define(SEARCH_TOMBSTONE_RETENTION_MS, Type.LONG, 3_600_000L, Range.atLeast(0), Importance.LOW,
                    "How long the small record of an answered prompt is kept, so that late steps, verdicts and "
                            + "duplicate submissions of it are ignored.")
            .define(SEARCH_TREE_CACHE_STEPS, Type.INT, 50_000, Range.atLeast(0), Importance.LOW,
                    "Steps of search trees kept in memory per task (input partition), as the search uses them, "
                            + "least recently used out first; a tree that is not is read back from the state stores, "
                            + "which costs a scan of its steps. The stores get every change either way. 0 disables it.")
            .define(COMMIT_GAP_MS, Type.LONG, 50L, Range.between(0, 60_000), Importance.MEDIUM,
                    "What the topology writes for an agent or a client is committed (made visible) right after "
                            + "the record that wrote it when the stream thread was idle before that record (a serial "
                            + "step back from the agents); under load, at most once per this many ms per stream thread, "
                            + "so a flood shares each transaction among more records (throughput) and a smaller gap "
                            + "makes each wait less (latency). "
                            + "0 commits after every such record. Streams' own streams.commit.interval.ms then only "
                            + "bounds how long state-only changes wait.")

            .define(LIMITS_MAX_MODEL_CALLS, Type.INT, 100_000, Range.atLeast(1), Importance.MEDIUM,
                    "Largest model-call budget a prompt may ask for.")
            .define(LIMITS_MAX_TOKENS, Type.LONG, 100_000_000L, Range.atLeast(1), Importance.MEDIUM,
                    "Largest token budget a prompt may ask for.")

            .define(DEFAULT_STRATEGY, Type.STRING, StrategyRegistry.standard().defaultName(),
                    ConfigDef.ValidString.in(StrategyRegistry.standard().names().toArray(String[]::new)),
                    Importance.MEDIUM, "Strategy of a text prompt that names none; its parameters take the defaults "
                            + "the strategy registry declares ('./stepwise ask --help' lists them).")
            .define(DEFAULT_MAX_MODEL_CALLS, Type.INT, 400, Range.atLeast(1), Importance.MEDIUM,
                    "Model-call budget of a text prompt that sets none.")
            .define(DEFAULT_MAX_TOKENS, Type.LONG, 1_000_000L, Range.atLeast(1), Importance.MEDIUM,
                    "Token budget of a text prompt that sets none.");

    public TopologyConfig(final Map<?, ?> originals) {
        super(CONFIG, originals, false);
        checkDefaultsWithinLimits();
    }

    /** The keys, types, defaults and docs (for {@code --help} and generated docs). */
    public static ConfigDef configDef() {
        return new ConfigDef(CONFIG);
    }

    /** A defaults-only config, plus {@code overrides}. */
    public static TopologyConfig of(final Map<String, ?> overrides) {
        return new TopologyConfig(overrides);
    }

    /** Defaults for text prompts must themselves pass the validation applied to every prompt. */
    private void checkDefaultsWithinLimits() {
        requireAtMost(DEFAULT_MAX_MODEL_CALLS, getInt(DEFAULT_MAX_MODEL_CALLS), LIMITS_MAX_MODEL_CALLS,
                getInt(LIMITS_MAX_MODEL_CALLS));
        requireAtMost(DEFAULT_MAX_TOKENS, getLong(DEFAULT_MAX_TOKENS), LIMITS_MAX_TOKENS, getLong(LIMITS_MAX_TOKENS));
        if (getInt(DEFAULT_MAX_MODEL_CALLS) < SearchEngine.MIN_MODEL_CALLS) {
            throw new ConfigException(DEFAULT_MAX_MODEL_CALLS, getInt(DEFAULT_MAX_MODEL_CALLS),
                    "must pay for at least one verified sample (" + SearchEngine.MIN_MODEL_CALLS + " model calls)");
        }
    }

    private static void requireAtMost(final String key, final long value, final String limitKey, final long limit) {
        if (value > limit) {
            throw new ConfigException(key, value, "must not exceed " + limitKey + " = " + limit);
        }
    }

    /** The Streams application id: the configured one, else {@code <topic.prefix>-topology}. */
    public String applicationId() {
        final String configured = getString(APPLICATION_ID);
        return configured == null || configured.isBlank() ? defaultApplicationId(topics().prefix()) : configured;
    }

    /** The application id of a topology whose topics have {@code prefix} and that sets none itself. */
    public static String defaultApplicationId(final String prefix) {
        return prefix + "-topology";
    }

    public Topics topics() {
        return CommonConfig.topics(this);
    }

    public String bootstrapServers() {
        return getString(CommonConfig.BOOTSTRAP_SERVERS);
    }

    public String schemaRegistryUrl() {
        return getString(CommonConfig.SCHEMA_REGISTRY_URL);
    }

    public Duration startupTimeout() {
        return Duration.ofMillis(getLong(STARTUP_TIMEOUT_MS));
    }

    public Duration punctuateInterval() {
        return Duration.ofMillis(getLong(SEARCH_PUNCTUATE_INTERVAL_MS));
    }

    /** The budget every prompt is validated against (its strategy's parameters are checked by the registry). */
    public PromptLimits limits() {
        return new PromptLimits(getInt(LIMITS_MAX_MODEL_CALLS), getLong(LIMITS_MAX_TOKENS));
    }

    /** Timeouts and thresholds of the search. */
    public SearchSettings searchSettings() {
        return new SearchSettings(getDouble(SEARCH_ACCEPT_THRESHOLD), getLong(SEARCH_DEFAULT_TIMEOUT_MS),
                getLong(SEARCH_VERDICT_TIMEOUT_MS), getLong(SEARCH_PROPOSAL_TIMEOUT_MS),
                getLong(SEARCH_TOMBSTONE_RETENTION_MS));
    }

    /** How many steps of search trees a search processor keeps in memory (see {@link SearchTrees}). */
    /** See {@link #COMMIT_GAP_MS}. */
    public Duration commitGap() {
        return Duration.ofMillis(getLong(COMMIT_GAP_MS));
    }

    public int treeCacheSteps() {
        return getInt(SEARCH_TREE_CACHE_STEPS);
    }

    /** The strategy of a text prompt that names none, with the registry's default parameters. */
    public ResolvedStrategy defaultStrategy() {
        return StrategyRegistry.standard().resolve(getString(DEFAULT_STRATEGY), Map.of());
    }

    /** The budget of a text prompt that sets none, without a deadline (the search applies its default timeout). */
    public Budget defaultBudget() {
        return Budget.newBuilder()
                .setMaxModelCalls(getInt(DEFAULT_MAX_MODEL_CALLS))
                .setMaxTokens(getLong(DEFAULT_MAX_TOKENS))
                .setDeadline(null)
                .build();
    }

    /** The {@code streams.}-prefixed keys, prefix removed. */
    public Map<String, Object> streamsOverrides() {
        return originalsWithPrefix(STREAMS_PREFIX);
    }
}
