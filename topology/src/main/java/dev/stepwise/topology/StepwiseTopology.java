package dev.stepwise.topology;

import dev.stepwise.schemas.avro.PromptCancelled;
import dev.stepwise.schemas.avro.PromptSubmitted;
import dev.stepwise.schemas.avro.SearchTimer;
import dev.stepwise.schemas.avro.StepProposed;
import dev.stepwise.schemas.avro.StepVerified;
import dev.stepwise.schemas.serde.AvroSerdes;
import dev.stepwise.schemas.topics.Topics;
import dev.stepwise.search.SearchEngine;
import dev.stepwise.search.SearchTreeJson;
import dev.stepwise.search.strategy.StrategyRegistry;
import dev.stepwise.topology.ingress.PromptValidator;
import dev.stepwise.topology.ingress.TextPromptParser;
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
 * prompts.text      -> [prompts-text-source] -> [text-ingress] -> [prompts-sink]          -> prompts
 *                                                               -> [text-dead-letter-sink] -> dead-letter
 *                                                               -> [text-answers-sink]     -> answers (rejections)
 * prompts           -> [prompts-source]            \
 * steps.proposed    -> [steps-proposed-source]      \
 * steps.verified    -> [steps-verified-source]       > [search] (search-tree-store, search-entry-store, search-timer-store)
 * search.timers     -> [search-timers-source]       /    -> [steps-requested-sink], [revisions-requested-sink],
 * prompts.cancelled -> [prompts-cancelled-source]  /        [verifications-requested-sink], [search-timers-sink],
 *                                                           [decisions-sink], [answers-sink], [search-dead-letter-sink]
 * </pre>
 *
 * <p>Verification requests mostly do not come from here: a proposal request says how its samples are
 * to be verified, and the proposer writes the verification requests with the steps, so a verified
 * step costs three hops (topology, proposer, verifier), not four. The topology writes one itself when
 * it asks again for a verdict that did not come, or decides on a verification later.
 *
 * <p>A prompt's search tree is stored in two parts (see {@link SearchTrees}): its summary in
 * {@code search-tree-store} and each step, request and early verdict in {@code search-entry-store}, so
 * that an event writes what it changed and not the whole tree.
 *
 * <p>The search writes its own timers ({@code search.timers}) and reads them back, so that timeouts
 * are judged in log order with the replies they wait for (see {@link SearchProcessor}).
 *
 * <p>Built with the Processor API on {@link Topology} rather than the DSL's {@code process()}: one
 * processor reads three topics and writes five, forwarding each command to the sink of its topic
 * by name; the DSL would need a merge, a split and a typed map per output to do the same. Sources
 * read bytes and the processors decode, so that an undecodable record is dead-lettered with its
 * original bytes rather than failing the task. Every node and store has a fixed name (pinned by
 * {@code StepwiseTopologyTest}) because store names are part of the changelog topic names.
 *
 * <p>The two sub-topologies are joined only through the prompts topic, so {@code prompts.text} may
 * have its own partition count; prompts, steps, verdicts and timers must be co-partitioned (same
 * count), which keying every event by prompt id on equally sized topics gives.
 */
public final class StepwiseTopology {

    public static final String PROMPTS_TEXT_SOURCE = "prompts-text-source";
    public static final String TEXT_INGRESS = "text-ingress";
    public static final String PROMPTS_SINK = "prompts-sink";
    public static final String TEXT_DEAD_LETTER_SINK = "text-dead-letter-sink";
    public static final String TEXT_ANSWERS_SINK = "text-answers-sink";

    public static final String PROMPTS_SOURCE = "prompts-source";
    public static final String STEPS_PROPOSED_SOURCE = "steps-proposed-source";
    public static final String STEPS_VERIFIED_SOURCE = "steps-verified-source";
    public static final String SEARCH_TIMERS_SOURCE = "search-timers-source";
    public static final String CANCELLATIONS_SOURCE = "prompts-cancelled-source";
    public static final String SEARCH = "search";
    public static final String SEARCH_TREE_STORE = "search-tree-store";
    public static final String SEARCH_ENTRY_STORE = "search-entry-store";
    public static final String SEARCH_TIMER_STORE = "search-timer-store";
    public static final String STEPS_REQUESTED_SINK = "steps-requested-sink";
    public static final String REVISIONS_REQUESTED_SINK = "revisions-requested-sink";
    public static final String VERIFICATIONS_REQUESTED_SINK = "verifications-requested-sink";
    public static final String TIMERS_SINK = "search-timers-sink";
    public static final String DECISIONS_SINK = "decisions-sink";
    public static final String ANSWERS_SINK = "answers-sink";
    public static final String SEARCH_DEAD_LETTER_SINK = "search-dead-letter-sink";

    private StepwiseTopology() {
    }

    /** The topic names and decoders one search processor instance needs; decoders are made per instance. */
    record Wiring(String promptsTopic, String stepsTopic, String verdictsTopic, String timersTopic,
                  String cancellationsTopic, Deserializer<PromptSubmitted> prompts, Deserializer<StepProposed> steps,
                  Deserializer<StepVerified> verdicts, Deserializer<SearchTimer> timers,
                  Deserializer<PromptCancelled> cancellations) {
    }

    /** Builds the topology. Pure: it only reads {@code config} and captures {@code serdes}. */
    public static Topology build(final TopologyConfig config, final AvroSerdes serdes) {
        final Topics topics = config.topics();
        final StrategyRegistry strategies = StrategyRegistry.standard();
        final SearchEngine engine = new SearchEngine(config.searchSettings(), strategies);
        final SearchTreeJson json = new SearchTreeJson(strategies);
        final PromptValidator validator = new PromptValidator(config.limits(), strategies);
        final TextPromptParser parser = new TextPromptParser(strategies, config.defaultStrategy(), config.defaultBudget());
        final Duration punctuateInterval = config.punctuateInterval();
        final CommitPacer commits = new CommitPacer(config.commitGap().toMillis());
        final ByteArrayDeserializer bytes = new ByteArrayDeserializer();
        final StringSerializer keys = new StringSerializer();

        final Topology topology = new Topology();

        topology.addSource(PROMPTS_TEXT_SOURCE, bytes, bytes, topics.promptsText().name());
        topology.addProcessor(TEXT_INGRESS, () -> new TextIngressProcessor(parser, validator, commits), PROMPTS_TEXT_SOURCE);
        topology.addSink(PROMPTS_SINK, topics.prompts().name(), keys,
                serdes.valueSerde(topics.prompts()).serializer(), TEXT_INGRESS);
        topology.addSink(TEXT_DEAD_LETTER_SINK, topics.deadLetter().name(), keys,
                serdes.valueSerde(topics.deadLetter()).serializer(), TEXT_INGRESS);
        topology.addSink(TEXT_ANSWERS_SINK, topics.answers().name(), keys,
                serdes.valueSerde(topics.answers()).serializer(), TEXT_INGRESS);

        topology.addSource(PROMPTS_SOURCE, bytes, bytes, topics.prompts().name());
        topology.addSource(STEPS_PROPOSED_SOURCE, bytes, bytes, topics.stepsProposed().name());
        topology.addSource(STEPS_VERIFIED_SOURCE, bytes, bytes, topics.stepsVerified().name());
        topology.addSource(SEARCH_TIMERS_SOURCE, bytes, bytes, topics.searchTimers().name());
        topology.addSource(CANCELLATIONS_SOURCE, bytes, bytes, topics.promptsCancelled().name());
        topology.addProcessor(SEARCH, () -> new SearchProcessor(
                        new Wiring(topics.prompts().name(), topics.stepsProposed().name(), topics.stepsVerified().name(),
                                topics.searchTimers().name(), topics.promptsCancelled().name(),
                                serdes.valueSerde(topics.prompts()).deserializer(),
                                serdes.valueSerde(topics.stepsProposed()).deserializer(),
                                serdes.valueSerde(topics.stepsVerified()).deserializer(),
                                serdes.valueSerde(topics.searchTimers()).deserializer(),
                                serdes.valueSerde(topics.promptsCancelled()).deserializer()),
                        engine, validator, punctuateInterval, json, config.treeCacheSteps(), commits),
                PROMPTS_SOURCE, STEPS_PROPOSED_SOURCE, STEPS_VERIFIED_SOURCE, SEARCH_TIMERS_SOURCE, CANCELLATIONS_SOURCE);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(SEARCH_TREE_STORE),
                Serdes.String(), new SearchTreeSerde(json)), SEARCH);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(SEARCH_ENTRY_STORE),
                Serdes.String(), Serdes.ByteArray()), SEARCH);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(SEARCH_TIMER_STORE),
                Serdes.String(), Serdes.String()), SEARCH);
        topology.addSink(STEPS_REQUESTED_SINK, topics.proposalRequests().name(), keys,
                serdes.valueSerde(topics.proposalRequests()).serializer(), SEARCH);
        topology.addSink(REVISIONS_REQUESTED_SINK, topics.revisionRequests().name(), keys,
                serdes.valueSerde(topics.revisionRequests()).serializer(), SEARCH);
        topology.addSink(VERIFICATIONS_REQUESTED_SINK, topics.verificationRequests().name(), keys,
                serdes.valueSerde(topics.verificationRequests()).serializer(), SEARCH);
        topology.addSink(TIMERS_SINK, topics.searchTimers().name(), keys,
                serdes.valueSerde(topics.searchTimers()).serializer(), SEARCH);
        topology.addSink(DECISIONS_SINK, topics.decisions().name(), keys,
                serdes.valueSerde(topics.decisions()).serializer(), SEARCH);
        topology.addSink(ANSWERS_SINK, topics.answers().name(), keys,
                serdes.valueSerde(topics.answers()).serializer(), SEARCH);
        topology.addSink(SEARCH_DEAD_LETTER_SINK, topics.deadLetter().name(), keys,
                serdes.valueSerde(topics.deadLetter()).serializer(), SEARCH);
        return topology;
    }
}
