package dev.stepwise.agents;

import dev.stepwise.models.ModelBackend;
import dev.stepwise.schemas.serde.AvroSerdes;
import dev.stepwise.schemas.serde.ConfluentAvroSerializer;
import dev.stepwise.schemas.serde.SchemaRegistryClient;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Builds agents: the handler of their kind, plugged into the one transactional loop, with their Kafka clients. */
public final class Agents {

    private Agents() {
    }

    /**
     * One agent instance with its own consumer, producer and instance id ({@link AgentConfig#instanceId()}).
     * Nothing connects until {@link Agent#start()} or {@link Agent#run()}.
     *
     * @param backend  the model; may be shared by several agents, and is not closed by them
     * @param registry the schema registry the input and output serdes use
     */
    public static Agent create(final AgentKind kind, final AgentConfig config, final ModelBackend backend,
                               final SchemaRegistryClient registry) {
        return create(kind, config, backend, registry, Clock.systemUTC());
    }

    /**
     * {@code count} instances of one kind in this JVM, members of the same consumer group, named
     * {@code <instance id>-0} to {@code <instance id>-<count-1>} (stable across restarts when the
     * instance id is set, so static membership keeps working). Each has its own clients and its own
     * bound on model calls in flight.
     */
    public static AgentPool createPool(final AgentKind kind, final AgentConfig config, final ModelBackend backend,
                                       final SchemaRegistryClient registry, final int count) {
        if (count < 1) {
            throw new IllegalArgumentException("need at least one instance, got " + count);
        }
        final String base = config.instanceId();
        final List<Agent> agents = new ArrayList<>(count);
        try {
            for (int i = 0; i < count; i++) {
                agents.add(create(kind, config.withInstanceId(base + "-" + i), backend, registry));
            }
        } catch (RuntimeException e) {
            agents.forEach(Agent::close);
            throw e;
        }
        return new AgentPool(kind, agents);
    }

    static Agent create(final AgentKind kind, final AgentConfig config, final ModelBackend backend,
                        final SchemaRegistryClient registry, final Clock clock) {
        final String instanceId = config.instanceId();
        final ModelCalls calls = new ModelCalls(backend, config.maxInFlight());
        return switch (kind) {
            case PROPOSER -> build(kind, config, new ProposerHandler(config.topics(), calls, instanceId, clock), calls, registry, clock);
            case VERIFIER -> build(kind, config, new VerifierHandler(config.topics(), calls, instanceId, clock), calls, registry, clock);
            case REVISER -> build(kind, config, new ReviserHandler(config.topics(), calls, instanceId, clock), calls, registry, clock);
        };
    }

    private static <I extends SpecificRecord> TransactionalAgent<I> build(
            final AgentKind kind, final AgentConfig config, final AgentHandler<I> handler, final ModelCalls calls,
            final SchemaRegistryClient registry, final Clock clock) {
        final Deserializer<I> decoder = new AvroSerdes(registry).valueSerde(handler.input()).deserializer();
        final Consumer<byte[], byte[]> consumer = new KafkaConsumer<>(config.consumerProperties(kind),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        final Supplier<Producer<String, SpecificRecord>> producers = () -> new KafkaProducer<>(
                config.producerProperties(kind), new StringSerializer(),
                new ConfluentAvroSerializer<SpecificRecord>(registry, false, AvroSerdes.DEFAULT_CACHE_SIZE));
        final TransactionalAgent.Identity identity =
                new TransactionalAgent.Identity(kind, config.instanceId(), config.groupId(kind), calls.model());
        try {
            return new TransactionalAgent<>(identity, handler, decoder, config.topics().deadLetter(), consumer, producers,
                    config.maxInFlight(), config.retryBackoff(), clock);
        } catch (RuntimeException e) {
            consumer.close();
            throw e;
        }
    }
}
