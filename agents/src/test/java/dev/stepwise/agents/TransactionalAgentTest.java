package dev.stepwise.agents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stepwise.models.ModelCallException;
import dev.stepwise.models.ProblemNotUnderstoodException;
import dev.stepwise.models.ProposedStep;
import dev.stepwise.schemas.avro.DeadLetter;
import dev.stepwise.schemas.avro.StepProposalRequested;
import dev.stepwise.schemas.avro.StepProposed;
import dev.stepwise.schemas.avro.StepVerified;
import dev.stepwise.schemas.avro.VerificationKind;
import dev.stepwise.schemas.avro.VerificationRequested;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.Producer;
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
    private static final TopicPartition VERIFICATIONS_0 = new TopicPartition(TOPICS.verificationRequests().name(), 0);
    private static final Backoff FAST = new Backoff(Duration.ofMillis(1), Duration.ofMillis(2));
    /** Long enough for every record of a test to be handled and committed; the loop returns as soon as they are. */
    private static final Duration QUIET = Duration.ofSeconds(10);
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-26T12:00:00Z"), ZoneOffset.UTC);

    private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    private final FakeBackend backend = new FakeBackend();
    private final MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
    private final MockProducer<String, SpecificRecord> producer = mockProducer();
    /** Every producer the agent was given, {@link #producer} first, then its replacements. */
    private final List<MockProducer<String, SpecificRecord>> producersBuilt = new ArrayList<>();
    /** What the commit of every replacement producer throws, or null. */
    private RuntimeException replacementCommitFailure;

    private MockProducer<String, SpecificRecord> mockProducer() {
        return new MockProducer<>(true, null, new StringSerializer(), new ConfluentAvroSerializer<>(registry, false, 100));
    }

    /** {@link #producer} on the first call, a new producer on every call after it, as {@link Agents} builds them. */
    private Supplier<Producer<String, SpecificRecord>> producers() {
        return () -> {
            final MockProducer<String, SpecificRecord> next = producersBuilt.isEmpty() ? producer : mockProducer();
            if (!producersBuilt.isEmpty()) {
                next.commitTransactionException = replacementCommitFailure;
            }
            producersBuilt.add(next);
            return next;
        };
    }

    private TransactionalAgent<StepProposalRequested> proposer(final SchemaRegistryClient decodingRegistry) {
        final ModelCalls calls = new ModelCalls(backend, 8);
        return new TransactionalAgent<>(
                new TransactionalAgent.Identity(AgentKind.PROPOSER, "p-0", "stepwise-proposer", backend.model()),
                new ProposerHandler(TOPICS, calls, "p-0", CLOCK),
                new AvroSerdes(decodingRegistry).valueSerde(TOPICS.proposalRequests()).deserializer(),
                TOPICS.deadLetter(), consumer, producers(), 8, FAST, CLOCK);
    }

    private TransactionalAgent<StepProposalRequested> proposer() {
        return proposer(registry);
    }

    private TransactionalAgent<VerificationRequested> verifier() {
        return new TransactionalAgent<>(
                new TransactionalAgent.Identity(AgentKind.VERIFIER, "v-0", "stepwise-verifier", backend.model()),
                new VerifierHandler(TOPICS, new ModelCalls(backend, 8), "v-0", CLOCK),
                new AvroSerdes(registry).valueSerde(TOPICS.verificationRequests()).deserializer(),
                TOPICS.deadLetter(), consumer, producers(), 8, FAST, CLOCK);
    }

    /** Subscribes and takes partition 0, as the first poll of a real group member would. */
    private void joinGroup(final TransactionalAgent<?> agent, final TopicPartition partition) {
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

    private List<String> verificationIdsWritten() {
        return producer.history().stream()
                .filter(record -> record.topic().equals(TOPICS.verificationRequests().name()))
                .map(record -> ((VerificationRequested) record.value()).getRequestId())
                .toList();
    }

    /** The value of the first record written to {@code topic}. */
    private SpecificRecord valueOn(final String topic) {
        return producer.history().stream().filter(record -> record.topic().equals(topic)).findFirst().orElseThrow().value();
    }

    private List<Map<TopicPartition, OffsetAndMetadata>> committedOffsets() {
        return producer.consumerGroupOffsetsHistory().stream().flatMap(byGroup -> byGroup.values().stream()).toList();
    }

    @Test
    void stepsTheirVerificationRequestsAndTheOffsetsAreCommittedInOneTransaction() throws InterruptedException {
        final TransactionalAgent<StepProposalRequested> agent = proposer();
        joinGroup(agent, REQUESTS_0);
        consumer.addRecord(request(0, "prompt-1/r0", 2));
        consumer.addRecord(request(1, "prompt-1/r1", 3));

        agent.processUntilQuiet(QUIET);

        assertThat(stepIdsWritten()).containsExactlyInAnyOrder(
                "prompt-1/r0.0", "prompt-1/r0.1", "prompt-1/r1.0", "prompt-1/r1.1", "prompt-1/r1.2");
        assertThat(verificationIdsWritten()).containsExactlyInAnyOrder("prompt-1/r0.0/step", "prompt-1/r0.1/step",
                "prompt-1/r1.0/step", "prompt-1/r1.1/step", "prompt-1/r1.2/step");
        assertThat(producer.history()).extracting(ProducerRecord::key).containsOnly("prompt-1");
        assertThat(committedOffsets()).last().isEqualTo(Map.of(REQUESTS_0, new OffsetAndMetadata(2)));
        assertThat(agent.assignment()).containsExactly(REQUESTS_0);
    }

    /** The model blocks on the requests whose step ids start with {@code blockedPrefix} until {@code release} opens. */
    private void blockModelFor(final String blockedPrefix, final CountDownLatch release) {
        backend.propose = task -> {
            if (task.stepId().startsWith(blockedPrefix)) {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("cancelled", e);
                }
            }
            return new ProposedStep("step " + task.stepId(), false, null, 3);
        };
    }

    /** Turns the loop until {@code condition} holds, for at most {@link #QUIET}. */
    private static void turnUntil(final TransactionalAgent<?> agent, final BooleanSupplier condition) throws InterruptedException {
        final long deadline = System.nanoTime() + QUIET.toNanos();
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            agent.pollAndProcess();
        }
        assertThat(condition.getAsBoolean()).as("condition reached within " + QUIET).isTrue();
    }

    @Test
    void aSlowCallDelaysNeitherTheOutputsOfAFasterRecordNorThePollingOfNewWork() throws InterruptedException {
        final TransactionalAgent<StepProposalRequested> agent = proposer();
        joinGroup(agent, REQUESTS_0);
        final CountDownLatch slowCallReturns = new CountDownLatch(1);
        blockModelFor("prompt-1/r0", slowCallReturns);
        consumer.addRecord(request(0, "prompt-1/r0", 1));
        consumer.addRecord(request(1, "prompt-1/r1", 1));

        turnUntil(agent, () -> stepIdsWritten().contains("prompt-1/r1.0"));
        consumer.addRecord(request(2, "prompt-1/r2", 1));
        turnUntil(agent, () -> stepIdsWritten().contains("prompt-1/r2.0"));

        assertThat(stepIdsWritten()).containsExactly("prompt-1/r1.0", "prompt-1/r2.0");
        assertThat(verificationIdsWritten()).containsExactly("prompt-1/r1.0/step", "prompt-1/r2.0/step");
        assertThat(committedOffsets()).as("no offset passes the record still being handled")
                .allSatisfy(offsets -> assertThat(offsets.get(REQUESTS_0).offset()).isZero());
        assertThat(WrittenOffsets.decode(committedOffsets().getLast().get(REQUESTS_0)))
                .as("the commit names what was written past the offset").containsExactly(1L, 2L);

        slowCallReturns.countDown();
        agent.processUntilQuiet(QUIET);

        assertThat(stepIdsWritten()).as("each once").containsExactly("prompt-1/r1.0", "prompt-1/r2.0", "prompt-1/r0.0");
        assertThat(committedOffsets()).last().isEqualTo(Map.of(REQUESTS_0, new OffsetAndMetadata(3)));
    }

    @Test
    void withoutTheCommitMetadataARecordFinishedPastTheOffsetIsHandledAgainWithTheSameIds() throws InterruptedException {
        final TransactionalAgent<StepProposalRequested> first = proposer();
        joinGroup(first, REQUESTS_0);
        final CountDownLatch never = new CountDownLatch(1);
        blockModelFor("prompt-1/r0", never);
        consumer.addRecord(request(0, "prompt-1/r0", 1));
        consumer.addRecord(request(1, "prompt-1/r1", 1));
        turnUntil(first, () -> stepIdsWritten().contains("prompt-1/r1.0"));

        // The crash: r0's call is lost and no offset was committed, so both records come again.
        consumer.seek(REQUESTS_0, 0);
        backend.propose = task -> new ProposedStep("step " + task.stepId(), false, null, 3);
        consumer.addRecord(request(0, "prompt-1/r0", 1));
        consumer.addRecord(request(1, "prompt-1/r1", 1));
        first.processUntilQuiet(QUIET);

        assertThat(stepIdsWritten()).as("r1 twice with the same id, which the search drops as a duplicate")
                .containsExactlyInAnyOrder("prompt-1/r1.0", "prompt-1/r1.0", "prompt-1/r0.0");
        assertThat(committedOffsets()).last().isEqualTo(Map.of(REQUESTS_0, new OffsetAndMetadata(2)));
        never.countDown();
    }

    @Test
    void aRecordAFormerOwnerWrotePastTheCommittedOffsetIsSkippedNotRedone() throws InterruptedException {
        final TransactionalAgent<StepProposalRequested> agent = proposer();
        joinGroup(agent, REQUESTS_0);
        // What a former owner committed when r1 finished while r0 was still running; then the partition comes back.
        consumer.commitSync(Map.of(REQUESTS_0, new OffsetAndMetadata(0, WrittenOffsets.encode(0, List.of(1L)))));
        consumer.rebalance(List.of());
        consumer.rebalance(List.of(REQUESTS_0));
        consumer.addRecord(request(0, "prompt-1/r0", 1));
        consumer.addRecord(request(1, "prompt-1/r1", 1));
        consumer.addRecord(request(2, "prompt-1/r2", 1));

        agent.processUntilQuiet(QUIET);

        assertThat(stepIdsWritten()).containsExactlyInAnyOrder("prompt-1/r0.0", "prompt-1/r2.0");
        assertThat(committedOffsets()).last().isEqualTo(Map.of(REQUESTS_0, new OffsetAndMetadata(3)));
    }

    @Test
    void aFloodOfRequestsIsHandledAtMostMaxInFlightAtOnceWithThePartitionsPausedMeanwhile() throws InterruptedException {
        final int maxInFlight = 3;
        final int flood = 40;
        final AtomicInteger now = new AtomicInteger();
        final AtomicInteger peak = new AtomicInteger();
        final CountDownLatch release = new CountDownLatch(1);
        backend.propose = task -> {
            peak.accumulateAndGet(now.incrementAndGet(), Math::max);
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            now.decrementAndGet();
            return new ProposedStep("step " + task.stepId(), false, null, 3);
        };
        final TransactionalAgent<StepProposalRequested> agent = new TransactionalAgent<>(
                new TransactionalAgent.Identity(AgentKind.PROPOSER, "p-0", "stepwise-proposer", backend.model()),
                new ProposerHandler(TOPICS, new ModelCalls(backend, 64), "p-0", CLOCK),
                new AvroSerdes(registry).valueSerde(TOPICS.proposalRequests()).deserializer(),
                TOPICS.deadLetter(), consumer, producers(), maxInFlight, FAST, CLOCK);
        joinGroup(agent, REQUESTS_0);
        for (int i = 0; i < flood; i++) {
            consumer.addRecord(request(i, "prompt-1/r" + i, 1));
        }

        turnUntil(agent, () -> now.get() == maxInFlight);
        for (int i = 0; i < 20; i++) {
            agent.pollAndProcess();
        }
        assertThat(peak).as("calls at once").hasValue(maxInFlight);
        assertThat(consumer.paused()).as("paused while records wait").containsExactly(REQUESTS_0);

        release.countDown();
        agent.processUntilQuiet(QUIET);

        assertThat(stepIdsWritten()).hasSize(flood).doesNotHaveDuplicates();
        assertThat(agent.peakInFlight()).isEqualTo(maxInFlight);
        assertThat(peak).hasValue(maxInFlight);
        assertThat(consumer.paused()).as("resumed once drained").isEmpty();
        assertThat(committedOffsets()).last().isEqualTo(Map.of(REQUESTS_0, new OffsetAndMetadata(flood)));
    }

    @Test
    void anUndecodableRecordIsDeadLetteredWithItsBytesAndItsOffsetCommitted() throws InterruptedException {
        final TransactionalAgent<StepProposalRequested> agent = proposer();
        joinGroup(agent, REQUESTS_0);
        final byte[] garbage = "not avro at all".getBytes(StandardCharsets.UTF_8);
        consumer.addRecord(new ConsumerRecord<>(REQUESTS_0.topic(), 0, 0, "prompt-9".getBytes(StandardCharsets.UTF_8), garbage));
        consumer.addRecord(request(1, "prompt-1/r1", 1));

        agent.processUntilQuiet(QUIET);

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
        assertThat(committedOffsets()).last().isEqualTo(Map.of(REQUESTS_0, new OffsetAndMetadata(2)));
    }

    @Test
    void anUnusableRequestIsDeadLetteredWithItsReason() throws InterruptedException {
        final TransactionalAgent<StepProposalRequested> agent = proposer();
        joinGroup(agent, REQUESTS_0);
        consumer.addRecord(request(0, "prompt-1/r0", 0));

        agent.processUntilQuiet(QUIET);

        assertThat(producer.history()).singleElement().satisfies(record -> {
            assertThat(record.topic()).isEqualTo(TOPICS.deadLetter().name());
            assertThat(((DeadLetter) record.value()).getErrorType()).isEqualTo("invalid-samples");
        });
        assertThat(committedOffsets()).last().isEqualTo(Map.of(REQUESTS_0, new OffsetAndMetadata(1)));
    }

    @Test
    void aModelStillFailingAfterItsRetriesWritesNothingForItsRequestAndTheBatchIsCommittedNotRedone()
            throws InterruptedException {
        final TransactionalAgent<StepProposalRequested> agent = proposer();
        joinGroup(agent, REQUESTS_0);
        consumer.commitSync(Map.of(REQUESTS_0, new OffsetAndMetadata(5)));
        final AtomicBoolean modelDown = new AtomicBoolean(true);
        final AtomicInteger calls = new AtomicInteger();
        backend.propose = task -> {
            calls.incrementAndGet();
            if (modelDown.get() && task.stepId().startsWith("prompt-1/r5")) {
                throw new ModelCallException("HTTP 503 (gave up after 4 attempts)");
            }
            return new ProposedStep("step " + task.stepId(), false, null, 2);
        };
        consumer.addRecord(request(5, "prompt-1/r5", 2));
        consumer.addRecord(request(6, "prompt-1/r6", 1));

        agent.processUntilQuiet(QUIET);
        agent.processUntilQuiet(QUIET);

        assertThat(calls).as("one call for r5 (the backend retried it), one for r6; nothing called again").hasValue(2);
        assertThat(stepIdsWritten()).containsExactly("prompt-1/r6.0");
        assertThat(producer.transactionAborted()).isFalse();
        assertThat(committedOffsets()).last().isEqualTo(Map.of(REQUESTS_0, new OffsetAndMetadata(7)));

        // The search's timeout for r5 fires and it asks again with the same request id.
        modelDown.set(false);
        consumer.addRecord(request(7, "prompt-1/r5", 2));
        agent.processUntilQuiet(QUIET);

        assertThat(stepIdsWritten()).containsExactly("prompt-1/r6.0", "prompt-1/r5.0", "prompt-1/r5.1");
        assertThat(verificationIdsWritten()).containsExactly("prompt-1/r6.0/step", "prompt-1/r5.0/step",
                "prompt-1/r5.1/step");
        assertThat(committedOffsets()).contains(Map.of(REQUESTS_0, new OffsetAndMetadata(7)))
                .last().isEqualTo(Map.of(REQUESTS_0, new OffsetAndMetadata(8)));
    }

    @Test
    void aModelFailureRetryingCannotFixCommitsTheErrorStepAndTheOffsetsInOneTransactionAfterOneCall()
            throws InterruptedException {
        final TransactionalAgent<StepProposalRequested> agent = proposer();
        joinGroup(agent, REQUESTS_0);
        consumer.commitSync(Map.of(REQUESTS_0, new OffsetAndMetadata(5)));
        final AtomicInteger calls = new AtomicInteger();
        backend.propose = task -> {
            calls.incrementAndGet();
            throw ModelCallException.notRetriable("HTTP 401 from http://llm/v1/chat/completions: invalid API key");
        };
        consumer.addRecord(request(5, "prompt-1/r5", 1));

        agent.processUntilQuiet(QUIET);
        // Nothing is redelivered: a second turn must not call the model again.
        agent.processUntilQuiet(QUIET);

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
        assertThat(committedOffsets()).last().isEqualTo(Map.of(REQUESTS_0, new OffsetAndMetadata(6)));
        assertThat(consumer.position(REQUESTS_0)).as("not rewound").isEqualTo(6);
    }

    @Test
    void aFailureRetryingCannotFixIsAnsweredWhileAnotherThatGaveUpWritesNothingAndBothOffsetsAreCommitted()
            throws InterruptedException {
        final TransactionalAgent<StepProposalRequested> agent = proposer();
        joinGroup(agent, REQUESTS_0);
        consumer.commitSync(Map.of(REQUESTS_0, new OffsetAndMetadata(5)));
        backend.propose = task -> {
            if (task.stepId().startsWith("prompt-1/r5")) {
                throw ModelCallException.notRetriable("HTTP 404: model not found");
            }
            throw new ModelCallException("HTTP 503 (gave up after 4 attempts)");
        };
        consumer.addRecord(request(5, "prompt-1/r5", 1));
        consumer.addRecord(request(6, "prompt-1/r6", 1));

        agent.processUntilQuiet(QUIET);

        assertThat(producer.history()).singleElement().satisfies(record ->
                assertThat(((StepProposed) record.value()).getError()).contains("HTTP 404: model not found"));
        assertThat(committedOffsets()).last().isEqualTo(Map.of(REQUESTS_0, new OffsetAndMetadata(7)));
    }

    @Test
    void aRetriableModelFailureThatEscapesAHandlerIsRetriedForThatRecordAloneAsASafetyNet() throws InterruptedException {
        final AtomicInteger calls = new AtomicInteger();
        final AgentHandler<StepProposalRequested> direct = new AgentHandler<>() {
            @Override
            public Topic<StepProposalRequested> input() {
                return TOPICS.proposalRequests();
            }

            @Override
            public List<Topic<?>> outputs() {
                return List.of(TOPICS.stepsProposed());
            }

            @Override
            public String promptId(final StepProposalRequested request) {
                return request.getPromptId();
            }

            @Override
            public List<AgentHandler.Output<?>> handle(final StepProposalRequested request) throws InterruptedException {
                if (calls.incrementAndGet() < 3) {
                    throw new ModelCallException("HTTP 503 from a handler that calls the model without ModelCalls");
                }
                return new ProposerHandler(TOPICS, new ModelCalls(backend, 8), "p-0", CLOCK).handle(request);
            }
        };
        final TransactionalAgent<StepProposalRequested> agent = new TransactionalAgent<>(
                new TransactionalAgent.Identity(AgentKind.PROPOSER, "p-0", "stepwise-proposer", backend.model()), direct,
                new AvroSerdes(registry).valueSerde(TOPICS.proposalRequests()).deserializer(),
                TOPICS.deadLetter(), consumer, producers(), 8, FAST, CLOCK);
        joinGroup(agent, REQUESTS_0);
        consumer.commitSync(Map.of(REQUESTS_0, new OffsetAndMetadata(5)));
        consumer.addRecord(request(5, "prompt-1/r5", 1));
        consumer.addRecord(request(6, "prompt-1/r6", 1));

        agent.processUntilQuiet(QUIET);

        assertThat(calls).as("r5 twice in vain, then r5 or r6 once each").hasValue(4);
        assertThat(stepIdsWritten()).containsExactlyInAnyOrder("prompt-1/r5.0", "prompt-1/r6.0");
        assertThat(producer.transactionAborted()).as("nothing redone through the transaction").isFalse();
        assertThat(committedOffsets()).last().isEqualTo(Map.of(REQUESTS_0, new OffsetAndMetadata(7)));
    }

    @Test
    void aModelFailureRetryingCannotFixThatEscapesAHandlerIsDeadLetteredNotRetried() throws InterruptedException {
        final AtomicInteger calls = new AtomicInteger();
        final AgentHandler<StepProposalRequested> direct = new AgentHandler<>() {
            @Override
            public Topic<StepProposalRequested> input() {
                return TOPICS.proposalRequests();
            }

            @Override
            public List<Topic<?>> outputs() {
                return List.of(TOPICS.stepsProposed());
            }

            @Override
            public String promptId(final StepProposalRequested request) {
                return request.getPromptId();
            }

            @Override
            public List<AgentHandler.Output<?>> handle(final StepProposalRequested request) {
                calls.incrementAndGet();
                throw ModelCallException.notRetriable("HTTP 401: invalid API key");
            }
        };
        final TransactionalAgent<StepProposalRequested> agent = new TransactionalAgent<>(
                new TransactionalAgent.Identity(AgentKind.PROPOSER, "p-0", "stepwise-proposer", backend.model()), direct,
                new AvroSerdes(registry).valueSerde(TOPICS.proposalRequests()).deserializer(),
                TOPICS.deadLetter(), consumer, producers(), 8, FAST, CLOCK);
        joinGroup(agent, REQUESTS_0);
        consumer.addRecord(request(0, "prompt-1/r0", 1));

        agent.processUntilQuiet(QUIET);

        assertThat(calls).hasValue(1);
        assertThat(producer.history()).singleElement()
                .satisfies(record -> assertThat(record.topic()).isEqualTo(TOPICS.deadLetter().name()));
        assertThat(committedOffsets()).last().isEqualTo(Map.of(REQUESTS_0, new OffsetAndMetadata(1)));
    }

    @Test
    void aFailedCommitAbortsTheStepsAndTheirVerificationRequestsTogetherAndRewindsToTheCommittedOffset()
            throws InterruptedException {
        final TransactionalAgent<StepProposalRequested> agent = proposer();
        joinGroup(agent, REQUESTS_0);
        consumer.commitSync(Map.of(REQUESTS_0, new OffsetAndMetadata(3)));
        consumer.addRecord(request(3, "prompt-1/r3", 1));
        consumer.addRecord(request(4, "prompt-1/r4", 1));
        producer.commitTransactionException = new TimeoutException("coordinator did not answer");

        agent.processUntilQuiet(QUIET);

        assertThat(producer.transactionAborted()).isTrue();
        assertThat(producer.history()).as("neither the steps nor their verification requests").isEmpty();
        assertThat(committedOffsets()).isEmpty();
        assertThat(consumer.position(REQUESTS_0)).as("rewound to the committed offset").isEqualTo(3);

        producer.commitTransactionException = null;
        consumer.addRecord(request(3, "prompt-1/r3", 1));
        consumer.addRecord(request(4, "prompt-1/r4", 1));
        agent.processUntilQuiet(QUIET);

        assertThat(stepIdsWritten()).containsExactlyInAnyOrder("prompt-1/r3.0", "prompt-1/r4.0");
        assertThat(verificationIdsWritten()).containsExactlyInAnyOrder("prompt-1/r3.0/step", "prompt-1/r4.0/step");
        assertThat(committedOffsets()).last().isEqualTo(Map.of(REQUESTS_0, new OffsetAndMetadata(5)));
    }

    @Test
    void aPartitionThatNeverCommittedIsRewoundToWhereTheFailedBatchStarted() throws InterruptedException {
        final TransactionalAgent<StepProposalRequested> agent = proposer();
        joinGroup(agent, REQUESTS_0);
        consumer.addRecord(request(0, "prompt-1/r0", 1));
        producer.commitTransactionException = new KafkaException("broker went away");

        agent.processUntilQuiet(QUIET);
        assertThat(consumer.position(REQUESTS_0)).isZero();
        producer.commitTransactionException = null;
        consumer.addRecord(request(0, "prompt-1/r0", 1));
        agent.processUntilQuiet(QUIET);

        assertThat(stepIdsWritten()).containsExactly("prompt-1/r0.0");
        assertThat(committedOffsets()).last().isEqualTo(Map.of(REQUESTS_0, new OffsetAndMetadata(1)));
    }

    @Test
    void aRegistryOutageKeepsTheRecordInFlightUntilItCanBeDecodedInsteadOfDeadLetteringIt() throws InterruptedException {
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
        final TransactionalAgent<StepProposalRequested> agent = proposer(flaky);
        joinGroup(agent, REQUESTS_0);
        consumer.addRecord(request(0, "prompt-1/r0", 1));

        for (int i = 0; i < 20; i++) {
            agent.pollAndProcess();
        }

        assertThat(producer.history()).as("neither a dead letter nor a step while the registry is down").isEmpty();
        assertThat(committedOffsets()).isEmpty();
        registryDown.set(false);
        agent.processUntilQuiet(QUIET);

        assertThat(stepIdsWritten()).containsExactly("prompt-1/r0.0");
        assertThat(producer.history()).noneMatch(record -> record.topic().equals(TOPICS.deadLetter().name()));
        assertThat(committedOffsets()).last().isEqualTo(Map.of(REQUESTS_0, new OffsetAndMetadata(1)));
    }

    @Test
    void anUnexpectedHandlerErrorDeadLettersTheRecordAndTheLoopGoesOn() throws InterruptedException {
        final TransactionalAgent<StepProposalRequested> agent = proposer();
        joinGroup(agent, REQUESTS_0);
        backend.propose = task -> {
            if (task.stepId().startsWith("prompt-1/r0")) {
                throw new IllegalStateException("backend bug");
            }
            return new ProposedStep("ok", false, null, 1);
        };
        consumer.addRecord(request(0, "prompt-1/r0", 1));
        consumer.addRecord(request(1, "prompt-1/r1", 1));

        agent.processUntilQuiet(QUIET);

        assertThat(producer.history()).extracting(ProducerRecord::topic).containsExactlyInAnyOrder(
                TOPICS.deadLetter().name(), TOPICS.stepsProposed().name(), TOPICS.verificationRequests().name());
        assertThat(committedOffsets()).last().isEqualTo(Map.of(REQUESTS_0, new OffsetAndMetadata(2)));
    }

    @Test
    void theVerifierDeadLettersAKindItCannotNameAndRejectsProblemsTheModelCannotReadInOneTransaction()
            throws InterruptedException {
        final TransactionalAgent<VerificationRequested> verifier = verifier();
        joinGroup(verifier, VERIFICATIONS_0);
        backend.verify = task -> {
            throw new ProblemNotUnderstoodException("only arithmetic chains");
        };
        final VerificationRequested novel = Events.verificationRequest("prompt-1", "prompt-1/r0.0", VerificationKind.UNKNOWN);
        consumer.addRecord(record(VERIFICATIONS_0, 0, "prompt-1", novel));
        consumer.addRecord(record(VERIFICATIONS_0, 1, "prompt-1",
                Events.verificationRequest("prompt-1", "prompt-1/r0.1", VerificationKind.STEP)));

        verifier.processUntilQuiet(QUIET);

        assertThat(producer.history()).extracting(ProducerRecord::topic)
                .containsExactlyInAnyOrder(TOPICS.deadLetter().name(), TOPICS.stepsVerified().name());
        assertThat(valueOn(TOPICS.deadLetter().name())).isInstanceOfSatisfying(DeadLetter.class, letter -> {
            assertThat(letter.getErrorType()).isEqualTo("unknown-verification-kind");
            assertThat(letter.getComponent()).isEqualTo("verifier");
            assertThat(letter.getOffset()).isZero();
        });
        assertThat(valueOn(TOPICS.stepsVerified().name())).isInstanceOfSatisfying(StepVerified.class, verdict -> {
            assertThat(verdict.getStepId()).isEqualTo("prompt-1/r0.1");
            assertThat(verdict.getRequestId()).isEqualTo("prompt-1/r0.1/step");
            assertThat(verdict.getVerdict()).hasToString("REJECTED");
            assertThat(verdict.getScore()).isZero();
            assertThat(verdict.getRationale()).isEqualTo("only arithmetic chains");
        });
        assertThat(committedOffsets()).last().isEqualTo(Map.of(VERIFICATIONS_0, new OffsetAndMetadata(2)));
    }

    @Test
    void theVerifierCommitsARejectedVerdictForAModelFailureRetryingCannotFixAfterOneCall() throws InterruptedException {
        final TransactionalAgent<VerificationRequested> verifier = verifier();
        joinGroup(verifier, VERIFICATIONS_0);
        backend.verify = task -> {
            throw ModelCallException.notRetriable("HTTP 401: invalid API key");
        };
        consumer.addRecord(record(VERIFICATIONS_0, 0, "prompt-1", Events.outcomeRequest("prompt-1", "prompt-1/r0.0")));

        verifier.processUntilQuiet(QUIET);

        assertThat(backend.tasks).hasSize(1);
        assertThat(producer.commitCount()).isEqualTo(1);
        assertThat(producer.history()).singleElement().satisfies(record -> {
            assertThat(record.topic()).isEqualTo(TOPICS.stepsVerified().name());
            final StepVerified verdict = (StepVerified) record.value();
            assertThat(verdict.getStepId()).isEqualTo("prompt-1/r0.0");
            assertThat(verdict.getKind()).isEqualTo(VerificationKind.OUTCOME);
            assertThat(verdict.getRequestId()).isEqualTo("prompt-1/r0.0/outcome");
            assertThat(verdict.getVerdict()).hasToString("REJECTED");
            assertThat(verdict.getScore()).isZero();
            assertThat(verdict.getRationale())
                    .isEqualTo("Model fake/test-v1 failed and retrying will not help: HTTP 401: invalid API key");
        });
        assertThat(committedOffsets()).last().isEqualTo(Map.of(VERIFICATIONS_0, new OffsetAndMetadata(1)));
    }

    /**
     * What a broker outage longer than the transaction timeout does: the coordinator aborts the open
     * transaction and bumps the epoch, so the commit fails as fenced. (This used to stop the agent for
     * good, and every search then waited for verdicts that never came.)
     */
    @Test
    void aFencedProducerIsReplacedAndTheBatchIsRedoneFromTheCommittedOffset() throws InterruptedException {
        final TransactionalAgent<StepProposalRequested> agent = proposer();
        joinGroup(agent, REQUESTS_0);
        consumer.commitSync(Map.of(REQUESTS_0, new OffsetAndMetadata(3)));
        consumer.addRecord(request(3, "prompt-1/r3", 1));
        producer.commitTransactionException = new ProducerFencedException("epoch bumped by a coordinator-side abort");

        agent.processUntilQuiet(QUIET);

        assertThat(producer.history()).isEmpty();
        consumer.addRecord(request(3, "prompt-1/r3", 1));
        agent.processUntilQuiet(QUIET);

        assertThat(producer.closed()).as("the fenced producer").isTrue();

        assertThat(producersBuilt).hasSize(2);
        final MockProducer<String, SpecificRecord> replacement = producersBuilt.get(1);
        assertThat(replacement.transactionInitialized()).isTrue();
        assertThat(replacement.history()).extracting(ProducerRecord::topic)
                .containsExactly(TOPICS.stepsProposed().name(), TOPICS.verificationRequests().name());
        assertThat(replacement.consumerGroupOffsetsHistory()).flatExtracting(Map::values)
                .containsExactly(Map.of(REQUESTS_0, new OffsetAndMetadata(4)));
        assertThat(agent.failure()).isEmpty();
    }

    @Test
    void anAbortThatFailsAfterACommitTimedOutReplacesTheProducerInsteadOfStoppingTheAgent() throws InterruptedException {
        final TransactionalAgent<StepProposalRequested> agent = proposer();
        joinGroup(agent, REQUESTS_0);
        consumer.addRecord(request(0, "prompt-1/r0", 1));
        producer.commitTransactionException = new TimeoutException("coordinator did not answer");
        // What KafkaProducer says when asked to abort after its commit timed out.
        producer.abortTransactionException = new IllegalStateException("the previous call to `commitTransaction` timed out");

        agent.processUntilQuiet(QUIET);
        consumer.addRecord(request(0, "prompt-1/r0", 1));
        agent.processUntilQuiet(QUIET);

        assertThat(producersBuilt).hasSize(2);
        assertThat(producer.closed()).isTrue();
        assertThat(producersBuilt.get(1).history()).hasSize(2);
        assertThat(agent.failure()).isEmpty();
    }

    @Test
    void aProducerFencedOverAndOverWithNoCommitStopsTheAgentWithTheFailure() throws InterruptedException {
        final TransactionalAgent<StepProposalRequested> agent = proposer();
        replacementCommitFailure = new ProducerFencedException("another live instance with this transactional id");
        producer.commitTransactionException = replacementCommitFailure;
        consumer.schedulePollTask(() -> {
            consumer.rebalance(List.of(REQUESTS_0));
            consumer.updateBeginningOffsets(Map.of(REQUESTS_0, 0L));
            consumer.addRecord(request(0, "prompt-1/r0", 1));
        });
        for (int i = 0; i < 2 * TransactionalWriter.MAX_FENCINGS_IN_A_ROW; i++) {
            // The loop rewinds after every failure, so the record is polled again each time.
            consumer.schedulePollTask(() -> consumer.addRecord(request(0, "prompt-1/r0", 1)));
        }

        agent.start();

        assertThat(agent.awaitTermination(Duration.ofSeconds(10))).isTrue();
        assertThat(agent.failure()).containsInstanceOf(ProducerFencedException.class);
        assertThat(producersBuilt).hasSize(TransactionalWriter.MAX_FENCINGS_IN_A_ROW)
                .allSatisfy(p -> assertThat(p.closed()).isTrue())
                .allSatisfy(p -> assertThat(p.history()).isEmpty());
        assertThat(consumer.closed()).isTrue();
    }

    @Test
    void closeStopsARunningAgentAndClosesItsClients() throws InterruptedException {
        final TransactionalAgent<StepProposalRequested> agent = proposer();
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
        final TransactionalAgent<StepProposalRequested> agent = proposer();

        agent.close(Duration.ofSeconds(1));

        assertThat(producer.closed()).isTrue();
        assertThat(consumer.closed()).isTrue();
        assertThat(agent.assignment()).isEqualTo(Set.of());
    }
}
