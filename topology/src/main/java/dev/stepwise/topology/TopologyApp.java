package dev.stepwise.topology;

import dev.stepwise.schemas.serde.AvroSerdes;
import dev.stepwise.schemas.serde.ConfluentSchemaRegistryClient;
import dev.stepwise.schemas.serde.SchemaRegistryClient;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the Stepwise topology: the one lifecycle every Stepwise service follows. Clients are built
 * once in {@link #create}; {@link #start()} waits for RUNNING through the state listener (never by
 * sleeping); {@link #close(Duration)} leaves the consumer group so a restart does not wait out the
 * session timeout; local state is wiped ({@code cleanUp()}) only when created with {@code reset}.
 *
 * <pre>{@code
 * try (TopologyApp app = TopologyApp.create(config, reset)) {
 *     Runtime.getRuntime().addShutdownHook(new Thread(() -> app.close(Duration.ofSeconds(30)), "stepwise-topology-shutdown"));
 *     app.start();
 *     app.awaitTermination();
 * }
 * }</pre>
 */
public final class TopologyApp implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TopologyApp.class);
    /** How long {@link #close()} waits for the threads to finish and the group to be left. */
    public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final TopologyConfig config;
    private final boolean reset;
    private final AutoCloseable ownedRegistry;
    private final KafkaStreams streams;
    private final CompletableFuture<Void> running = new CompletableFuture<>();
    private final CompletableFuture<KafkaStreams.State> terminated = new CompletableFuture<>();

    private TopologyApp(final TopologyConfig config, final boolean reset, final SchemaRegistryClient registry,
                        final AutoCloseable ownedRegistry) {
        this.config = config;
        this.reset = reset;
        this.ownedRegistry = ownedRegistry;
        final Topology topology = StepwiseTopology.build(config, new AvroSerdes(registry));
        this.streams = new KafkaStreams(topology, streamsProperties(config));
        streams.setStateListener(this::onStateChange);
        streams.setUncaughtExceptionHandler(new BoundedReplaceThreadHandler(
                config.getInt(TopologyConfig.FAILURE_MAX_THREAD_REPLACEMENTS),
                Duration.ofMillis(config.getLong(TopologyConfig.FAILURE_WINDOW_MS)), System::currentTimeMillis));
    }

    /**
     * The app with a registry client over HTTP at {@code schema.registry.url}, closed with the app.
     *
     * @param reset wipe this instance's local state before starting (it is restored from the changelogs);
     *              committed input offsets are not touched
     */
    public static TopologyApp create(final TopologyConfig config, final boolean reset) {
        final ConfluentSchemaRegistryClient registry = ConfluentSchemaRegistryClient.create(config.schemaRegistryUrl());
        try {
            return new TopologyApp(config, reset, registry, registry);
        } catch (final RuntimeException e) {
            registry.close();
            throw e;
        }
    }

    /** The app with the given registry client, which the caller keeps and closes. */
    public static TopologyApp create(final TopologyConfig config, final boolean reset, final SchemaRegistryClient registry) {
        return new TopologyApp(config, reset, registry, null);
    }

    /** The Kafka Streams settings: the fixed ones below, then the {@code streams.*} overrides of the config. */
    public static Properties streamsProperties(final TopologyConfig config) {
        final Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        props.put(StreamsConfig.STATE_DIR_CONFIG, config.getString(TopologyConfig.STATE_DIR));
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        // What the topology writes for agents and clients is committed when they wait for it, paced by
        // commit.gap.ms (CommitPacer); this interval only bounds how long state-only changes wait. Streams'
        // EOS default. A fixed 10 ms interval instead cost a third of the instant-model ceiling, and a step
        // processed just after a commit still waited for the thread's next poll (docs/bench/pipeline).
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        // An idle thread blocks in poll this long before it runs its punctuators, among them the pacer's
        // check for a commit it owes; so no longer than the gap.
        props.put(StreamsConfig.POLL_MS_CONFIG, Math.max(1L, Math.min(100L, config.commitGap().toMillis())));
        // With commits that frequent, a transaction often writes to a partition whose previous one the broker is
        // still completing (CONCURRENT_TRANSACTIONS, hundreds of times a minute under load); the producer retries
        // after this backoff, 100 ms by default, which would stall the whole task.
        props.put(StreamsConfig.producerPrefix(ProducerConfig.RETRY_BACKOFF_MS_CONFIG), 10);
        // Every store write is a decision that must reach the changelog with the outputs it caused.
        props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
        props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, config.getInt(TopologyConfig.REPLICATION_FACTOR));
        // Kafka's default, set here because the search's timers rely on it: a task fetches what is already on the
        // broker for all its input partitions and processes it in timestamp order, so a timer the topology wrote is
        // read after every reply written before it (see SearchProcessor). -1 would break that.
        props.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, 0L);
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, config.getInt(TopologyConfig.NUM_STREAM_THREADS));
        // The classic protocol with a short session: a crashed instance's tasks move within 10 s
        // (see shared notes, kafka-broker.md §4); the broker's minimum session timeout is 6 s.
        props.put(StreamsConfig.GROUP_PROTOCOL_CONFIG, "classic");
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), 10_000);
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG), 1_000);
        props.putAll(config.streamsOverrides());
        return props;
    }

    private void onStateChange(final KafkaStreams.State newState, final KafkaStreams.State oldState) {
        LOG.info("Topology {} -> {}", oldState, newState);
        switch (newState) {
            case RUNNING -> running.complete(null);
            case PENDING_ERROR, ERROR, PENDING_SHUTDOWN, NOT_RUNNING -> {
                running.completeExceptionally(new IllegalStateException("the topology went " + newState + " while starting"));
                if (newState == KafkaStreams.State.ERROR || newState == KafkaStreams.State.NOT_RUNNING) {
                    terminated.complete(newState);
                }
            }
            default -> {
            }
        }
    }

    /** Starts and waits up to {@code startup.timeout.ms} for RUNNING. */
    public void start() {
        start(config.startupTimeout());
    }

    /**
     * Starts and waits up to {@code timeout} for RUNNING.
     *
     * @throws IllegalStateException when the topology fails or does not reach RUNNING in time
     */
    public void start(final Duration timeout) {
        if (reset) {
            LOG.warn("Resetting: wiping the local state of {} in {}", config.applicationId(),
                    config.getString(TopologyConfig.STATE_DIR));
            streams.cleanUp();
        }
        streams.start();
        try {
            running.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            LOG.info("Topology {} is running", config.applicationId());
        } catch (final TimeoutException e) {
            throw new IllegalStateException("The topology did not reach RUNNING within " + timeout.toMillis()
                    + " ms (state " + streams.state() + "); is the broker at " + config.bootstrapServers()
                    + " reachable and are the topics created?", e);
        } catch (final ExecutionException e) {
            throw new IllegalStateException("The topology failed to start: " + e.getCause().getMessage(), e.getCause());
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while starting the topology", e);
        }
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    /**
     * Waits until the topology stops (closed, or shut down by the uncaught-exception handler).
     *
     * @return the final state, NOT_RUNNING or ERROR
     */
    public KafkaStreams.State awaitTermination() throws InterruptedException {
        try {
            return terminated.get();
        } catch (final ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    /**
     * Stops processing, leaves the consumer group (so a restart need not wait out the session
     * timeout) and closes the registry client if this app created it.
     *
     * @return true when everything stopped within {@code timeout}
     */
    public boolean close(final Duration timeout) {
        final boolean closed = streams.close(CloseOptions
                .groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(timeout));
        if (ownedRegistry != null) {
            try {
                ownedRegistry.close();
            } catch (final Exception e) {
                LOG.warn("Closing the schema registry client failed", e);
            }
        }
        if (!closed) {
            LOG.warn("The topology did not stop within {} ms", timeout.toMillis());
        }
        return closed;
    }

    @Override
    public void close() {
        close(DEFAULT_CLOSE_TIMEOUT);
    }
}
