package dev.stepwise.infra;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import kafka.server.BrokerServer;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.network.ListenerName;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker (KRaft, combined broker and controller) running inside this JVM,
 * built from Kafka's own public classes: {@link Formatter} does what {@code kafka-storage format}
 * does, and {@link KafkaRaftServer} is what {@code kafka.Kafka} runs. It listens on 127.0.0.1 only.
 *
 * <p>The settings are the ones a one-node cluster needs (replication factor 1 for the internal
 * topics, min ISR 1) plus a few that make groups form fast and keep the footprint small; see
 * {@link #singleNodeProps}. Without the replication settings transactions and consumer groups
 * never become ready on a single node.
 *
 * <pre>{@code
 * try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(0, null)) {
 *     String bootstrap = broker.bootstrapServers();
 * }
 * }</pre>
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);
    private static final String BROKER_LISTENER = "PLAINTEXT";
    private static final String CONTROLLER_LISTENER = "CONTROLLER";
    private static final String NODE_ID = "1";

    private final Path logDir;
    private final boolean deleteOnClose;
    private final int port;
    private KafkaRaftServer server;

    private EmbeddedKafkaBroker(final Path logDir, final boolean deleteOnClose, final int port, final KafkaRaftServer server) {
        this.logDir = logDir;
        this.deleteOnClose = deleteOnClose;
        this.port = port;
        this.server = server;
    }

    /**
     * Formats (if needed) and starts a broker; returns once the broker is unfenced and accepts
     * requests, so topics can be created straight away.
     *
     * @param port    client port on 127.0.0.1, or 0 for an ephemeral one
     * @param dataDir log directory to use and keep, or null for a temporary one deleted on {@link #close()}.
     *                A directory that already holds a formatted log ({@code meta.properties}) is reused as it is,
     *                so topics and records survive a restart.
     */
    public static EmbeddedKafkaBroker start(final int port, final Path dataDir) {
        return start(port, dataDir, Map.of());
    }

    /** As {@link #start(int, Path)}, with broker settings that override {@link #singleNodeProps}. */
    public static EmbeddedKafkaBroker start(final int port, final Path dataDir, final Map<String, String> overrides) {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be 0 (ephemeral) or 1-65535, got " + port);
        }
        final long startNanos = System.nanoTime();
        final boolean temporary = dataDir == null;
        final Path logDir = createLogDir(dataDir);
        KafkaRaftServer server = null;
        try {
            // The voter list must name the controller port before the controller binds it.
            final int controllerPort = Dirs.freePort();
            final Map<String, String> props = singleNodeProps(port, controllerPort, logDir);
            props.putAll(overrides);
            final Properties properties = new Properties();
            properties.putAll(props);
            final KafkaConfig config = new KafkaConfig(properties, false);
            formatIfNeeded(config, logDir);

            server = new KafkaRaftServer(config, Time.SYSTEM);
            server.startup();
            final int boundPort = port != 0 ? port : boundBrokerPort(server);
            final EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(logDir, temporary, boundPort, server);
            LOG.info("Kafka broker ready at {} in {} ms (log dir {})", broker.bootstrapServers(),
                    (System.nanoTime() - startNanos) / 1_000_000, logDir);
            return broker;
        } catch (final Exception e) {
            if (server != null) {
                shutdownQuietly(server);
            }
            if (temporary) {
                Dirs.deleteRecursively(logDir);
            }
            throw new IllegalStateException("Kafka broker did not start (log dir " + logDir + "): " + e.getMessage(), e);
        }
    }

    /**
     * The broker settings for a one-node cluster on 127.0.0.1; {@code infra/bin/kafka} writes the
     * same settings into its server.properties.
     */
    public static Map<String, String> singleNodeProps(final int brokerPort, final int controllerPort, final Path logDir) {
        final Map<String, String> p = new LinkedHashMap<>();
        p.put("process.roles", "broker,controller");
        p.put("node.id", NODE_ID);
        p.put("controller.quorum.voters", NODE_ID + "@127.0.0.1:" + controllerPort);
        p.put("controller.listener.names", CONTROLLER_LISTENER);
        p.put("listeners", BROKER_LISTENER + "://127.0.0.1:" + brokerPort + "," + CONTROLLER_LISTENER + "://127.0.0.1:" + controllerPort);
        // With port 0 Kafka advertises the port it resolved, not 0.
        p.put("advertised.listeners", BROKER_LISTENER + "://127.0.0.1:" + brokerPort);
        p.put("listener.security.protocol.map", BROKER_LISTENER + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        p.put("inter.broker.listener.name", BROKER_LISTENER);
        p.put("log.dirs", logDir.toString());
        // One node: the internal topics' defaults (RF 3, min ISR 2) would leave transactions and groups waiting forever.
        p.put("offsets.topic.replication.factor", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("default.replication.factor", "1");
        p.put("min.insync.replicas", "1");
        // Topics are declared once (Topics) and created with their partitions and retention by
        // TopicProvisioner; a client must not silently create one with broker defaults instead.
        p.put("auto.create.topics.enable", "false");
        // Fast groups: the 3 s initial rebalance delays and 5 s heartbeats doubled Streams start-up in our measurements.
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("group.streams.initial.rebalance.delay.ms", "0");
        p.put("group.streams.min.heartbeat.interval.ms", "500");
        p.put("group.streams.heartbeat.interval.ms", "500");
        p.put("group.consumer.min.heartbeat.interval.ms", "500");
        p.put("group.consumer.heartbeat.interval.ms", "500");
        // Small footprint: 50-partition internal topics and a 128 MiB cleaner buffer are sized for real clusters.
        p.put("offsets.topic.num.partitions", "1");
        p.put("transaction.state.log.num.partitions", "1");
        p.put("num.partitions", "1");
        p.put("num.network.threads", "2");
        p.put("num.io.threads", "2");
        p.put("log.cleaner.dedupe.buffer.size", String.valueOf(8 * 1024 * 1024));
        return p;
    }

    /** {@code 127.0.0.1:<port>}, for {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** The broker's client port. */
    public int port() {
        return port;
    }

    /** Where the broker keeps its log (and metadata log). */
    public Path logDir() {
        return logDir;
    }

    /** Shuts the broker down cleanly and, for a temporary log dir, deletes it. Idempotent. */
    @Override
    public synchronized void close() {
        if (server == null) {
            return;
        }
        final long startNanos = System.nanoTime();
        shutdownQuietly(server);
        server = null;
        if (deleteOnClose) {
            Dirs.deleteRecursively(logDir);
        }
        LOG.info("Kafka broker at {} stopped in {} ms", bootstrapServers(), (System.nanoTime() - startNanos) / 1_000_000);
    }

    private static Path createLogDir(final Path dataDir) {
        try {
            return dataDir == null ? Files.createTempDirectory("stepwise-kafka-") : Files.createDirectories(dataDir);
        } catch (final IOException e) {
            throw new UncheckedIOException("Cannot create the Kafka log dir " + dataDir, e);
        }
    }

    /** What {@code kafka-storage format} does, skipped for a log dir that is already formatted. */
    private static void formatIfNeeded(final KafkaConfig config, final Path logDir) throws Exception {
        if (Files.exists(logDir.resolve("meta.properties"))) {
            LOG.debug("Reusing the formatted Kafka log dir {}", logDir);
            return;
        }
        new Formatter()
                .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                .setNodeId(config.nodeId())
                .setClusterId(Uuid.randomUuid().toString())
                .setControllerListenerName(CONTROLLER_LISTENER)
                .setMetadataLogDirectory(config.metadataLogDir())
                .addDirectory(logDir.toString())
                .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                .setIgnoreFormatted(true)
                .run();
    }

    /**
     * The port the client listener bound when 0 was asked for. {@link KafkaRaftServer} keeps its
     * {@link BrokerServer} in a private field and has no public accessor, so this reads it by
     * reflection (checked on Kafka 4.1 to 4.4; {@code EmbeddedKafkaBrokerTest} fails if a new
     * Kafka renames it). The alternative, picking a free port first, leaves a race with other
     * processes on every start.
     */
    private static int boundBrokerPort(final KafkaRaftServer server) throws ReflectiveOperationException {
        final Field field = KafkaRaftServer.class.getDeclaredField("broker");
        field.setAccessible(true);
        final scala.Option<?> broker = (scala.Option<?>) field.get(server);
        if (broker.isEmpty()) {
            throw new IllegalStateException("KafkaRaftServer has no broker role");
        }
        return ((BrokerServer) broker.get()).boundPort(ListenerName.normalised(BROKER_LISTENER));
    }

    private static void shutdownQuietly(final KafkaRaftServer server) {
        try {
            server.shutdown();
            server.awaitShutdown();
        } catch (final RuntimeException e) {
            LOG.warn("Kafka broker shutdown failed: {}", e.toString(), e);
        }
    }
}
