package dev.stepwise.agents;

import static dev.stepwise.agents.AgentItSupport.WAIT;
import static dev.stepwise.agents.AgentItSupport.awaitAllConsumed;
import static dev.stepwise.agents.AgentItSupport.committed;
import static dev.stepwise.agents.AgentItSupport.config;
import static dev.stepwise.agents.AgentItSupport.readCommitted;
import static dev.stepwise.agents.AgentItSupport.readUncommitted;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stepwise.infra.testing.SharedInfra;
import dev.stepwise.models.ProposedStep;
import dev.stepwise.schemas.avro.StepProposalRequested;
import dev.stepwise.schemas.avro.StepProposed;
import dev.stepwise.schemas.avro.VerificationKind;
import dev.stepwise.schemas.avro.VerificationPlan;
import dev.stepwise.schemas.avro.VerificationRequested;
import dev.stepwise.schemas.serde.AvroSerdes;
import dev.stepwise.schemas.serde.ConfluentAvroSerializer;
import dev.stepwise.schemas.topics.Topics;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A proposer writes its steps and the verification requests for them in one transaction, on the real broker: a
 * read_committed reader sees both or neither, also when the proposer dies between writing and committing.
 */
@ExtendWith(SharedInfra.class)
@Timeout(180)
class ProposerTransactionIT {

    private final FakeBackend backend = new FakeBackend();

    private static StepProposalRequested request(final int prompt, final VerificationPlan plan) {
        return Events.proposalRequest("prompt-" + prompt, "prompt-" + prompt + "/r0", 2, plan);
    }

    private static List<String> stepIds(final List<ConsumerRecord<String, StepProposed>> records) {
        return records.stream().map(record -> record.value().getStepId()).toList();
    }

    private static List<String> requestIds(final List<ConsumerRecord<String, VerificationRequested>> records) {
        return records.stream().map(record -> record.value().getRequestId()).toList();
    }

    @Test
    void readCommittedReadersSeeEveryStepWithTheVerificationRequestsItsPlanAskedFor() throws InterruptedException {
        final Topics topics = SharedInfra.freshTopics("proposer-steps-and-verifications");
        final AgentConfig config = config(topics, "p-atomic", Map.of());
        // Sample 1 ends its chain, so the OUTCOME plan has something to ask about.
        backend.propose = task -> task.stepId().endsWith(".1")
                ? new ProposedStep("2 + 12 = 14; answer: 14", true, "14", 4)
                : new ProposedStep("step " + task.stepId(), false, null, 3);
        try (Agent proposer = Agents.create(AgentKind.PROPOSER, config, backend, SharedInfra.registryClient());
             AgentItSupport.Writer writer = new AgentItSupport.Writer()) {
            proposer.start();
            assertThat(proposer.awaitAssignment(WAIT)).isTrue();

            final List<VerificationPlan> plans = List.of(VerificationPlan.STEP, VerificationPlan.OUTCOME, VerificationPlan.NONE);
            for (int i = 0; i < 9; i++) {
                writer.send(topics.proposalRequests(), "prompt-" + i, request(i, plans.get(i % 3)));
            }
            awaitAllConsumed(config.groupId(AgentKind.PROPOSER), topics.proposalRequests());

            final List<ConsumerRecord<String, StepProposed>> steps = readCommitted(topics.stepsProposed());
            final List<ConsumerRecord<String, VerificationRequested>> verifications = readCommitted(topics.verificationRequests());
            assertThat(stepIds(steps)).containsExactlyInAnyOrderElementsOf(IntStream.range(0, 9).boxed()
                    .flatMap(i -> IntStream.range(0, 2).mapToObj(s -> "prompt-" + i + "/r0." + s)).toList());
            assertThat(requestIds(verifications)).containsExactlyInAnyOrder(
                    "prompt-0/r0.0/step", "prompt-0/r0.1/step", "prompt-1/r0.1/outcome",
                    "prompt-3/r0.0/step", "prompt-3/r0.1/step", "prompt-4/r0.1/outcome",
                    "prompt-6/r0.0/step", "prompt-6/r0.1/step", "prompt-7/r0.1/outcome");
            // Same key and partition count: a step and its verification request share a partition number, so the
            // topology meets them (and the verdict) on one task.
            assertThat(verifications).allSatisfy(verification -> {
                final ConsumerRecord<String, StepProposed> step = steps.stream()
                        .filter(record -> record.value().getStepId().equals(verification.value().getStepId()))
                        .findFirst().orElseThrow();
                assertThat(verification.key()).isEqualTo(step.key());
                assertThat(verification.partition()).isEqualTo(step.partition());
                assertThat(verification.value().getText()).isEqualTo(step.value().getText());
            });
            assertThat(verifications).filteredOn(record -> record.value().getKind() == VerificationKind.OUTCOME)
                    .allSatisfy(record -> assertThat(record.value().getAnswer()).isEqualTo("14"));
            assertThat(proposer.failure()).isEmpty();
        }
    }

    @Test
    void aProposerThatDiesBeforeItsCommitLeavesNeitherStepsNorVerificationRequestsAndItsRestartWritesBothOnce()
            throws InterruptedException, ExecutionException {
        final Topics topics = SharedInfra.freshTopics("proposer-dies-before-commit");
        // A transaction timeout far longer than the test: the dead proposer's transaction is ended by the restart's
        // fencing, not by the broker timing it out.
        final AgentConfig config = config(topics, "p-crash", Map.of(AgentConfig.TRANSACTION_TIMEOUT_MS, 120_000));
        try (AgentItSupport.Writer writer = new AgentItSupport.Writer()) {
            for (int i = 0; i < 3; i++) {
                writer.send(topics.proposalRequests(), "prompt-" + i, request(i, VerificationPlan.STEP));
            }
            final DiesBeforeCommit dying = new DiesBeforeCommit(config.producerProperties(AgentKind.PROPOSER));
            final Agent first = proposerWith(config, dying);
            first.start();
            assertThat(dying.died.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
            assertThat(first.awaitTermination(WAIT)).isTrue();
            assertThat(first.failure()).isPresent();

            // Written, inside a transaction that is still open: on the broker, but visible to no read_committed reader.
            assertThat(readUncommitted(topics.stepsProposed())).isNotEmpty();
            assertThat(readUncommitted(topics.verificationRequests())).isNotEmpty();
            assertThat(readCommitted(topics.stepsProposed())).isEmpty();
            assertThat(readCommitted(topics.verificationRequests())).isEmpty();
            assertThat(committed(config.groupId(AgentKind.PROPOSER), topics.proposalRequests())).isZero();

            // The restart has the same transactional id: it fences the dead incarnation, which aborts its transaction.
            try (Agent second = Agents.create(AgentKind.PROPOSER, config, backend, SharedInfra.registryClient())) {
                second.start();
                awaitAllConsumed(config.groupId(AgentKind.PROPOSER), topics.proposalRequests());

                final List<String> expectedSteps = IntStream.range(0, 3).boxed()
                        .flatMap(i -> IntStream.range(0, 2).mapToObj(s -> "prompt-" + i + "/r0." + s)).toList();
                assertThat(stepIds(readCommitted(topics.stepsProposed()))).containsExactlyInAnyOrderElementsOf(expectedSteps);
                assertThat(requestIds(readCommitted(topics.verificationRequests())))
                        .containsExactlyInAnyOrderElementsOf(expectedSteps.stream().map(id -> id + "/step").toList());
                // What the dead incarnation wrote is still in the log, aborted: read_uncommitted sees it twice.
                assertThat(stepIds(readUncommitted(topics.stepsProposed())))
                        .hasSizeGreaterThan(expectedSteps.size()).isSubsetOf(expectedSteps);
                assertThat(second.failure()).isEmpty();
            }
        }
    }

    /**
     * What a broker outage longer than the transaction timeout does to an agent that had a transaction
     * open: the coordinator aborts that transaction and bumps the producer's epoch, so the commit that
     * comes after fails as fenced although no other incarnation exists. Here the agent is cut off by a
     * commit that stalls past the timeout instead of by a dead broker; the broker's answer is the same.
     * The agent must replace its producer, redo the batch from the committed offsets and write every
     * step once; it used to stop for good, and every search then waited for work that never came.
     */
    @Test
    void aTransactionTheBrokerTimedOutIsRedoneByANewProducerAndEveryStepIsWrittenOnce()
            throws InterruptedException, ExecutionException {
        final Topics topics = SharedInfra.freshTopics("proposer-transaction-timed-out");
        final AgentConfig config = config(topics, "p-timed-out", Map.of(AgentConfig.TRANSACTION_TIMEOUT_MS, 1_000));
        try (AgentItSupport.Writer writer = new AgentItSupport.Writer()) {
            for (int i = 0; i < 3; i++) {
                writer.send(topics.proposalRequests(), "prompt-" + i, request(i, VerificationPlan.STEP));
            }
            final Map<String, Object> properties = config.producerProperties(AgentKind.PROPOSER);
            final List<KafkaProducer<String, SpecificRecord>> built = new ArrayList<>();
            // The broker looks for timed-out transactions every 10 s by default: stall well past that.
            final Supplier<Producer<String, SpecificRecord>> producers = () -> {
                final KafkaProducer<String, SpecificRecord> next = built.isEmpty()
                        ? new StallsBeforeCommit(properties, Duration.ofSeconds(14)) : producer(properties);
                built.add(next);
                return next;
            };
            try (Agent proposer = proposerWith(config, producers)) {
                proposer.start();
                awaitAllConsumed(config.groupId(AgentKind.PROPOSER), topics.proposalRequests());

                final List<String> expectedSteps = IntStream.range(0, 3).boxed()
                        .flatMap(i -> IntStream.range(0, 2).mapToObj(s -> "prompt-" + i + "/r0." + s)).toList();
                assertThat(stepIds(readCommitted(topics.stepsProposed()))).containsExactlyInAnyOrderElementsOf(expectedSteps);
                assertThat(requestIds(readCommitted(topics.verificationRequests())))
                        .containsExactlyInAnyOrderElementsOf(expectedSteps.stream().map(id -> id + "/step").toList());
                assertThat(built).as("the stalled producer and its replacement").hasSize(2);
                assertThat(proposer.failure()).isEmpty();
                assertThat(proposer.isRunning()).isTrue();
            }
        }
    }

    private static KafkaProducer<String, SpecificRecord> producer(final Map<String, Object> properties) {
        return new KafkaProducer<>(properties, new StringSerializer(),
                new ConfluentAvroSerializer<>(SharedInfra.registryClient(), false, AvroSerdes.DEFAULT_CACHE_SIZE));
    }

    /** A proposer built like {@link Agents#create} builds one, but on the given producer. */
    private Agent proposerWith(final AgentConfig config, final KafkaProducer<String, SpecificRecord> producer) {
        return proposerWith(config, () -> producer);
    }

    /** A proposer built like {@link Agents#create} builds one, but on the given producers. */
    private Agent proposerWith(final AgentConfig config, final Supplier<Producer<String, SpecificRecord>> producers) {
        final ModelCalls calls = new ModelCalls(backend, config.maxInFlight());
        return new TransactionalAgent<>(
                new TransactionalAgent.Identity(AgentKind.PROPOSER, config.instanceId(), config.groupId(AgentKind.PROPOSER),
                        calls.model()),
                new ProposerHandler(config.topics(), calls, config.instanceId(), Clock.systemUTC()),
                new AvroSerdes(SharedInfra.registryClient()).valueSerde(config.topics().proposalRequests()).deserializer(),
                config.topics().deadLetter(),
                new KafkaConsumer<>(config.consumerProperties(AgentKind.PROPOSER), new ByteArrayDeserializer(),
                        new ByteArrayDeserializer()),
                producers, config.maxInFlight(), config.retryBackoff(), Clock.systemUTC());
    }

    /**
     * A producer that dies the way a killed process does: the records and offsets of its transaction reach the
     * broker, then neither the commit nor an abort is ever sent.
     */
    /** Writes its first transaction, then waits before committing it, as an agent cut off from the broker would. */
    private static final class StallsBeforeCommit extends KafkaProducer<String, SpecificRecord> {

        private final Duration stall;

        StallsBeforeCommit(final Map<String, Object> properties, final Duration stall) {
            super(properties, new StringSerializer(),
                    new ConfluentAvroSerializer<>(SharedInfra.registryClient(), false, AvroSerdes.DEFAULT_CACHE_SIZE));
            this.stall = stall;
        }

        @Override
        public void commitTransaction() {
            flush();
            try {
                Thread.sleep(stall);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            super.commitTransaction();
        }
    }

    private static final class DiesBeforeCommit extends KafkaProducer<String, SpecificRecord> {

        private final CountDownLatch died = new CountDownLatch(1);

        DiesBeforeCommit(final Map<String, Object> properties) {
            super(properties, new StringSerializer(),
                    new ConfluentAvroSerializer<>(SharedInfra.registryClient(), false, AvroSerdes.DEFAULT_CACHE_SIZE));
        }

        @Override
        public void commitTransaction() {
            flush();
            died.countDown();
            // Not a KafkaException: the agent must not abort and retry, but stop, as if killed.
            throw new IllegalStateException("simulated crash between writing the transaction and committing it");
        }

        @Override
        public void close(final Duration timeout) {
            // A zero timeout force-closes: no abort is sent, so the transaction stays open on the broker.
            super.close(Duration.ZERO);
        }
    }
}
