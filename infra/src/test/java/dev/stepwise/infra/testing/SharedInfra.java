package dev.stepwise.infra.testing;

import dev.stepwise.infra.ApicurioRegistryServer;
import dev.stepwise.infra.EmbeddedKafkaBroker;
import dev.stepwise.infra.LocalStack;
import dev.stepwise.infra.LocalStackOptions;
import dev.stepwise.infra.TopicProvisioner;
import dev.stepwise.schemas.serde.ConfluentSchemaRegistryClient;
import dev.stepwise.schemas.topics.Topics;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One real Kafka broker and one real schema registry for every integration test class in the test
 * JVM. The first class that uses the extension starts them (concurrently, through
 * {@link LocalStack}); they live in the root {@link ExtensionContext.Store}, so every later class
 * reuses them, and JUnit closes them once, after the last test.
 *
 * <p>To run the same tests against servers started elsewhere ({@code infra/bin/kafka},
 * {@code infra/bin/registry}, compose, a real cluster), pass
 * {@code -Dstepwise.it.bootstrap=127.0.0.1:9092} and
 * {@code -Dstepwise.it.registry=http://127.0.0.1:8080/apis/ccompat/v7} to Maven: failsafe forwards
 * them. Either may be given alone; the other server is then started here.
 *
 * <p>Tests isolate themselves with {@link #freshTopics(String)} (a unique topic prefix, so also
 * unique registry subjects) rather than with a broker each: a broker start costs about 2.5 s and a
 * registry start about 5 s on a 2-core machine.
 *
 * <pre>{@code
 * @ExtendWith(SharedInfra.class)
 * @Timeout(120)
 * class SomethingIT {
 *     @Test
 *     void roundTrips() {
 *         Topics topics = SharedInfra.freshTopics("round-trip");
 *         ... produce with SharedInfra.bootstrapServers() and SharedInfra.registryClient() ...
 *         assertThat(readBack(topics)).isEqualTo(sent);
 *     }
 * }
 * }</pre>
 */
public final class SharedInfra implements BeforeAllCallback {

    /** System property naming an external broker's {@code bootstrap.servers}. */
    public static final String BOOTSTRAP_PROPERTY = "stepwise.it.bootstrap";
    /** System property naming an external registry's Confluent API base URL. */
    public static final String REGISTRY_PROPERTY = "stepwise.it.registry";
    /** Partitions of the topics {@link #freshTopics(String)} creates: enough to exercise keying, small enough to create fast. */
    public static final int TEST_PARTITIONS = 2;

    private static final Logger LOG = LoggerFactory.getLogger(SharedInfra.class);
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SharedInfra.class);
    private static final int MAX_NAME_LENGTH = 40;

    /**
     * Set once per JVM by the first {@link #beforeAll}, so that tests can reach the servers from
     * static helpers; the servers themselves are owned (and closed) by the root store.
     */
    private static volatile Infra infra;

    @Override
    public void beforeAll(final ExtensionContext context) {
        infra = context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(Infra.class, key -> Infra.startOrConnect(), Infra.class);
    }

    /** {@code bootstrap.servers} of the shared broker. */
    public static String bootstrapServers() {
        return current().bootstrapServers;
    }

    /** Confluent-compatible API base of the shared registry. */
    public static String registryUrl() {
        return current().registryUrl;
    }

    /** A registry client for the shared registry (one per JVM, closed with it). */
    public static ConfluentSchemaRegistryClient registryClient() {
        return current().registryClient;
    }

    /** An admin client for the shared broker (one per JVM, closed with it). */
    public static Admin admin() {
        return current().admin;
    }

    /** {@link #freshTopics(String, int)} with {@link #TEST_PARTITIONS} partitions. */
    public static Topics freshTopics(final String testName) {
        return freshTopics(testName, TEST_PARTITIONS);
    }

    /**
     * A topic registry with a prefix no other test uses ({@code it-<name>-<random>}), its topics
     * already created on the shared broker. Registry subjects follow topic names, so they are
     * unique too.
     */
    public static Topics freshTopics(final String testName, final int partitions) {
        final Topics topics = new Topics(uniqueName(testName), partitions);
        TopicProvisioner.ensureTopics(admin(), topics, TopicProvisioner.BROKER_DEFAULT_REPLICATION);
        return topics;
    }

    /**
     * A name no other test uses, for topic prefixes, application ids, group ids and subjects:
     * {@code it-<name, lower case, other characters as '-', at most 40>-<8 random hex digits>}.
     */
    public static String uniqueName(final String testName) {
        final String cleaned = testName == null ? ""
                : testName.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9.-]+", "-").replaceAll("^-+|-+$", "");
        final String name = cleaned.substring(0, Math.min(cleaned.length(), MAX_NAME_LENGTH));
        final String random = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        return name.isEmpty() ? "it-" + random : "it-" + name + "-" + random;
    }

    private static Infra current() {
        final Infra current = infra;
        if (current == null) {
            throw new IllegalStateException("No shared infra: annotate the test class with @ExtendWith(SharedInfra.class)");
        }
        return current;
    }

    /** The servers (started here or external) and the clients of them, closed once by JUnit. */
    private static final class Infra implements AutoCloseable {

        private final String bootstrapServers;
        private final String registryUrl;
        private final ConfluentSchemaRegistryClient registryClient;
        private final Admin admin;
        /** What this JVM started, closed last-first. */
        private final List<AutoCloseable> owned;

        private Infra(final String bootstrapServers, final String registryUrl, final List<AutoCloseable> owned) {
            this.bootstrapServers = bootstrapServers;
            this.registryUrl = registryUrl;
            this.owned = owned;
            this.registryClient = ConfluentSchemaRegistryClient.create(registryUrl);
            this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
        }

        static Infra startOrConnect() {
            final String bootstrap = property(BOOTSTRAP_PROPERTY);
            final String registry = property(REGISTRY_PROPERTY);
            final List<AutoCloseable> owned = new ArrayList<>();
            if (bootstrap == null && registry == null) {
                final LocalStack stack = LocalStack.start(LocalStackOptions.ephemeral(null));
                owned.add(stack);
                return new Infra(stack.bootstrapServers(), stack.registryUrl(), owned);
            }
            final String bootstrapServers = bootstrap != null ? bootstrap : startBroker(owned);
            final String registryUrl;
            try {
                registryUrl = registry != null ? registry : startRegistry(owned);
            } catch (final RuntimeException e) {
                closeAll(owned);
                throw e;
            }
            LOG.info("Integration tests use Kafka at {} ({}) and the registry at {} ({})", bootstrapServers,
                    bootstrap == null ? "started here" : "external", registryUrl, registry == null ? "started here" : "external");
            return new Infra(bootstrapServers, registryUrl, owned);
        }

        private static String startBroker(final List<AutoCloseable> owned) {
            final EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(0, null);
            owned.add(broker);
            return broker.bootstrapServers();
        }

        private static String startRegistry(final List<AutoCloseable> owned) {
            final ApicurioRegistryServer server = ApicurioRegistryServer.start(null, ApicurioRegistryServer.DEFAULT_START_TIMEOUT);
            owned.add(server);
            return server.ccompatUrl();
        }

        @Override
        public void close() {
            admin.close();
            registryClient.close();
            closeAll(owned);
        }

        private static void closeAll(final List<AutoCloseable> resources) {
            for (int i = resources.size() - 1; i >= 0; i--) {
                try {
                    resources.get(i).close();
                } catch (final Exception e) {
                    LOG.warn("Closing {} failed: {}", resources.get(i), e.toString(), e);
                }
            }
        }

        private static String property(final String name) {
            final String value = System.getProperty(name);
            return value == null || value.isBlank() ? null : value.strip();
        }
    }
}
