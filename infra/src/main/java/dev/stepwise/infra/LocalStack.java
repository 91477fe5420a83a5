package dev.stepwise.infra;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A whole local Stepwise backend in one object: a real Kafka broker in this JVM and a real
 * schema registry in a child process, with the Stepwise topics created. This is what
 * {@code ./stepwise up}, {@code demo} and the integration tests start.
 *
 * <p>The two servers start concurrently: the registry (about 5 s) is the slow one, the broker
 * (about 2.5 s) finishes meanwhile, so a cold start costs roughly the registry's time.
 */
public final class LocalStack implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalStack.class);

    private final EmbeddedKafkaBroker broker;
    private final ApicurioRegistryServer registry;
    private final Duration startupTime;
    private boolean closed;

    private LocalStack(final EmbeddedKafkaBroker broker, final ApicurioRegistryServer registry, final Duration startupTime) {
        this.broker = broker;
        this.registry = registry;
        this.startupTime = startupTime;
    }

    /**
     * Starts the broker and the registry, then creates the missing topics. If either server fails,
     * the other is stopped before the exception is thrown.
     */
    public static LocalStack start(final LocalStackOptions options) {
        final long startNanos = System.nanoTime();
        final Path kafkaDir = options.dataDir() == null ? null : options.dataDir().resolve("kafka");
        final Path registryDir = options.dataDir() == null ? null : options.dataDir().resolve("registry");

        final ExecutorService starter = Executors.newSingleThreadExecutor(runnable -> new Thread(runnable, "stepwise-registry-start"));
        final Future<ApicurioRegistryServer> registryStart;
        final EmbeddedKafkaBroker broker;
        try {
            // Each server logs its own start time at INFO.
            registryStart = starter.submit(() -> ApicurioRegistryServer.start(registryDir, options.registryTimeout()));
            try {
                broker = EmbeddedKafkaBroker.start(options.kafkaPort(), kafkaDir);
            } catch (final RuntimeException e) {
                closeWhenStarted(registryStart);
                throw e;
            }
        } finally {
            starter.shutdown();
        }

        final ApicurioRegistryServer registry;
        try {
            registry = registryStart.get();
        } catch (final ExecutionException e) {
            broker.close();
            throw e.getCause() instanceof RuntimeException cause ? cause : new IllegalStateException(e.getCause());
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            broker.close();
            closeWhenStarted(registryStart);
            throw new IllegalStateException("Interrupted while starting the schema registry", e);
        }

        if (options.topics() != null) {
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
                TopicProvisioner.ensureTopics(admin, options.topics(), TopicProvisioner.BROKER_DEFAULT_REPLICATION);
            } catch (final RuntimeException e) {
                new LocalStack(broker, registry, Duration.ZERO).close();
                throw e;
            }
        }
        final LocalStack stack = new LocalStack(broker, registry, Duration.ofNanos(System.nanoTime() - startNanos));
        LOG.info("Local stack ready in {} ms: bootstrap {}, registry {}", stack.startupTime().toMillis(),
                stack.bootstrapServers(), stack.registryUrl());
        return stack;
    }

    /** {@code bootstrap.servers} of the broker. */
    public String bootstrapServers() {
        return broker.bootstrapServers();
    }

    /** The registry's Confluent-compatible API base ({@code http://127.0.0.1:PORT/apis/ccompat/v7}). */
    public String registryUrl() {
        return registry.ccompatUrl();
    }

    /** Wall-clock time from {@link #start} until both servers answered and the topics existed. */
    public Duration startupTime() {
        return startupTime;
    }

    public EmbeddedKafkaBroker broker() {
        return broker;
    }

    public ApicurioRegistryServer registry() {
        return registry;
    }

    /** Stops the registry and the broker (in parallel). Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        final CompletableFuture<Void> registryStop = CompletableFuture.runAsync(registry::close,
                runnable -> new Thread(runnable, "stepwise-registry-stop").start());
        try {
            broker.close();
        } finally {
            try {
                registryStop.join();
            } catch (final CompletionException e) {
                LOG.warn("Stopping the schema registry failed: {}", e.getCause().toString(), e.getCause());
            }
        }
    }

    /** Waits for a registry start that is still running, then stops it, so no child process is left behind. */
    private static void closeWhenStarted(final Future<ApicurioRegistryServer> registryStart) {
        try {
            registryStart.get().close();
        } catch (final ExecutionException e) {
            LOG.debug("The schema registry had failed to start too: {}", e.getCause().toString());
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
