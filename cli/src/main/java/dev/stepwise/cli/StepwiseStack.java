package dev.stepwise.cli;

import dev.stepwise.agents.Agent;
import dev.stepwise.agents.AgentConfig;
import dev.stepwise.agents.AgentKind;
import dev.stepwise.agents.Agents;
import dev.stepwise.gateway.Gateway;
import dev.stepwise.gateway.GatewayConfig;
import dev.stepwise.infra.LocalStack;
import dev.stepwise.infra.LocalStackOptions;
import dev.stepwise.infra.TopicProvisioner;
import dev.stepwise.models.ModelBackend;
import dev.stepwise.models.ModelBackendConfig;
import dev.stepwise.models.ModelBackends;
import dev.stepwise.schemas.config.CommonConfig;
import dev.stepwise.schemas.serde.ConfluentSchemaRegistryClient;
import dev.stepwise.schemas.topics.Topics;
import dev.stepwise.topology.TopologyApp;
import dev.stepwise.topology.TopologyConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything {@code up}, {@code demo} and an embedded {@code ask} run: the broker and registry (embedded
 * unless the configuration names existing ones), the topics, the topology, the agents and, for {@code up}, the
 * gateway. Parts close
 * in the reverse order they started, each within a timeout, so nothing is left behind.
 */
public final class StepwiseStack implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StepwiseStack.class);
    private static final String STATE_DIR = "state.dir";
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration REGISTRY_START_TIMEOUT = Duration.ofSeconds(180);

    /** What to run besides the servers. */
    public record Parts(boolean topology, int proposers, int verifiers, int revisers) {
        public static Parts all(final int proposers, final int verifiers, final int revisers) {
            return new Parts(true, proposers, verifiers, revisers);
        }
    }

    private final Deque<AutoCloseable> started = new ArrayDeque<>();
    private final Map<String, String> config;
    private volatile boolean closed;

    private StepwiseStack(final Map<String, String> config) {
        this.config = config;
    }

    /** True when the configuration names an existing cluster and registry (so nothing embedded is started). */
    public static boolean isExternal(final Map<String, String> config) {
        final boolean bootstrap = config.get(CommonConfig.BOOTSTRAP_SERVERS) != null;
        final boolean registry = config.get(CommonConfig.SCHEMA_REGISTRY_URL) != null;
        if (bootstrap != registry) {
            throw new IllegalArgumentException("Give both --bootstrap and --registry (or STEPWISE_BOOTSTRAP and "
                    + "STEPWISE_REGISTRY_URL) to use an existing cluster, or neither to start embedded ones.");
        }
        return bootstrap;
    }

    /**
     * Starts the stack. On failure, whatever had started is closed before the exception propagates.
     *
     * @param configIn layered configuration; bootstrap and registry are filled in when embedded servers start
     */
    public static StepwiseStack start(final Map<String, String> configIn, final StackOptions options, final Parts parts) {
        final StepwiseStack stack = new StepwiseStack(new LinkedHashMap<>(configIn));
        try {
            stack.startAll(options, parts);
            return stack;
        } catch (RuntimeException | Error e) {
            stack.close();
            throw e;
        }
    }

    private void startAll(final StackOptions options, final Parts parts) {
        final long t0 = System.nanoTime();
        final Topics topics = topics();
        if (isExternal(config)) {
            Connect.awaitKafka(bootstrapServers(), Duration.ofSeconds(30));
            final ConfluentSchemaRegistryClient registry = ConfluentSchemaRegistryClient.create(registryUrl());
            registry.awaitReachable(Duration.ofSeconds(30));
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
                TopicProvisioner.ensureTopics(admin, topics, (short) -1);
            }
            config.putIfAbsent(STATE_DIR, persistentStateDir().toString());
        } else {
            final LocalStack local = LocalStack.start(new LocalStackOptions(options.dataDir, options.kafkaPort, topics,
                    REGISTRY_START_TIMEOUT));
            started.push(local);
            config.put(CommonConfig.BOOTSTRAP_SERVERS, local.bootstrapServers());
            config.put(CommonConfig.SCHEMA_REGISTRY_URL, local.registryUrl());
            // Local state belongs to this broker: state left by an earlier embedded run (another cluster)
            // must not be found again, so it lives beside the broker's data, or in a directory of its own.
            config.putIfAbsent(STATE_DIR, stateDir(options));
        }
        if (parts.topology()) {
            final TopologyApp topology = TopologyApp.create(new TopologyConfig(config), false);
            started.push(() -> topology.close(CLOSE_TIMEOUT));
            topology.start();
        }
        if (parts.proposers() + parts.verifiers() + parts.revisers() > 0) {
            final ModelBackend backend = ModelBackends.create(ModelBackendConfig.fromMap(config));
            started.push(backend);
            final ConfluentSchemaRegistryClient registry = ConfluentSchemaRegistryClient.create(registryUrl());
            startAgents(AgentKind.PROPOSER, parts.proposers(), backend, registry);
            startAgents(AgentKind.VERIFIER, parts.verifiers(), backend, registry);
            startAgents(AgentKind.REVISER, parts.revisers(), backend, registry);
        }
        LOG.info("Stepwise stack ready in {} ms: bootstrap={} registry={}",
                (System.nanoTime() - t0) / 1_000_000, bootstrapServers(), registryUrl());
    }

    private void startAgents(final AgentKind kind, final int count, final ModelBackend backend,
                             final ConfluentSchemaRegistryClient registry) {
        if (count < 1) {
            return;
        }
        final AgentConfig agentConfig = new AgentConfig(config);
        final Agent agent = count == 1
                ? Agents.create(kind, agentConfig, backend, registry)
                : Agents.createPool(kind, agentConfig, backend, registry, count);
        started.push(() -> agent.close(CLOSE_TIMEOUT));
        agent.start();
    }

    /**
     * Where a topology working against an existing cluster keeps its local state across restarts
     * (not the OS temp directory, which Kafka Streams warns may be cleared under it).
     */
    static Path persistentStateDir() {
        return Path.of(System.getProperty("stepwise.home", "."), ".stepwise", "state");
    }

    private String stateDir(final StackOptions options) {
        if (options.dataDir != null) {
            return options.dataDir.resolve("streams").toString();
        }
        try {
            final Path base = Path.of(System.getProperty("stepwise.home", "."), ".stepwise", "tmp");
            Files.createDirectories(base);
            final Path dir = Files.createTempDirectory(base, "streams-");
            started.push(() -> deleteRecursively(dir));
            return dir.toString();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create a state directory for the topology", e);
        }
    }

    private static void deleteRecursively(final Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /**
     * Starts an OpenAI-compatible gateway on this stack (closed with it, before the topology and agents).
     *
     * @param overrides gateway keys ({@code gateway.port}, ...) on top of the stack's configuration
     * @return the gateway's base URL, {@code http://HOST:PORT/v1}
     */
    public synchronized String startGateway(final Map<String, String> overrides) {
        final Map<String, String> gatewayConfig = new LinkedHashMap<>(config);
        gatewayConfig.putAll(overrides);
        final GatewayConfig parsed = new GatewayConfig(gatewayConfig);
        final Gateway gateway;
        try {
            gateway = Gateway.start(parsed);
        } catch (RuntimeException e) {
            throw new IllegalStateException("Cannot start the gateway on " + parsed.host() + ":" + parsed.port() + " ("
                    + e.getMessage() + "); choose another port with --gateway-port (0 picks a free one), or run without "
                    + "it (--no-gateway).", e);
        }
        started.push(gateway);
        return gateway.baseUrl();
    }

    public String bootstrapServers() {
        return config.get(CommonConfig.BOOTSTRAP_SERVERS);
    }

    public String registryUrl() {
        return config.get(CommonConfig.SCHEMA_REGISTRY_URL);
    }

    public Topics topics() {
        return topicsOf(config);
    }

    /** The topic registry a configuration names (validated like every service validates it). */
    public static Topics topicsOf(final Map<String, String> config) {
        return CommonConfig.topics(new AbstractConfig(CommonConfig.define(new ConfigDef()), config, false));
    }

    /**
     * The Kafka Streams application id (and consumer group) of the topology a configuration runs:
     * the configured {@code application.id}, else {@code <topic prefix>-topology}, as
     * {@link TopologyConfig#applicationId()} derives it.
     */
    static String topologyApplicationId(final Map<String, String> config) {
        final String configured = config.get(TopologyConfig.APPLICATION_ID);
        return configured == null || configured.isBlank()
                ? TopologyConfig.defaultApplicationId(topicsOf(config).prefix()) : configured;
    }

    /** The configuration with the embedded servers' addresses filled in. */
    public Map<String, String> config() {
        return Map.copyOf(config);
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        while (!started.isEmpty()) {
            final AutoCloseable part = started.pop();
            try {
                part.close();
            } catch (Exception e) {
                LOG.warn("Error while stopping {}: {}", part, e.toString());
            }
        }
    }
}
