package dev.stepwise.topology;

import dev.stepwise.schemas.avro.AnswerPublished;
import dev.stepwise.schemas.avro.DeadLetter;
import dev.stepwise.schemas.avro.PromptCancelled;
import dev.stepwise.schemas.avro.PromptSubmitted;
import dev.stepwise.schemas.avro.RevisionRequested;
import dev.stepwise.schemas.avro.SearchDecision;
import dev.stepwise.schemas.avro.SearchTimer;
import dev.stepwise.schemas.avro.StepProposalRequested;
import dev.stepwise.schemas.avro.StepProposed;
import dev.stepwise.schemas.avro.StepVerified;
import dev.stepwise.schemas.avro.VerificationRequested;
import dev.stepwise.schemas.serde.AvroSerdes;
import dev.stepwise.schemas.serde.InMemorySchemaRegistry;
import dev.stepwise.schemas.topics.Topic;
import dev.stepwise.schemas.topics.Topics;
import dev.stepwise.search.SearchTree;
import dev.stepwise.search.SearchTreeJson;
import dev.stepwise.search.strategy.StrategyRegistry;
import dev.stepwise.search.testing.TestEvents;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * A {@link TopologyTestDriver} around {@link StepwiseTopology} with an in-memory schema registry:
 * typed inputs for each input topic (as raw bytes too, for bad input) and typed readers of every
 * output topic. The wall clock starts at {@link TestEvents#T0}.
 */
final class TopologyFixture implements AutoCloseable {

    final Topics topics;
    final AvroSerdes serdes;
    final TopologyConfig config;
    final TopologyTestDriver driver;

    private final TestInputTopic<String, byte[]> promptsText;
    private final TestInputTopic<String, byte[]> prompts;
    private final TestInputTopic<String, byte[]> steps;
    private final TestInputTopic<String, byte[]> verdicts;
    private final TestInputTopic<String, byte[]> timers;
    private final TestInputTopic<String, byte[]> cancellations;
    final TestOutputTopic<String, StepProposalRequested> requests;
    final TestOutputTopic<String, RevisionRequested> revisions;
    final TestOutputTopic<String, VerificationRequested> verifications;
    final TestOutputTopic<String, SearchTimer> timersOut;
    final TestOutputTopic<String, SearchDecision> decisions;
    final TestOutputTopic<String, AnswerPublished> answers;
    final TestOutputTopic<String, DeadLetter> deadLetters;
    final TestOutputTopic<String, PromptSubmitted> promptsOut;

    TopologyFixture(final Path stateDir, final Map<String, String> overrides) {
        final Map<String, Object> settings = new HashMap<>(overrides);
        settings.put(TopologyConfig.STATE_DIR, stateDir.toString());
        this.config = new TopologyConfig(settings);
        this.topics = config.topics();
        this.serdes = new AvroSerdes(new InMemorySchemaRegistry());
        final Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "topology-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        this.driver = new TopologyTestDriver(StepwiseTopology.build(config, serdes), props, Instant.ofEpochMilli(TestEvents.T0));

        final StringSerializer keys = new StringSerializer();
        final ByteArraySerializer bytes = new ByteArraySerializer();
        promptsText = driver.createInputTopic(topics.promptsText().name(), keys, bytes);
        prompts = driver.createInputTopic(topics.prompts().name(), keys, bytes);
        steps = driver.createInputTopic(topics.stepsProposed().name(), keys, bytes);
        verdicts = driver.createInputTopic(topics.stepsVerified().name(), keys, bytes);
        timers = driver.createInputTopic(topics.searchTimers().name(), keys, bytes);
        cancellations = driver.createInputTopic(topics.promptsCancelled().name(), keys, bytes);
        requests = output(topics.proposalRequests());
        revisions = output(topics.revisionRequests());
        verifications = output(topics.verificationRequests());
        timersOut = output(topics.searchTimers());
        decisions = output(topics.decisions());
        answers = output(topics.answers());
        deadLetters = output(topics.deadLetter());
        promptsOut = output(topics.prompts());
    }

    TopologyFixture(final Path stateDir) {
        this(stateDir, Map.of());
    }

    private <V> TestOutputTopic<String, V> output(final Topic<V> topic) {
        return driver.createOutputTopic(topic.name(), new StringDeserializer(), serdes.valueSerde(topic).deserializer());
    }

    <V extends SpecificRecord> byte[] encode(final Topic<V> topic, final V value) {
        return serdes.valueSerde(topic).serializer().serialize(topic.name(), value);
    }

    void submit(final PromptSubmitted prompt, final long at) {
        prompts.pipeInput(prompt.getPromptId(), encode(topics.prompts(), prompt), at);
    }

    void submitRaw(final String key, final byte[] value, final long at) {
        prompts.pipeInput(key, value, at);
    }

    void submitText(final String key, final String text, final long at) {
        promptsText.pipeInput(key, text == null ? null : text.getBytes(StandardCharsets.UTF_8), at);
    }

    void submitTextRaw(final String key, final byte[] value, final long at) {
        promptsText.pipeInput(key, value, at);
    }

    void propose(final StepProposed step, final long at) {
        steps.pipeInput(step.getPromptId(), encode(topics.stepsProposed(), step), at);
    }

    void proposeRaw(final String key, final byte[] value, final long at) {
        steps.pipeInput(key, value, at);
    }

    void verify(final StepVerified verdict, final long at) {
        verdicts.pipeInput(verdict.getPromptId(), encode(topics.stepsVerified(), verdict), at);
    }

    /** A timer record, as the punctuator writes them, read at {@code at}. */
    void timer(final SearchTimer timer, final long at) {
        timers.pipeInput(timer.getPromptId(), encode(topics.searchTimers(), timer), at);
    }

    void cancel(final PromptCancelled cancel, final long at) {
        cancellations.pipeInput(cancel.getPromptId(), encode(topics.promptsCancelled(), cancel), at);
    }

    void timerRaw(final String key, final byte[] value, final long at) {
        timers.pipeInput(key, value, at);
    }

    /** Moves the wall clock to {@code at}, running the punctuator as often as it is due. */
    void wallClockTo(final long at) {
        final long now = TestEvents.T0 + elapsed;
        if (at > now) {
            driver.advanceWallClockTime(Duration.ofMillis(at - now));
            elapsed += at - now;
        }
    }

    private long elapsed;

    /** The trees' summaries (a summary has no steps, requests or early verdicts: see {@link #tree}). */
    KeyValueStore<String, SearchTree> trees() {
        return driver.getKeyValueStore(StepwiseTopology.SEARCH_TREE_STORE);
    }

    /** The stored entries of the trees (steps, requests, early verdicts, problems), as JSON. */
    KeyValueStore<String, byte[]> entries() {
        return driver.getKeyValueStore(StepwiseTopology.SEARCH_ENTRY_STORE);
    }

    /** The tree of {@code promptId} as stored (summary and entries), read as the topology reads it, or null. */
    SearchTree tree(final String promptId) {
        return new SearchTrees(trees(), entries(), new SearchTreeJson(StrategyRegistry.standard()), 0).get(promptId);
    }

    KeyValueStore<String, String> timers() {
        return driver.getKeyValueStore(StepwiseTopology.SEARCH_TIMER_STORE);
    }

    List<SearchDecision> drainDecisions() {
        return decisions.readValuesToList();
    }

    @Override
    public void close() {
        driver.close();
    }
}
