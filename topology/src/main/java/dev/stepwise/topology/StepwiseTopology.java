package dev.stepwise.topology;

import dev.stepwise.schemas.avro.PromptSubmitted;
import dev.stepwise.schemas.avro.StepProposed;
import dev.stepwise.schemas.avro.StepVerified;
import dev.stepwise.schemas.serde.AvroSerdes;
import dev.stepwise.schemas.topics.Topics;
import dev.stepwise.topology.ingress.PromptValidator;
import dev.stepwise.topology.ingress.TextPromptParser;
import dev.stepwise.topology.search.SearchPolicy;
import java.time.Duration;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * The Stepwise topology, as a pure function of its configuration and serdes: no network, no
 * {@code KafkaStreams}; {@link TopologyApp} runs it and {@code TopologyTestDriver} tests it.
 *
 * <pre>
 * prompts.text   -> [prompts-text-source] -> [text-ingress] -> [prompts-sink]          -> prompts
 *                                                            -> [text-dead-letter-sink] -> dead-letter
 * prompts        -> [prompts-source]        \
 * steps.proposed -> [steps-proposed-source]  > [search] (search-tree-store, search-timer-store)
 * steps.verified -> [steps-verified-source] /     -> [steps-requested-sink], [revisions-requested-sink],
 *                                                    [decisions-sink], [answers-sink], [search-dead-letter-sink]
 * </pre>
 *
 * <p>Built with the Processor API on {@link Topology} rather than the DSL's {@code process()}: one
 * processor reads three topics and writes five, forwarding each command to the sink of its topic
 * by name; the DSL would need a merge, a split and a typed map per output to do the same. Sources
 * read bytes and the processors decode, so that an undecodable record is dead-lettered with its
 * original bytes rather than failing the task. Every node and store has a fixed name (pinned by
 * {@code StepwiseTopologyTest}) because store names are part of the changelog topic names.
 *
 * <p>The two sub-topologies are joined only through the prompts topic, so {@code prompts.text} may
 * have its own partition count; prompts, steps and verdicts must be co-partitioned (same count),
 * which keying every event by prompt id on equally sized topics gives.
 */
public final class StepwiseTopology {

    public static final String PROMPTS_TEXT_SOURCE = "prompts-text-source";
    public static final String TEXT_INGRESS = "text-ingress";
    public static final String PROMPTS_SINK = "prompts-sink";
    public static final String TEXT_DEAD_LETTER_SINK = "text-dead-letter-sink";

    public static final String PROMPTS_SOURCE = "prompts-source";
    public static final String STEPS_PROPOSED_SOURCE = "steps-proposed-source";
    public static final String STEPS_VERIFIED_SOURCE = "steps-verified-source";
    public static final String SEARCH = "search";
    public static final String SEARCH_TREE_STORE = "search-tree-store";
    public static final String SEARCH_TIMER_STORE = "search-timer-store";
    public static final String STEPS_REQUESTED_SINK = "steps-requested-sink";
    public static final String REVISIONS_REQUESTED_SINK = "revisions-requested-sink";
    public static final String DECISIONS_SINK = "decisions-sink";
    public static final String ANSWERS_SINK = "answers-sink";
    public static final String SEARCH_DEAD_LETTER_SINK = "search-dead-letter-sink";

    private StepwiseTopology() {
    }

    /** The topic names and decoders one search processor instance needs; decoders are made per instance. */
    record Wiring(String promptsTopic, String stepsTopic, String verdictsTopic, Deserializer<PromptSubmitted> prompts,
                  Deserializer<StepProposed> steps, Deserializer<StepVerified> verdicts) {
    }

    /** Builds the topology. Pure: it only reads {@code config} and captures {@code serdes}. */
    public static Topology build(final TopologyConfig config, final AvroSerdes serdes) {
        final Topics topics = config.topics();
        final SearchPolicy policy = new SearchPolicy(config.searchSettings());
        final PromptValidator validator = new PromptValidator(config.limits());
        final TextPromptParser parser = new TextPromptParser(config.defaultStrategy(), config.defaultBudget());
        final Duration punctuateInterval = config.punctuateInterval();
        final ByteArrayDeserializer bytes = new ByteArrayDeserializer();
        final StringSerializer keys = new StringSerializer();

        final Topology topology = new Topology();

        topology.addSource(PROMPTS_TEXT_SOURCE, bytes, bytes, topics.promptsText().name());
        topology.addProcessor(TEXT_INGRESS, () -> new TextIngressProcessor(parser, validator), PROMPTS_TEXT_SOURCE);
        topology.addSink(PROMPTS_SINK, topics.prompts().name(), keys,
                serdes.valueSerde(topics.prompts()).serializer(), TEXT_INGRESS);
        topology.addSink(TEXT_DEAD_LETTER_SINK, topics.deadLetter().name(), keys,
                serdes.valueSerde(topics.deadLetter()).serializer(), TEXT_INGRESS);

        topology.addSource(PROMPTS_SOURCE, bytes, bytes, topics.prompts().name());
        topology.addSource(STEPS_PROPOSED_SOURCE, bytes, bytes, topics.stepsProposed().name());
        topology.addSource(STEPS_VERIFIED_SOURCE, bytes, bytes, topics.stepsVerified().name());
        topology.addProcessor(SEARCH, () -> new SearchProcessor(
                        new Wiring(topics.prompts().name(), topics.stepsProposed().name(), topics.stepsVerified().name(),
                                serdes.valueSerde(topics.prompts()).deserializer(),
                                serdes.valueSerde(topics.stepsProposed()).deserializer(),
                                serdes.valueSerde(topics.stepsVerified()).deserializer()),
                        policy, validator, punctuateInterval),
                PROMPTS_SOURCE, STEPS_PROPOSED_SOURCE, STEPS_VERIFIED_SOURCE);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(SEARCH_TREE_STORE),
                Serdes.String(), new SearchTreeSerde()), SEARCH);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(SEARCH_TIMER_STORE),
                Serdes.String(), Serdes.String()), SEARCH);
        topology.addSink(STEPS_REQUESTED_SINK, topics.proposalRequests().name(), keys,
                serdes.valueSerde(topics.proposalRequests()).serializer(), SEARCH);
        topology.addSink(REVISIONS_REQUESTED_SINK, topics.revisionRequests().name(), keys,
                serdes.valueSerde(topics.revisionRequests()).serializer(), SEARCH);
        topology.addSink(DECISIONS_SINK, topics.decisions().name(), keys,
                serdes.valueSerde(topics.decisions()).serializer(), SEARCH);
        topology.addSink(ANSWERS_SINK, topics.answers().name(), keys,
                serdes.valueSerde(topics.answers()).serializer(), SEARCH);
        topology.addSink(SEARCH_DEAD_LETTER_SINK, topics.deadLetter().name(), keys,
                serdes.valueSerde(topics.deadLetter()).serializer(), SEARCH);
        return topology;
    }
}
