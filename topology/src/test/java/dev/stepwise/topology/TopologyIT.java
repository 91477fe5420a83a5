package dev.stepwise.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.stepwise.infra.testing.SharedInfra;
import dev.stepwise.schemas.avro.AgentCall;
import dev.stepwise.schemas.avro.AnswerPublished;
import dev.stepwise.schemas.avro.Budget;
import dev.stepwise.schemas.avro.DeadLetter;
import dev.stepwise.schemas.avro.PromptSubmitted;
import dev.stepwise.schemas.avro.StepProposalRequested;
import dev.stepwise.schemas.avro.StepProposed;
import dev.stepwise.schemas.avro.StepVerified;
import dev.stepwise.schemas.avro.Strategy;
import dev.stepwise.schemas.avro.Verdict;
import dev.stepwise.schemas.config.CommonConfig;
import dev.stepwise.schemas.serde.AvroSerdes;
import dev.stepwise.schemas.topics.Topic;
import dev.stepwise.schemas.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.function.BooleanSupplier;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real topology on the shared broker and registry, with this test playing proposer and
 * verifier by hand. Topics have one partition, so "record B came back after A" also means "A
 * was processed", which lets the test check for the absence of a second answer without waiting.
 */
@ExtendWith(SharedInfra.class)
@Timeout(180)
class TopologyIT {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path stateDir;

    private Topics topics;
    private AvroSerdes serdes;
    private TopologyApp app;
    private KafkaProducer<String, byte[]> producer;
    private KafkaConsumer<String, byte[]> consumer;
    private final List<StepProposalRequested> requests = new ArrayList<>();
    private final List<AnswerPublished> answers = new ArrayList<>();
    private final List<DeadLetter> deadLetters = new ArrayList<>();

    private String applicationId;

    @BeforeEach
    void startTopology(final TestInfo test) {
        topics = SharedInfra.freshTopics(test.getTestMethod().orElseThrow().getName(), 1);
        serdes = new AvroSerdes(SharedInfra.registryClient());
        applicationId = SharedInfra.uniqueName("topology");
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedInfra.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new ByteArraySerializer());
        consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedInfra.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(), new ByteArrayDeserializer());
        final List<TopicPartition> outputs = List.of(
                new TopicPartition(topics.proposalRequests().name(), 0),
                new TopicPartition(topics.answers().name(), 0),
                new TopicPartition(topics.deadLetter().name(), 0));
        consumer.assign(outputs);
        consumer.seekToBeginning(outputs);
        app = TopologyApp.create(config(Map.of()), false, SharedInfra.registryClient());
        app.start();
    }

    /** The topology's config for this test's topics, application id and state dir, plus {@code overrides}. */
    private TopologyConfig config(final Map<String, Object> overrides) {
        final Map<String, Object> config = new java.util.HashMap<>(Map.of(
                CommonConfig.BOOTSTRAP_SERVERS, SharedInfra.bootstrapServers(),
                CommonConfig.SCHEMA_REGISTRY_URL, SharedInfra.registryUrl(),
                CommonConfig.TOPIC_PREFIX, topics.prefix(),
                CommonConfig.TOPIC_PARTITIONS, topics.partitions(),
                CommonConfig.TOPIC_AGENT_PARTITIONS, topics.agentPartitions(),
                TopologyConfig.APPLICATION_ID, applicationId,
                TopologyConfig.STATE_DIR, stateDir.toString()));
        config.putAll(overrides);
        return TopologyConfig.of(config);
    }

    @AfterEach
    void stopTopology() {
        if (app != null) {
            app.close(Duration.ofSeconds(30));
        }
        if (producer != null) {
            producer.close();
        }
        if (consumer != null) {
            consumer.close();
        }
    }

    @Test
    void aPromptIsAnsweredExactlyOnceWhenProposerAndVerifierPlayAlong() throws Exception {
        send(topics.prompts(), "p1", prompt("p1", "What is 6 * 7?"));
        await().atMost(WAIT).until(() -> playUntil(() -> !answers.isEmpty()));

        final AnswerPublished answer = answers.get(0);
        assertThat(answer.getPromptId()).isEqualTo("p1");
        assertThat(answer.getAnswer()).isEqualTo("42");
        assertThat(answer.getModelCalls()).isEqualTo(2 * 2 + 2 * 2 * 2);
        assertThat(answer.getWinningChain()).hasSize(2);

        // A second submission of p1, then a new prompt: once p2 is answered, p1's duplicate was seen.
        send(topics.prompts(), "p1", prompt("p1", "What is 6 * 7?"));
        send(topics.prompts(), "p2", prompt("p2", "What is 40 + 2?"));
        await().atMost(WAIT).until(() -> playUntil(() -> answers.size() >= 2));

        assertThat(answers).extracting(AnswerPublished::getPromptId).containsExactly("p1", "p2");
        assertThat(deadLetters).isEmpty();
    }

    @Test
    void whatAgentsAndClientsWaitForIsCommittedAtOnceNotAtStreamsCommitInterval() throws Exception {
        // A commit interval of a minute: every request and the answer would each wait for it if the search did not
        // ask for its commits (CommitPacer); the answer needs three rounds of them.
        app.close(Duration.ofSeconds(30));
        app = TopologyApp.create(config(Map.of("streams.commit.interval.ms", "60000",
                "streams.producer.transaction.timeout.ms", "300000")), false, SharedInfra.registryClient());
        app.start();

        send(topics.prompts(), "p1", prompt("p1", "What is 6 * 7?"));
        await().atMost(Duration.ofSeconds(30)).until(() -> playUntil(() -> !answers.isEmpty()));

        assertThat(answers).singleElement().satisfies(a -> assertThat(a.getAnswer()).isEqualTo("42"));
    }

    @Test
    void badInputIsDeadLetteredAndTheAppKeepsRunning() throws Exception {
        send(topics.prompts().name(), "bad", "not avro at all".getBytes(StandardCharsets.UTF_8));
        send(topics.promptsText().name(), "t1", "{\"text\": \"x\", \"strategy\": \"mcts\"}".getBytes(StandardCharsets.UTF_8));
        send(topics.promptsText().name(), "t2", "What is 40 + 2?".getBytes(StandardCharsets.UTF_8));

        // t1 is rejected and answered with the reason, so its client need not read the dead-letter topic;
        // the two answers come from different partitions, in either order.
        await().atMost(WAIT).until(() -> playUntil(() -> deadLetters.size() >= 2 && answers.size() >= 2));

        assertThat(deadLetters).extracting(DeadLetter::getErrorType)
                .containsExactlyInAnyOrder("wrong-magic-byte", "unknown-strategy");
        assertThat(deadLetters).filteredOn(d -> d.getErrorType().equals("wrong-magic-byte")).singleElement()
                .satisfies(d -> assertThat(StandardCharsets.UTF_8.decode(d.getValue().duplicate()).toString())
                        .isEqualTo("not avro at all"));
        assertThat(answers).extracting(AnswerPublished::getPromptId).containsExactlyInAnyOrder("t1", "t2");
        assertThat(answers).filteredOn(a -> a.getPromptId().equals("t1")).singleElement().satisfies(a -> {
            assertThat(a.getAnswer()).isNull();
            assertThat(a.getStopCause()).isEqualTo("rejected");
            assertThat(a.getError()).contains("mcts");
        });
        assertThat(answers).filteredOn(a -> a.getPromptId().equals("t2")).singleElement()
                .satisfies(a -> assertThat(a.getAnswer()).isEqualTo("42"));
        assertThat(app.state()).isEqualTo(KafkaStreams.State.RUNNING);
    }

    /**
     * The topology is down while the proposer's steps and the verifier's verdicts are written, and stays
     * down longer than its timeouts. When it comes back, its timers are due at once; but they go through
     * the log, so it reads the replies written before them first: nothing is asked again, nothing is
     * judged without its verdict, and the answer is what it would have been without the pause.
     */
    @Test
    void repliesWrittenWhileTheTopologyWasDownAreReadBeforeItsTimersWhenItComesBack() throws Exception {
        app.close(Duration.ofSeconds(30));
        // Short enough to be due on restart, long enough that the levels played after it never time out: with
        // 1.5 s, a loaded CI machine once took longer to play a later level and the search asked again (16 calls).
        final Map<String, Object> shortTimeouts = Map.of(TopologyConfig.SEARCH_VERDICT_TIMEOUT_MS, 4_000L,
                TopologyConfig.SEARCH_PROPOSAL_TIMEOUT_MS, 4_000L);
        app = TopologyApp.create(config(shortTimeouts), false, SharedInfra.registryClient());
        app.start();
        send(topics.prompts(), "p1", prompt("p1", "What is 6 * 7?"));
        await().atMost(WAIT).until(() -> {
            for (final ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                if (record.topic().equals(topics.proposalRequests().name())) {
                    requests.add(decode(topics.proposalRequests(), record.value()));
                }
            }
            return !requests.isEmpty();
        });

        app.close(Duration.ofSeconds(30));
        play(requests.get(0));
        // Not a readiness wait: the pause must outlast both timeouts, so that the timers are due on restart.
        Thread.sleep(6_000);
        app = TopologyApp.create(config(shortTimeouts), false, SharedInfra.registryClient());
        app.start();
        await().atMost(WAIT).until(() -> playUntil(() -> !answers.isEmpty()));

        assertThat(answers).singleElement().satisfies(a -> {
            assertThat(a.getAnswer()).isEqualTo("42");
            assertThat(a.getModelCalls()).isEqualTo(2 * 2 + 2 * 2 * 2);
        });
        assertThat(readAll(topics.decisions())).extracting(d -> d.getAction().name())
                .contains("KEEP", "STOP").doesNotContain("RETRY", "WAIT", "VERDICT_TIMEOUT");
        assertThat(readAll(topics.verificationRequests())).as("verifications the topology asked for again").isEmpty();
    }

    /**
     * The topology stops halfway through a search and comes back with its local state wiped ({@code --reset}):
     * Kafka Streams rebuilds the search's summary and its steps, requests and verdicts from the changelogs, and
     * the search goes on to the answer it would have given without the restart, asking for nothing again.
     */
    @Test
    void aSearchGoesOnToTheSameAnswerAfterItsStateIsRestoredFromTheChangelogs() throws Exception {
        send(topics.prompts(), "p1", prompt("p1", "What is 6 * 7?"));
        await().atMost(WAIT).until(() -> {
            for (final ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                if (record.topic().equals(topics.proposalRequests().name())) {
                    final StepProposalRequested request = decode(topics.proposalRequests(), record.value());
                    requests.add(request);
                    if (request.getDepth() == 0) {
                        play(request);
                    }
                }
            }
            // Requests for depth 1 are committed with the state that decided them: the first level is in the changelogs.
            return requests.stream().anyMatch(r -> r.getDepth() == 1);
        });

        app.close(Duration.ofSeconds(30));
        app = TopologyApp.create(config(Map.of()), true, SharedInfra.registryClient());
        app.start();
        for (final StepProposalRequested request : requests) {
            if (request.getDepth() == 1) {
                play(request);
            }
        }
        await().atMost(WAIT).until(() -> playUntil(() -> !answers.isEmpty()));

        assertThat(answers).singleElement().satisfies(a -> {
            assertThat(a.getAnswer()).isEqualTo("42");
            assertThat(a.getModelCalls()).isEqualTo(2 * 2 + 2 * 2 * 2);
        });
        assertThat(readAll(topics.decisions())).extracting(d -> d.getAction().name()).contains("KEEP", "STOP")
                .doesNotContain("RETRY", "WAIT");
        assertThat(deadLetters).isEmpty();
    }

    /** Every committed record of {@code topic} so far. */
    private <V extends SpecificRecord> List<V> readAll(final Topic<V> topic) {
        final List<V> values = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> reader = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedInfra.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(), new ByteArrayDeserializer())) {
            final TopicPartition partition = new TopicPartition(topic.name(), 0);
            reader.assign(List.of(partition));
            reader.seekToBeginning(List.of(partition));
            final long end = reader.endOffsets(List.of(partition)).get(partition);
            while (reader.position(partition) < end) {
                reader.poll(Duration.ofMillis(200)).forEach(r -> values.add(decode(topic, r.value())));
            }
        }
        return values;
    }

    /**
     * Polls the outputs once, answering every new request as proposer and verifier: depth-0 steps
     * are accepted work, deeper steps terminal with "42". Returns {@code done}'s verdict afterwards.
     */
    private boolean playUntil(final BooleanSupplier done) throws ExecutionException, InterruptedException {
        for (final ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
            if (record.topic().equals(topics.proposalRequests().name())) {
                final StepProposalRequested request = decode(topics.proposalRequests(), record.value());
                requests.add(request);
                play(request);
            } else if (record.topic().equals(topics.answers().name())) {
                answers.add(decode(topics.answers(), record.value()));
            } else {
                deadLetters.add(decode(topics.deadLetter(), record.value()));
            }
        }
        return done.getAsBoolean();
    }

    private void play(final StepProposalRequested request) throws ExecutionException, InterruptedException {
        for (int i = 0; i < request.getSamples(); i++) {
            final String stepId = request.getRequestId() + "." + i;
            final boolean terminal = request.getDepth() >= 1;
            send(topics.stepsProposed(), request.getPromptId(), StepProposed.newBuilder()
                    .setPromptId(request.getPromptId()).setStepId(stepId).setRequestId(request.getRequestId())
                    .setChainId(request.getChainId()).setParentStepId(request.getParentStepId())
                    .setDepth(request.getDepth()).setText(terminal ? "So the answer is 42." : "6 * 7 = 42")
                    .setTerminal(terminal).setAnswer(terminal ? "42" : null).setRevisionOf(null)
                    .setContext(request.getContext()).setCall(call()).setError(null)
                    .setProducedAt(Instant.now()).build());
            send(topics.stepsVerified(), request.getPromptId(), StepVerified.newBuilder()
                    .setPromptId(request.getPromptId()).setStepId(stepId).setScore(0.9).setVerdict(Verdict.ACCEPTED)
                    .setRationale("checks out").setCall(call()).setVerifiedAt(Instant.now()).build());
        }
    }

    private static PromptSubmitted prompt(final String promptId, final String text) {
        return PromptSubmitted.newBuilder().setPromptId(promptId).setText(text)
                .setStrategy(Strategy.newBuilder().setName("beam").setBeamWidth(2).setBranching(2).setMaxDepth(5)
                        .setMaxRevisions(0).build())
                .setBudget(Budget.newBuilder().setMaxModelCalls(100).setMaxTokens(100_000).setDeadline(null).build())
                .setRequester("topology-it").setSubmittedAt(Instant.now()).build();
    }

    private static AgentCall call() {
        return AgentCall.newBuilder().setAgentInstance("topology-it").setModel("test/by-hand").setTokens(3)
                .setLatencyMs(0).build();
    }

    private <V extends SpecificRecord> void send(final Topic<V> topic, final String key, final V value)
            throws ExecutionException, InterruptedException {
        send(topic.name(), key, serdes.valueSerde(topic).serializer().serialize(topic.name(), value));
    }

    private void send(final String topic, final String key, final byte[] value)
            throws ExecutionException, InterruptedException {
        producer.send(new ProducerRecord<>(topic, key, value)).get();
    }

    private <V extends SpecificRecord> V decode(final Topic<V> topic, final byte[] value) {
        return serdes.valueSerde(topic).deserializer().deserialize(topic.name(), value);
    }
}
