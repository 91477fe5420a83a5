package dev.stepwise.infra;

import dev.stepwise.schemas.topics.Topic;
import dev.stepwise.schemas.topics.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the topics of a {@link Topics} registry that do not exist yet, with the partitions and
 * configs the registry declares. Safe to call on every start: existing topics are left alone.
 */
public final class TopicProvisioner {

    /** Replication factor that means "the broker's {@code default.replication.factor}". */
    public static final short BROKER_DEFAULT_REPLICATION = -1;
    /** Bounds each admin round trip; a healthy broker answers in well under a second. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    private static final Duration VISIBILITY_POLL = Duration.ofMillis(20);
    private static final Logger LOG = LoggerFactory.getLogger(TopicProvisioner.class);

    private TopicProvisioner() {
    }

    /**
     * What {@link #ensureTopics} did.
     *
     * @param created  names of the topics this call created
     * @param existing names of the topics that were already there (including ones another client created meanwhile)
     */
    public record ProvisionResult(List<String> created, List<String> existing) {

        public ProvisionResult {
            created = List.copyOf(created);
            existing = List.copyOf(existing);
        }
    }

    /** Creates the missing topics of {@code topics}; see {@link #ensureTopics(Admin, Collection, short, Duration)}. */
    public static ProvisionResult ensureTopics(final Admin admin, final Topics topics, final short replicationFactor) {
        return ensureTopics(admin, topics.all(), replicationFactor, DEFAULT_TIMEOUT);
    }

    /**
     * Creates every topic in {@code topics} that does not exist, with its declared partitions and
     * configs. A topic created concurrently by someone else ({@link TopicExistsException}) counts as
     * existing. An existing topic with fewer partitions than declared is logged at WARN and left as
     * it is: adding partitions would move keys to other partitions, which only an operator should decide.
     *
     * @param replicationFactor replication factor of new topics, or {@link #BROKER_DEFAULT_REPLICATION}
     * @param timeout           bound on each admin call
     */
    public static ProvisionResult ensureTopics(final Admin admin, final Collection<Topic<?>> topics,
                                               final short replicationFactor, final Duration timeout) {
        if (replicationFactor == 0 || replicationFactor < BROKER_DEFAULT_REPLICATION) {
            throw new IllegalArgumentException("replication factor must be -1 (broker default) or positive, got " + replicationFactor);
        }
        final Set<String> present = await(admin.listTopics().names(), timeout, "list topics");
        final List<NewTopic> missing = new ArrayList<>();
        final List<String> existing = new ArrayList<>();
        for (final Topic<?> topic : topics) {
            if (present.contains(topic.name())) {
                existing.add(topic.name());
            } else {
                missing.add(newTopic(topic, replicationFactor));
            }
        }

        final List<String> created = new ArrayList<>();
        if (!missing.isEmpty()) {
            final CreateTopicsResult result = admin.createTopics(missing);
            for (final Map.Entry<String, KafkaFuture<Void>> entry : result.values().entrySet()) {
                try {
                    await(entry.getValue(), timeout, "create topic " + entry.getKey());
                    created.add(entry.getKey());
                } catch (final TopicExistsException e) {
                    existing.add(entry.getKey());
                }
            }
            awaitVisible(admin, missing.stream().map(NewTopic::name).toList(), timeout);
        }
        if (!created.isEmpty()) {
            LOG.info("Created {} topic(s): {}", created.size(), created);
        }
        warnAboutFewerPartitions(admin, topics, existing, timeout);
        return new ProvisionResult(created, existing);
    }

    private static NewTopic newTopic(final Topic<?> topic, final short replicationFactor) {
        final Optional<Short> replication = replicationFactor == BROKER_DEFAULT_REPLICATION
                ? Optional.empty() : Optional.of(replicationFactor);
        return new NewTopic(topic.name(), Optional.of(topic.partitions()), replication).configs(topic.configs());
    }

    private static void warnAboutFewerPartitions(final Admin admin, final Collection<Topic<?>> topics,
                                                 final List<String> existing, final Duration timeout) {
        if (existing.isEmpty()) {
            return;
        }
        final Map<String, TopicDescription> descriptions =
                await(admin.describeTopics(existing).allTopicNames(), timeout, "describe topics");
        for (final Topic<?> topic : topics) {
            final TopicDescription description = descriptions.get(topic.name());
            if (description != null && description.partitions().size() < topic.partitions()) {
                LOG.warn("Topic {} has {} partition(s) but {} are declared; it was left as it is "
                                + "(add partitions with kafka-topics --alter if the key distribution may change)",
                        topic.name(), description.partitions().size(), topic.partitions());
            }
        }
    }

    /**
     * Waits until the broker lists every one of {@code names}. createTopics completes once the
     * controller has committed the topics; the broker serves them (describe, produce, fetch) only
     * after it has applied that metadata, a few milliseconds later. Callers may describe or use the
     * topics at once, so the provisioner waits here. Hand-written: Awaitility is a test library.
     */
    private static void awaitVisible(final Admin admin, final List<String> names, final Duration timeout) {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (!await(admin.listTopics().names(), timeout, "list topics").containsAll(names)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Topics " + names + " were created but not served within " + timeout);
            }
            try {
                Thread.sleep(VISIBILITY_POLL.toMillis());
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for topics " + names, e);
            }
        }
    }

    /**
     * Waits for an admin future and unwraps its cause, so callers can catch the Kafka exception
     * itself (e.g. {@link TopicExistsException}).
     */
    private static <T> T await(final KafkaFuture<T> future, final Duration timeout, final String what) {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (final ExecutionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw new IllegalStateException("Could not " + what + ": " + e.getCause(), e.getCause());
        } catch (final TimeoutException e) {
            throw new IllegalStateException("Could not " + what + " within " + timeout, e);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while trying to " + what, e);
        }
    }
}
