package dev.stepwise.agents;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stepwise.models.ProposedStep;
import dev.stepwise.schemas.avro.StepProposalRequested;
import dev.stepwise.schemas.serde.AvroSerdes;
import dev.stepwise.schemas.serde.ConfluentAvroSerializer;
import dev.stepwise.schemas.serde.InMemorySchemaRegistry;
import dev.stepwise.schemas.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The loop's wait for a record to finish: what lets an agent commit a fast call's outputs the moment they exist. */
class InFlightRecordsTest {

    private static final Topics TOPICS = Topics.defaults();
    private static final TopicPartition REQUESTS_0 = new TopicPartition(TOPICS.proposalRequests().name(), 0);
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-02T12:00:00Z"), ZoneOffset.UTC);

    private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    private final FakeBackend backend = new FakeBackend();
    private final InFlightRecords<StepProposalRequested> inFlight = new InFlightRecords<>(new RecordWork<>("proposer p-0",
            "proposer", new ProposerHandler(TOPICS, new ModelCalls(backend, 8), "p-0", CLOCK),
            new AvroSerdes(registry).valueSerde(TOPICS.proposalRequests()).deserializer(), TOPICS.deadLetter(),
            new Backoff(Duration.ofMillis(1), Duration.ofMillis(2)), CLOCK), 4, "stepwise-proposer-test");

    @AfterEach
    void stopWorkers() {
        inFlight.shutdown();
    }

    private ConsumerRecords<byte[], byte[]> oneRequest(final String requestId) {
        final byte[] value = new ConfluentAvroSerializer<StepProposalRequested>(registry, false, 100)
                .serialize(REQUESTS_0.topic(), Events.proposalRequest("prompt-1", requestId, 1));
        final ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>(REQUESTS_0.topic(), REQUESTS_0.partition(), 0,
                "prompt-1".getBytes(StandardCharsets.UTF_8), value);
        return new ConsumerRecords<>(Map.of(REQUESTS_0, List.of(record)), Map.of());
    }

    @Test
    void theWaitEndsWhenTheRecordFinishesAndRecordsItsOutputsForTheNextCommit() throws InterruptedException {
        final CountDownLatch modelAnswers = new CountDownLatch(1);
        backend.propose = task -> {
            try {
                modelAnswers.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new ProposedStep("step " + task.stepId(), false, null, 3);
        };
        inFlight.accept(oneRequest("prompt-1/r0"));
        inFlight.startWaiting();

        assertThat(inFlight.awaitFinished(Duration.ofMillis(20))).as("nothing finished while the model holds the call").isFalse();
        assertThat(inFlight.tracker().commitDue()).isFalse();

        modelAnswers.countDown();
        assertThat(inFlight.awaitFinished(Duration.ofSeconds(10))).as("the wait ends with the record").isTrue();
        assertThat(inFlight.tracker().commitDue()).as("its outputs are ready for the turn's commit").isTrue();
        assertThat(inFlight.tracker().unwrittenOutputs()).hasSize(2);
    }

    @Test
    void aRecordThatFinishedBeforeTheWaitEndsItAtOnce() throws InterruptedException {
        inFlight.accept(oneRequest("prompt-1/r0"));
        inFlight.startWaiting();
        assertThat(inFlight.awaitFinished(Duration.ofSeconds(10))).isTrue();

        assertThat(inFlight.awaitFinished(Duration.ofMillis(20))).as("already recorded: nothing more will finish")
                .isFalse();
        assertThat(inFlight.tracker().commitDue()).isTrue();
    }
}
