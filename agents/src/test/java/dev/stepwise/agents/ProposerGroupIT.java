package dev.stepwise.agents;

import static dev.stepwise.agents.AgentItSupport.WAIT;
import static dev.stepwise.agents.AgentItSupport.awaitAllConsumed;
import static dev.stepwise.agents.AgentItSupport.config;
import static dev.stepwise.agents.AgentItSupport.readCommitted;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.stepwise.infra.testing.SharedInfra;
import dev.stepwise.models.ProposedStep;
import dev.stepwise.schemas.avro.StepProposed;
import dev.stepwise.schemas.topics.Topics;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Proposers as a consumer group: sharing partitions, and handing them over on a restart. */
@ExtendWith(SharedInfra.class)
@Timeout(180)
class ProposerGroupIT {

    private static final Logger LOG = LoggerFactory.getLogger(ProposerGroupIT.class);

    private final FakeBackend backend = new FakeBackend();

    private static List<String> stepIds(final int fromPrompt, final int toPrompt, final int samples) {
        return IntStream.range(fromPrompt, toPrompt).boxed()
                .flatMap(i -> IntStream.range(0, samples).mapToObj(s -> "prompt-" + i + "/r0." + s))
                .toList();
    }

    private static void request(final AgentItSupport.Writer writer, final Topics topics, final int prompt, final int samples) {
        writer.send(topics.proposalRequests(), "prompt-" + prompt,
                Events.proposalRequest("prompt-" + prompt, "prompt-" + prompt + "/r0", samples));
    }

    @Test
    void twoInstancesInOneGroupSplitThePartitionsAndWriteEachStepOnce() throws InterruptedException {
        final Topics topics = SharedInfra.freshTopics("two-proposers");
        final AgentConfig config = config(topics, "pair", Map.of());
        try (AgentPool pool = Agents.createPool(AgentKind.PROPOSER, config, backend, SharedInfra.registryClient(), 2);
             AgentItSupport.Writer writer = new AgentItSupport.Writer()) {
            pool.start();
            await().atMost(WAIT).until(() -> pool.members().stream().allMatch(member -> member.assignment().size() == 1));
            final Map<Integer, String> ownerOfPartition = new HashMap<>();
            for (final Agent member : pool.members()) {
                for (final TopicPartition partition : member.assignment()) {
                    ownerOfPartition.put(partition.partition(), member.instanceIds().getFirst());
                }
            }
            assertThat(ownerOfPartition.values()).containsExactlyInAnyOrder("pair-0", "pair-1");

            for (int i = 0; i < 20; i++) {
                request(writer, topics, i, 2);
            }
            awaitAllConsumed(config.groupId(AgentKind.PROPOSER), topics.proposalRequests());

            final List<ConsumerRecord<String, StepProposed>> steps = readCommitted(topics.stepsProposed());
            assertThat(steps).extracting(record -> record.value().getStepId()).containsExactlyInAnyOrderElementsOf(stepIds(0, 20, 2));
            // Same key, same partition count: a step lands on the partition its request came from, owned by one instance.
            assertThat(steps).allSatisfy(record -> assertThat(record.value().getCall().getAgentInstance())
                    .isEqualTo(ownerOfPartition.get(record.partition())));
            assertThat(steps).extracting(record -> record.value().getCall().getAgentInstance()).contains("pair-0", "pair-1");
            assertThat(pool.failure()).isEmpty();
        }
    }

    @Test
    void anInstanceStoppedMidBatchAndRestartedWithTheSameIdLosesAndDuplicatesNothing() throws InterruptedException {
        final Topics topics = SharedInfra.freshTopics("proposer-restart");
        // A long session timeout: if static membership did not hand the partitions over at once, the restart would wait it out.
        final AgentConfig config = config(topics, "p-static", Map.of(AgentConfig.STATIC_MEMBERSHIP, true,
                AgentConfig.MAX_POLL_RECORDS, 2, AgentConfig.SESSION_TIMEOUT_MS, 30_000));
        final CountDownLatch stuck = new CountDownLatch(1);
        final AtomicBoolean modelHangsOnPrompt5 = new AtomicBoolean(true);
        backend.propose = task -> {
            if (modelHangsOnPrompt5.get() && task.promptId().equals("prompt-5")) {
                stuck.countDown();
                FakeBackend.pause(TimeUnit.MINUTES.toMillis(5));
            }
            return new ProposedStep("step " + task.stepId(), false, null, 3);
        };
        try (AgentItSupport.Writer writer = new AgentItSupport.Writer()) {
            final Agent first = Agents.create(AgentKind.PROPOSER, config, backend, SharedInfra.registryClient());
            first.start();
            assertThat(first.awaitAssignment(WAIT)).isTrue();
            for (int i = 0; i < 10; i++) {
                request(writer, topics, i, 2);
            }
            assertThat(stuck.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();

            // The batch holding prompt-5 is in flight and uncommitted: close interrupts it.
            first.close(Duration.ofSeconds(2));
            assertThat(first.awaitTermination(Duration.ZERO)).isTrue();
            assertThat(first.failure()).isEmpty();
            modelHangsOnPrompt5.set(false);
            for (int i = 10; i < 15; i++) {
                request(writer, topics, i, 2);
            }

            final long restartedAt = System.nanoTime();
            try (Agent second = Agents.create(AgentKind.PROPOSER, config, backend, SharedInfra.registryClient())) {
                second.start();
                assertThat(second.awaitAssignment(WAIT)).isTrue();
                final long takeoverMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restartedAt);
                LOG.info("Restarted static member owned {} after {} ms", second.assignment(), takeoverMs);
                assertThat(second.assignment()).hasSize(topics.partitions());
                assertThat(takeoverMs).as("well under the 30 s session timeout").isLessThan(10_000);

                awaitAllConsumed(config.groupId(AgentKind.PROPOSER), topics.proposalRequests());
                assertThat(readCommitted(topics.stepsProposed())).extracting(record -> record.value().getStepId())
                        .containsExactlyInAnyOrderElementsOf(stepIds(0, 15, 2));
                assertThat(second.failure()).isEmpty();
            }
        }
    }
}
