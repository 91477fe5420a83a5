package dev.stepwise.agents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stepwise.models.ModelCallException;
import dev.stepwise.models.ProposedStep;
import dev.stepwise.schemas.avro.DeadLetter;
import dev.stepwise.schemas.avro.StepProposalRequested;
import dev.stepwise.schemas.avro.StepProposed;
import dev.stepwise.schemas.avro.StepVerified;
import dev.stepwise.schemas.serde.AvroSerdes;
import dev.stepwise.schemas.serde.ConfluentAvroSerializer;
import dev.stepwise.schemas.serde.InMemorySchemaRegistry;
import dev.stepwise.schemas.serde.SchemaRegistryClient;
import dev.stepwise.schemas.serde.SchemaRegistryException;
import dev.stepwise.schemas.topics.Topic;
import dev.stepwise.schemas.topics.Topics;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** The transactional loop against MockConsumer and a transactional MockProducer. */
class TransactionalAgentTest {

    private static final Topics TOPICS = Topics.defaults();
    private static final TopicPartition REQUESTS_0 = new TopicPartition(TOPICS.proposalRequests().name(), 0);
    private static final TopicPartition STEPS_0 = new TopicPartition(TOPICS.stepsProposed().name(), 0);
    private static final Backoff FAST = new Backoff(Duration.ofMillis(1), Duration.ofMillis(2));
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-26T12:00:00Z"), ZoneOffset.UTC);

    private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    private final FakeBackend backend = new FakeBackend();
    private final MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
    private final MockProducer<String, SpecificRecord> producer = new MockProducer<>(true, null, new StringSerializer(),
            new ConfluentAvroSerializer<>(registry, false, 100));

    private TransactionalAgent<StepProposalRequested, StepProposed> proposer(final SchemaRegistryClient decodingRegistry) {
        final ModelCalls calls = new ModelCalls(backend, 8, 1, FAST);
        return new TransactionalAgent<>(
                new TransactionalAgent.Identity(AgentKind.PROPOSER, "p-0", "stepwise-proposer", backend.model()),
                new ProposerHandler(TOPICS, calls, "p-0", CLOCK),
                new AvroSerdes(decodingRegistry).valueSerde(TOPICS.proposalRequests()).deserializer(),
                TOPICS.deadLetter(), consumer, producer, FAST, CLOCK);
    }

    private TransactionalAgent<StepProposalRequested, StepProposed> proposer() {
        return proposer(registry);
    }

    /** Subscribes and takes partition 0, as the first poll of a real group member would. */
    private void joinGroup(final TransactionalAgent<?, ?> agent, final TopicPartition partition) {
        agent.initialize();
        consumer.rebalance(List.of(partition));
        consumer.updateBeginningOffsets(Map.of(partition, 0L));
    }

    private <T extends SpecificRecord> ConsumerRecord<byte[], byte[]> record(final TopicPartition partition, final long offset,
                                                                            final String key, final T value) {
        @SuppressWarnings("unchecked")
        final Serializer<T> serializer = (Serializer<T>) new ConfluentAvroSerializer<>(registry, false, 100);
        return new ConsumerRecord<>(partition.topic(), partition.partition(), offset, key.getBytes(StandardCharsets.UTF_8),
                serializer.serialize(partition.topic(), value));
    }

    private ConsumerRecord<byte[], byte[]> request(final long offset, final String requestId, final int samples) {
        return record(REQUESTS_0, offset, "prompt-1", Events.proposalRequest("prompt-1", requestId, samples));
    }

    private List<String> stepIdsWritten() {
        return producer.history().stream()
                .filter(record -> record.topic().equals(TOPICS.stepsProposed().name()))
                .map(record -> ((StepProposed) record.value()).getStepId())
                .toList();
    }

    private List<Map<TopicPartition, OffsetAndMetadata>> committedOffsets() {
        return producer.consumerGroupOffsetsHistory().stream().flatMap(byGroup -> byGroup.values().stream()).toList();
    }

    @Test
    void outputsAndOffsetsAreCommittedInOneTransaction() throws InterruptedException {
        final TransactionalAgent<StepProposalRequested, StepProposed> agent = proposer();
        joinGroup(agent, REQUESTS_0);
        consumer.addRecord(request(0, "prompt-1/r0", 2));
        consumer.addRecord(request(1, "prompt-1/r1", 3));

        agent.pollAndProcess();

        assertThat(producer.commitCount()).isEqualTo(1);
        assertThat(stepIdsWritten()).containsExactly(
                "prompt-1/r0.0", "prompt-1/r0.1", "prompt-1/r1.0", "prompt-1/r1.1", "prompt-1/r1.2");
        assertThat(producer.history()).extracting(ProducerRecord::key).containsOnly("prompt-1");
        assertThat(committedOffsets()).containsExactly(Map.of(REQUESTS_0, new OffsetAndMetadata(2)));
        assertThat(agent.assignment()).containsExactly(REQUESTS_0);
    }

    @Test
    void anUndecodableRecordIsDeadLetteredWithItsBytesAndItsOffsetCommitted() throws InterruptedException {
        final TransactionalAgent<StepProposalRequested, StepProposed> agent = proposer();
        joinGroup(agent, REQUESTS_0);
        final byte[] garbage = "not avro at all".getBytes(StandardCharsets.UTF_8);
        consumer.addRecord(new ConsumerRecord<>(REQUESTS_0.topic(), 0, 0, "prompt-9".getBytes(StandardCharsets.UTF_8), garbage));
        consumer.addRecord(request(1, "prompt-1/r1", 1));

        agent.pollAndProcess();

        final List<ProducerRecord<String, SpecificRecord>> deadLetters = producer.history().stream()
                .filter(record -> record.topic().equals(TOPICS.deadLetter().name())).toList();
        assertThat(deadLetters).singleElement().satisfies(record -> {
            assertThat(record.key()).isEqualTo("prompt-9");
            final DeadLetter letter = (DeadLetter) record.value();
            assertThat(letter.getSourceTopic()).isEqualTo(REQUESTS_0.topic());
            assertThat(letter.getPartition()).isZero();
            assertThat(letter.getOffset()).isZero();
            assertThat(letter.getComponent()).isEqualTo("proposer");
            assertThat(letter.getErrorType()).isEqualTo("wrong-magic-byte");
            assertThat(letter.getValue()).isEqualTo(ByteBuffer.wrap(garbage));
            assertThat(letter.getKey()).isEqualTo(ByteBuffer.wrap("prompt-9".getBytes(StandardCharsets.UTF_8)));
            assertThat(letter.getRejectedAt()).isEqualTo(CLOCK.instant());
        });
        assertThat(stepIdsWritten()).containsExactly("prompt-1/r1.0");
        assertThat(producer.commitCount()).isEqualTo(1);
        assertThat(committedOffsets()).containsExactly(Map.of(REQUESTS_0, new OffsetAndMetadata(2)));
    }

    @Test
    void anUnusableRequestIsDeadLetteredWithItsReason() throws InterruptedException {
        final TransactionalAgent<StepProposalRequested, StepProposed> agent = proposer();
        joinGroup(agent, REQUESTS_0);
        consumer.addRecord(request(0, "prompt-1/r0", 0));

        agent.pollAndProcess();

        assertThat(producer.history()).singleElement().satisfies(record -> {
            assertThat(record.topic()).isEqualTo(TOPICS.deadLetter().name());
            assertThat(((DeadLetter) record.value()).getErrorType()).isEqualTo("invalid-samples");
        });
        assertThat(committedOffsets()).containsExactly(Map.of(REQUESTS_0, new OffsetAndMetadata(1)));
    }

    @Test
    void aModelThatKeepsFailingCommitsNothingAndRewindsThenALaterSuccessWritesEachStepOnce() throws InterruptedException {
        final TransactionalAgent<StepProposalRequested, StepProposed> agent = proposer();
        joinGroup(agent, REQUESTS_0);
        consumer.commitSync(Map.of(REQUESTS_0, new OffsetAndMetadata(5)));
        final AtomicBoolean modelDown = new AtomicBoolean(true);
        final AtomicInteger calls = new AtomicInteger();
        backend.propose = task -> {
            calls.incrementAndGet();
            if (modelDown.get()) {
                throw new ModelCallException("HTTP 503");
            }
            return new ProposedStep("step " + task.stepId(), false, null, 2);
        };
        consumer.addRecord(request(5, "prompt-1/r5", 2));
        consumer.addRecord(request(6, "prompt-1/r6", 1));

        agent.pollAndProcess();

        assertThat(calls.get()).as("each call tried twice before the batch gave up").isGreaterThanOrEqualTo(2);
        assertThat(producer.commitCount()).isZero();
        assertThat(producer.history()).isEmpty();
        assertThat(committedOffsets()).isEmpty();
        assertThat(consumer.position(REQUESTS_0)).as("rewound to the committed offset").isEqualTo(5);

        // MockConsumer forgets what it delivered; the broker would deliver 5 and 6 again.
        modelDown.set(false);
        consumer.addRecord(request(5, "prompt-1/r5", 2));
        consumer.addRecord(request(6, "prompt-1/r6", 1));
        agent.pollAndProcess();

        assertThat(stepIdsWritten()).containsExactly("prompt-1/r5.0", "prompt-1/r5.1", "prompt-1/r6.0");
        assertThat(producer.commitCount()).isEqualTo(1);
        assertThat(committedOffsets()).containsExactly(Map.of(REQUESTS_0, new OffsetAndMetadata(7)));
    }

    @Test
    void aModelFailureRetryingCannotFixCommitsTheErrorStepAndTheOffsetsInOneTransactionAfterOneCall()
            throws InterruptedException {
        final TransactionalAgent<StepProposalRequested, StepProposed> agent = proposer();
        joinGroup(agent, REQUESTS_0);
        consumer.commitSync(Map.of(REQUESTS_0, new OffsetAndMetadata(5)));
        final AtomicInteger calls = new AtomicInteger();
        backend.propose = task -> {
            calls.incrementAndGet();
            throw ModelCallException.notRetriable("HTTP 401 from http://llm/v1/chat/completions: invalid API key");
        };
        consumer.addRecord(request(5, "prompt-1/r5", 1));

        agent.pollAndProcess();
        // Nothing is redelivered: a second turn must not call the model again.
        agent.pollAndProcess();

        assertThat(calls).as("one call, no retries, batch not redone").hasValue(1);
        assertThat(producer.commitCount()).isEqualTo(1);
        assertThat(producer.transactionAborted()).isFalse();
        assertThat(producer.history()).singleElement().satisfies(record -> {
            assertThat(record.topic()).isEqualTo(TOPICS.stepsProposed().name());
            assertThat(record.key()).isEqualTo("prompt-1");
            final StepProposed step = (StepProposed) record.value();
            assertThat(step.getStepId()).isEqualTo("prompt-1/r5.0");
            assertThat(step.getText()).isEmpty();
            assertThat(step.getError()).isEqualTo("Model fake/test-v1 failed and retrying will not help: "
                    + "HTTP 401 from http://llm/v1/chat/completions: invalid API key");
        });
        assertThat(committedOffsets()).containsExactly(Map.of(REQUESTS_0, new OffsetAndMetadata(6)));
        assertThat(consumer.position(REQUESTS_0)).as("not rewound").isEqualTo(6);
    }

    @Test
    void aRetriableFailureStillRewindsTheWholeBatchWhenAnotherRecordFailedForGood() throws InterruptedException {
        final TransactionalAgent<StepProposalRequested, StepProposed> agent = proposer();
        joinGroup(agent, REQUESTS_0);
        consumer.commitSync(Map.of(REQUESTS_0, new OffsetAndMetadata(5)));
        backend.propose = task -> {
            if (task.stepId().startsWith("prompt-1/r5")) {
                throw ModelCallException.notRetriable("HTTP 404: model not found");
            }
            throw new ModelCallException("HTTP 503");
        };
        consumer.addRecord(request(5, "prompt-1/r5", 1));
        consumer.addRecord(request(6, "prompt-1/r6", 1));

        agent.pollAndProcess();

        assertThat(producer.commitCount()).isZero();
        assertThat(producer.history()).isEmpty();
        assertThat(committedOffsets()).isEmpty();
        assertThat(consumer.position(REQUESTS_0)).as("rewound to the committed offset").isEqualTo(5);
    }

    @Test
    void aModelFailureRetryingCannotFixThatEscapesAHandlerIsDeadLetteredNotRetried() throws InterruptedException {
        final AtomicInteger calls = new AtomicInteger();
        final AgentHandler<StepProposalRequested, StepProposed> direct = new AgentHandler<>() {
            @Override
            public Topic<StepProposalRequested> input() {
                return TOPICS.proposalRequests();
            }

            @Override
            public Topic<StepProposed> output() {
                return TOPICS.stepsProposed();
            }

            @Override
            public String promptId(final StepProposalRequested request) {
                return request.getPromptId();
            }

            @Override
            public List<StepProposed> handle(final StepProposalRequested request) {
                calls.incrementAndGet();
                throw ModelCallException.notRetriable("HTTP 401: invalid API key");
            }
        };
        final TransactionalAgent<StepProposalRequested, StepProposed> agent = new TransactionalAgent<>(
                new TransactionalAgent.Identity(AgentKind.PROPOSER, "p-0", "stepwise-proposer", backend.model()), direct,
                new AvroSerdes(registry).valueSerde(TOPICS.proposalRequests()).deserializer(),
                TOPICS.deadLetter(), consumer, producer, FAST, CLOCK);
        joinGroup(agent, REQUESTS_0);
        consumer.addRecord(request(0, "prompt-1/r0", 1));

        agent.pollAndProcess();

        assertThat(calls).hasValue(1);
        assertThat(producer.history()).singleElement()
                .satisfies(record -> assertThat(record.topic()).isEqualTo(TOPICS.deadLetter().name()));
        assertThat(committedOffsets()).containsExactly(Map.of(REQUESTS_0, new OffsetAndMetadata(1)));
    }

    @Test
    void aFailedCommitAbortsTheTransactionAndRewindsToTheCommittedOffset() throws InterruptedException {
        final TransactionalAgent<StepProposalRequested, StepProposed> agent = proposer();
        joinGroup(agent, REQUESTS_0);
        consumer.commitSync(Map.of(REQUESTS_0, new OffsetAndMetadata(3)));
        consumer.addRecord(request(3, "prompt-1/r3", 1));
        consumer.addRecord(request(4, "prompt-1/r4", 1));
        producer.commitTransactionException = new TimeoutException("coordinator did not answer");

        agent.pollAndProcess();

        assertThat(producer.transactionAborted()).isTrue();
        assertThat(producer.history()).isEmpty();
        assertThat(committedOffsets()).isEmpty();
        assertThat(consumer.position(REQUESTS_0)).as("rewound to the committed offset").isEqualTo(3);

        producer.commitTransactionException = null;
        consumer.addRecord(request(3, "prompt-1/r3", 1));
        consumer.addRecord(request(4, "prompt-1/r4", 1));
        agent.pollAndProcess();

        assertThat(stepIdsWritten()).containsExactly("prompt-1/r3.0", "prompt-1/r4.0");
        assertThat(committedOffsets()).containsExactly(Map.of(REQUESTS_0, new OffsetAndMetadata(5)));
    }

    @Test
    void aPartitionThatNeverCommittedIsRewoundToWhereTheFailedBatchStarted() throws InterruptedException {
        final TransactionalAgent<StepProposalRequested, StepProposed> agent = proposer();
        joinGroup(agent, REQUESTS_0);
        consumer.addRecord(request(0, "prompt-1/r0", 1));
        producer.commitTransactionException = new KafkaException("broker went away");

        agent.pollAndProcess();
        assertThat(consumer.position(REQUESTS_0)).isZero();
        producer.commitTransactionException = null;
        consumer.addRecord(request(0, "prompt-1/r0", 1));
        agent.pollAndProcess();

        assertThat(stepIdsWritten()).containsExactly("prompt-1/r0.0");
        assertThat(committedOffsets()).containsExactly(Map.of(REQUESTS_0, new OffsetAndMetadata(1)));
    }

    @Test
    void aRegistryOutageRetriesTheBatchInsteadOfDeadLetteringGoodRecords() throws InterruptedException {
        final AtomicBoolean registryDown = new AtomicBoolean(true);
        final SchemaRegistryClient flaky = new SchemaRegistryClient() {
            @Override
            public int register(final String subject, final Schema schema) {
                return registry.register(subject, schema);
            }

            @Override
            public Schema schemaById(final int id) {
                if (registryDown.get()) {
                    throw new SchemaRegistryException("connection refused", 503, 50301);
                }
                return registry.schemaById(id);
            }

            @Override
            public List<String> subjects() {
                return registry.subjects();
            }
        };
        final TransactionalAgent<StepProposalRequested, StepProposed> agent = proposer(flaky);
        joinGroup(agent, REQUESTS_0);
        consumer.addRecord(request(0, "prompt-1/r0", 1));

        agent.pollAndProcess();

        assertThat(producer.history()).isEmpty();
        registryDown.set(false);
        consumer.addRecord(request(0, "prompt-1/r0", 1));
        agent.pollAndProcess();

        assertThat(stepIdsWritten()).containsExactly("prompt-1/r0.0");
        assertThat(producer.history()).noneMatch(record -> record.topic().equals(TOPICS.deadLetter().name()));
    }

    @Test
    void anUnexpectedHandlerErrorDeadLettersTheRecordAndTheLoopGoesOn() throws InterruptedException {
        final TransactionalAgent<StepProposalRequested, StepProposed> agent = proposer();
        joinGroup(agent, REQUESTS_0);
        backend.propose = task -> {
            if (task.stepId().startsWith("prompt-1/r0")) {
                throw new IllegalStateException("backend bug");
            }
            return new ProposedStep("ok", false, null, 1);
        };
        consumer.addRecord(request(0, "prompt-1/r0", 1));
        consumer.addRecord(request(1, "prompt-1/r1", 1));

        agent.pollAndProcess();

        assertThat(producer.history()).extracting(ProducerRecord::topic)
                .containsExactly(TOPICS.deadLetter().name(), TOPICS.stepsProposed().name());
        assertThat(committedOffsets()).containsExactly(Map.of(REQUESTS_0, new OffsetAndMetadata(2)));
    }

    @Test
    void theVerifierSkipsErrorStepsButCommitsTheirOffsetsAndRejectsProblemsTheModelCannotRead() throws InterruptedException {
        final ModelCalls calls = new ModelCalls(backend, 8, 0, FAST);
        final TransactionalAgent<StepProposed, StepVerified> verifier = new TransactionalAgent<>(
                new TransactionalAgent.Identity(AgentKind.VERIFIER, "v-0", "stepwise-verifier", backend.model()),
                new VerifierHandler(TOPICS, calls, "v-0", CLOCK),
                new AvroSerdes(registry).valueSerde(TOPICS.stepsProposed()).deserializer(),
                TOPICS.deadLetter(), consumer, producer, FAST, CLOCK);
        joinGroup(verifier, STEPS_0);
        backend.verify = task -> {
            throw new dev.stepwise.models.ProblemNotUnderstoodException("only arithmetic chains");
        };
        final StepProposed errorStep = Events.proposedStep("prompt-1", "prompt-1/r0.0");
        errorStep.setText("");
        errorStep.setError("only arithmetic chains");
        consumer.addRecord(record(STEPS_0, 0, "prompt-1", errorStep));
        consumer.addRecord(record(STEPS_0, 1, "prompt-1", Events.proposedStep("prompt-1", "prompt-1/r0.1")));

        verifier.pollAndProcess();

        assertThat(producer.history()).singleElement().satisfies(record -> {
            final StepVerified verdict = (StepVerified) record.value();
            assertThat(verdict.getStepId()).isEqualTo("prompt-1/r0.1");
            assertThat(verdict.getVerdict()).hasToString("REJECTED");
            assertThat(verdict.getScore()).isZero();
            assertThat(verdict.getRationale()).isEqualTo("only arithmetic chains");
        });
        assertThat(committedOffsets()).containsExactly(Map.of(STEPS_0, new OffsetAndMetadata(2)));
    }

    @Test
    void theVerifierCommitsARejectedVerdictForAModelFailureRetryingCannotFixAfterOneCall() throws InterruptedException {
        final ModelCalls calls = new ModelCalls(backend, 8, 3, FAST);
        final TransactionalAgent<StepProposed, StepVerified> verifier = new TransactionalAgent<>(
                new TransactionalAgent.Identity(AgentKind.VERIFIER, "v-0", "stepwise-verifier", backend.model()),
                new VerifierHandler(TOPICS, calls, "v-0", CLOCK),
                new AvroSerdes(registry).valueSerde(TOPICS.stepsProposed()).deserializer(),
                TOPICS.deadLetter(), consumer, producer, FAST, CLOCK);
        joinGroup(verifier, STEPS_0);
        backend.verify = task -> {
            throw ModelCallException.notRetriable("HTTP 401: invalid API key");
        };
        consumer.addRecord(record(STEPS_0, 0, "prompt-1", Events.proposedStep("prompt-1", "prompt-1/r0.0")));

        verifier.pollAndProcess();

        assertThat(backend.tasks).hasSize(1);
        assertThat(producer.commitCount()).isEqualTo(1);
        assertThat(producer.history()).singleElement().satisfies(record -> {
            final StepVerified verdict = (StepVerified) record.value();
            assertThat(verdict.getStepId()).isEqualTo("prompt-1/r0.0");
            assertThat(verdict.getVerdict()).hasToString("REJECTED");
            assertThat(verdict.getScore()).isZero();
            assertThat(verdict.getRationale())
                    .isEqualTo("Model fake/test-v1 failed and retrying will not help: HTTP 401: invalid API key");
        });
        assertThat(committedOffsets()).containsExactly(Map.of(STEPS_0, new OffsetAndMetadata(1)));
    }

    @Test
    void aFencedProducerStopsTheAgentWithTheFailure() throws InterruptedException {
        final TransactionalAgent<StepProposalRequested, StepProposed> agent = proposer();
        consumer.schedulePollTask(() -> {
            consumer.rebalance(List.of(REQUESTS_0));
            consumer.updateBeginningOffsets(Map.of(REQUESTS_0, 0L));
            consumer.addRecord(request(0, "prompt-1/r0", 1));
            producer.fenceProducer();
        });

        agent.start();

        assertThat(agent.awaitTermination(Duration.ofSeconds(10))).isTrue();
        assertThat(agent.isRunning()).isFalse();
        assertThat(agent.failure()).containsInstanceOf(ProducerFencedException.class);
        assertThat(producer.history()).isEmpty();
        assertThat(producer.closed()).isTrue();
        assertThat(consumer.closed()).isTrue();
    }

    @Test
    void closeStopsARunningAgentAndClosesItsClients() throws InterruptedException {
        final TransactionalAgent<StepProposalRequested, StepProposed> agent = proposer();
        consumer.schedulePollTask(() -> {
            consumer.rebalance(List.of(REQUESTS_0));
            consumer.updateBeginningOffsets(Map.of(REQUESTS_0, 0L));
            consumer.addRecord(request(0, "prompt-1/r0", 2));
        });
        agent.start();
        assertThat(agent.awaitAssignment(Duration.ofSeconds(10))).isTrue();
        assertThat(agent.isRunning()).isTrue();

        agent.close(Duration.ofSeconds(10));

        assertThat(agent.awaitTermination(Duration.ZERO)).isTrue();
        assertThat(agent.isRunning()).isFalse();
        assertThat(agent.failure()).isEmpty();
        assertThat(producer.closed()).isTrue();
        assertThat(consumer.closed()).isTrue();
        assertThatThrownBy(agent::start).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void closingAnAgentThatNeverStartedClosesItsClients() {
        final TransactionalAgent<StepProposalRequested, StepProposed> agent = proposer();

        agent.close(Duration.ofSeconds(1));

        assertThat(producer.closed()).isTrue();
        assertThat(consumer.closed()).isTrue();
        assertThat(agent.assignment()).isEqualTo(Set.of());
    }
}
