package dev.stepwise.agents;

import static dev.stepwise.agents.AgentItSupport.WAIT;
import static dev.stepwise.agents.AgentItSupport.awaitAllConsumed;
import static dev.stepwise.agents.AgentItSupport.config;
import static dev.stepwise.agents.AgentItSupport.readCommitted;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stepwise.infra.testing.SharedInfra;
import dev.stepwise.models.Judgement;
import dev.stepwise.models.ModelCallException;
import dev.stepwise.models.ProblemNotUnderstoodException;
import dev.stepwise.models.ProposedStep;
import dev.stepwise.schemas.avro.DeadLetter;
import dev.stepwise.schemas.avro.StepProposed;
import dev.stepwise.schemas.avro.StepVerified;
import dev.stepwise.schemas.avro.Verdict;
import dev.stepwise.schemas.avro.VerificationKind;
import dev.stepwise.schemas.avro.VerificationRequested;
import dev.stepwise.schemas.topics.Topics;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Each kind of agent against the real broker and registry, with a deterministic fake model. */
@ExtendWith(SharedInfra.class)
@Timeout(180)
class AgentKindsIT {

    private final FakeBackend backend = new FakeBackend();

    @Test
    void theProposerWritesEveryRequestedSampleAndItsVerificationRequestExactlyOnce() throws InterruptedException {
        final Topics topics = SharedInfra.freshTopics("proposer-exactly-once");
        backend.delayMs = 5;
        final AgentConfig config = config(topics, "p-it", Map.of());
        try (Agent proposer = Agents.create(AgentKind.PROPOSER, config, backend, SharedInfra.registryClient());
             AgentItSupport.Writer writer = new AgentItSupport.Writer()) {
            proposer.start();
            assertThat(proposer.awaitAssignment(WAIT)).isTrue();

            for (int i = 0; i < 6; i++) {
                writer.send(topics.proposalRequests(), "prompt-" + i, Events.proposalRequest("prompt-" + i, "prompt-" + i + "/r0", 3));
            }
            awaitAllConsumed(config.groupId(AgentKind.PROPOSER), topics.proposalRequests());

            final List<ConsumerRecord<String, StepProposed>> steps = readCommitted(topics.stepsProposed());
            assertThat(steps).extracting(record -> record.value().getStepId()).containsExactlyInAnyOrderElementsOf(
                    IntStream.range(0, 6).boxed().flatMap(i -> IntStream.range(0, 3).mapToObj(s -> "prompt-" + i + "/r0." + s)).toList());
            assertThat(steps).allSatisfy(record -> {
                assertThat(record.key()).isEqualTo(record.value().getPromptId());
                assertThat(record.value().getRequestId()).isEqualTo(record.value().getPromptId() + "/r0");
                assertThat(record.value().getText()).isEqualTo("step " + record.value().getStepId());
                assertThat(record.value().getCall().getAgentInstance()).isEqualTo("p-it");
                assertThat(record.value().getCall().getModel()).isEqualTo("fake/test-v1");
                assertThat(record.value().getCall().getTokens()).isEqualTo(3);
                assertThat(record.value().getCall().getLatencyMs()).isGreaterThanOrEqualTo(5);
            });
            final List<ConsumerRecord<String, VerificationRequested>> verifications = readCommitted(topics.verificationRequests());
            assertThat(verifications).extracting(record -> record.value().getRequestId()).containsExactlyInAnyOrderElementsOf(
                    steps.stream().map(record -> record.value().getStepId() + "/step").toList());
            assertThat(verifications).allSatisfy(record -> {
                assertThat(record.key()).isEqualTo(record.value().getPromptId());
                assertThat(record.value().getKind()).isEqualTo(VerificationKind.STEP);
                assertThat(record.value().getText()).isEqualTo("step " + record.value().getStepId());
                assertThat(record.value().getRequestedBy()).isEqualTo("p-it");
            });
            assertThat(proposer.failure()).isEmpty();
        }
    }

    @Test
    void theVerifierAnswersEveryRequestOnceWithItsKindAndDeadLettersAKindItCannotName() throws InterruptedException {
        final Topics topics = SharedInfra.freshTopics("verifier-exactly-once");
        backend.verify = task -> {
            if (task.problem().startsWith("Write a poem")) {
                throw new ProblemNotUnderstoodException("The fake model only reads arithmetic");
            }
            return new Judgement(0.75, true, "checks out", 5);
        };
        final AgentConfig config = config(topics, "v-it", Map.of());
        try (Agent verifier = Agents.create(AgentKind.VERIFIER, config, backend, SharedInfra.registryClient());
             AgentItSupport.Writer writer = new AgentItSupport.Writer()) {
            verifier.start();
            assertThat(verifier.awaitAssignment(WAIT)).isTrue();

            for (int i = 0; i < 4; i++) {
                writer.send(topics.verificationRequests(), "prompt-" + i,
                        Events.verificationRequest("prompt-" + i, "prompt-" + i + "/r0.0", VerificationKind.STEP));
            }
            writer.send(topics.verificationRequests(), "prompt-end", Events.outcomeRequest("prompt-end", "prompt-end/r3.1"));
            final VerificationRequested poem = Events.verificationRequest("prompt-poem", "prompt-poem/r0.0", VerificationKind.STEP);
            poem.getContext().setProblem("Write a poem about Kafka");
            writer.send(topics.verificationRequests(), "prompt-poem", poem);
            writer.send(topics.verificationRequests(), "prompt-new",
                    Events.verificationRequest("prompt-new", "prompt-new/r0.0", VerificationKind.UNKNOWN));
            awaitAllConsumed(config.groupId(AgentKind.VERIFIER), topics.verificationRequests());

            final List<StepVerified> verdicts = readCommitted(topics.stepsVerified()).stream().map(ConsumerRecord::value).toList();
            assertThat(verdicts).extracting(StepVerified::getRequestId).containsExactlyInAnyOrder("prompt-0/r0.0/step",
                    "prompt-1/r0.0/step", "prompt-2/r0.0/step", "prompt-3/r0.0/step", "prompt-end/r3.1/outcome",
                    "prompt-poem/r0.0/step");
            assertThat(verdicts).filteredOn(verdict -> !verdict.getStepId().startsWith("prompt-poem")).allSatisfy(verdict -> {
                assertThat(verdict.getRequestId()).startsWith(verdict.getStepId() + "/");
                assertThat(verdict.getVerdict()).isEqualTo(Verdict.ACCEPTED);
                assertThat(verdict.getScore()).isEqualTo(0.75);
                assertThat(verdict.getCall().getAgentInstance()).isEqualTo("v-it");
                assertThat(verdict.getCall().getTokens()).isEqualTo(5);
            });
            assertThat(verdicts).filteredOn(verdict -> verdict.getStepId().startsWith("prompt-end")).singleElement()
                    .satisfies(verdict -> assertThat(verdict.getKind()).isEqualTo(VerificationKind.OUTCOME));
            assertThat(verdicts).filteredOn(verdict -> verdict.getStepId().startsWith("prompt-poem")).singleElement()
                    .satisfies(verdict -> {
                        assertThat(verdict.getKind()).isEqualTo(VerificationKind.STEP);
                        assertThat(verdict.getVerdict()).isEqualTo(Verdict.REJECTED);
                        assertThat(verdict.getScore()).isZero();
                        assertThat(verdict.getRationale()).isEqualTo("The fake model only reads arithmetic");
                    });
            assertThat(readCommitted(topics.deadLetter())).singleElement().satisfies(record -> {
                assertThat(record.key()).isEqualTo("prompt-new");
                assertThat(record.value().getSourceTopic()).isEqualTo(topics.verificationRequests().name());
                assertThat(record.value().getComponent()).isEqualTo("verifier");
                assertThat(record.value().getErrorType()).isEqualTo("unknown-verification-kind");
            });
            assertThat(verifier.isRunning()).isTrue();
        }
    }

    @Test
    void theReviserWritesOneRevisedStepAndItsVerificationRequestPerRequest() throws InterruptedException {
        final Topics topics = SharedInfra.freshTopics("reviser-exactly-once");
        final AgentConfig config = config(topics, "r-it", Map.of());
        try (Agent reviser = Agents.create(AgentKind.REVISER, config, backend, SharedInfra.registryClient());
             AgentItSupport.Writer writer = new AgentItSupport.Writer()) {
            reviser.start();
            assertThat(reviser.awaitAssignment(WAIT)).isTrue();

            for (int i = 0; i < 4; i++) {
                writer.send(topics.revisionRequests(), "prompt-" + i,
                        Events.revisionRequest("prompt-" + i, "prompt-" + i + "/v0", "prompt-" + i + "/r0.1"));
            }
            awaitAllConsumed(config.groupId(AgentKind.REVISER), topics.revisionRequests());

            final List<StepProposed> revised = readCommitted(topics.stepsProposed()).stream().map(ConsumerRecord::value).toList();
            assertThat(revised).extracting(StepProposed::getStepId)
                    .containsExactlyInAnyOrder("prompt-0/v0.0", "prompt-1/v0.0", "prompt-2/v0.0", "prompt-3/v0.0");
            assertThat(revised).allSatisfy(step -> {
                assertThat(step.getRevisionOf()).isEqualTo(step.getPromptId() + "/r0.1");
                assertThat(step.getRequestId()).isEqualTo(step.getPromptId() + "/v0");
                assertThat(step.getCall().getAgentInstance()).isEqualTo("r-it");
                assertThat(step.getCall().getTokens()).isEqualTo(7);
            });
            assertThat(readCommitted(topics.verificationRequests())).extracting(record -> record.value().getRequestId())
                    .containsExactlyInAnyOrder("prompt-0/v0.0/step", "prompt-1/v0.0/step", "prompt-2/v0.0/step",
                            "prompt-3/v0.0/step");
        }
    }

    /**
     * The model server is down for longer than the backend's own retries. The proposer does not stall its partitions
     * redoing batches: it commits the requests it could not answer with nothing written for them. When the search's
     * timeout asks again (the same request ids, sent again here as the topology would), each step is written once.
     */
    @Test
    void aModelOutageWritesNothingForTheRequestsItHitAndTheSearchsRetryWritesEachStepOnce() throws InterruptedException {
        final Topics topics = SharedInfra.freshTopics("proposer-model-outage");
        final AgentConfig config = config(topics, "p-outage", Map.of());
        final AtomicBoolean modelDown = new AtomicBoolean(true);
        final AtomicInteger failedCalls = new AtomicInteger();
        backend.propose = task -> {
            if (modelDown.get()) {
                failedCalls.incrementAndGet();
                throw new ModelCallException("HTTP 503 from the fake model (gave up after 4 attempts)");
            }
            return new ProposedStep("step " + task.stepId(), false, null, 3);
        };
        try (Agent proposer = Agents.create(AgentKind.PROPOSER, config, backend, SharedInfra.registryClient());
             AgentItSupport.Writer writer = new AgentItSupport.Writer()) {
            proposer.start();
            assertThat(proposer.awaitAssignment(WAIT)).isTrue();

            for (int i = 0; i < 4; i++) {
                writer.send(topics.proposalRequests(), "prompt-" + i, Events.proposalRequest("prompt-" + i, "prompt-" + i + "/r0", 2));
            }
            awaitAllConsumed(config.groupId(AgentKind.PROPOSER), topics.proposalRequests());
            assertThat(failedCalls).as("one call per request, no retries around the backend's").hasValue(4);
            assertThat(readCommitted(topics.stepsProposed())).isEmpty();

            modelDown.set(false);
            for (int i = 0; i < 4; i++) {
                writer.send(topics.proposalRequests(), "prompt-" + i, Events.proposalRequest("prompt-" + i, "prompt-" + i + "/r0", 2));
            }
            awaitAllConsumed(config.groupId(AgentKind.PROPOSER), topics.proposalRequests());

            assertThat(readCommitted(topics.stepsProposed())).extracting(record -> record.value().getStepId())
                    .containsExactlyInAnyOrder("prompt-0/r0.0", "prompt-0/r0.1", "prompt-1/r0.0", "prompt-1/r0.1",
                            "prompt-2/r0.0", "prompt-2/r0.1", "prompt-3/r0.0", "prompt-3/r0.1");
            assertThat(readCommitted(topics.verificationRequests())).extracting(record -> record.value().getStepId())
                    .containsExactlyInAnyOrder("prompt-0/r0.0", "prompt-0/r0.1", "prompt-1/r0.0", "prompt-1/r0.1",
                            "prompt-2/r0.0", "prompt-2/r0.1", "prompt-3/r0.0", "prompt-3/r0.1");
            assertThat(proposer.failure()).isEmpty();
        }
    }

    @Test
    void badBytesOnTheInputAreDeadLetteredAndTheAgentKeepsGoing() throws InterruptedException {
        final Topics topics = SharedInfra.freshTopics("proposer-dead-letter");
        final AgentConfig config = config(topics, "p-dlq", Map.of());
        try (Agent proposer = Agents.create(AgentKind.PROPOSER, config, backend, SharedInfra.registryClient());
             AgentItSupport.Writer writer = new AgentItSupport.Writer()) {
            proposer.start();
            assertThat(proposer.awaitAssignment(WAIT)).isTrue();

            final byte[] garbage = "{\"promptId\": \"json, not avro\"}".getBytes(StandardCharsets.UTF_8);
            writer.sendBytes(topics.proposalRequests(), "prompt-bad", garbage);
            writer.send(topics.proposalRequests(), "prompt-good", Events.proposalRequest("prompt-good", "prompt-good/r0", 2));
            awaitAllConsumed(config.groupId(AgentKind.PROPOSER), topics.proposalRequests());

            assertThat(readCommitted(topics.deadLetter())).singleElement().satisfies(record -> {
                final DeadLetter letter = record.value();
                assertThat(record.key()).isEqualTo("prompt-bad");
                assertThat(letter.getSourceTopic()).isEqualTo(topics.proposalRequests().name());
                assertThat(letter.getComponent()).isEqualTo("proposer");
                assertThat(letter.getErrorType()).isEqualTo("wrong-magic-byte");
                assertThat(letter.getValue()).isEqualTo(ByteBuffer.wrap(garbage));
            });
            assertThat(readCommitted(topics.stepsProposed())).extracting(record -> record.value().getStepId())
                    .containsExactlyInAnyOrder("prompt-good/r0.0", "prompt-good/r0.1");
            assertThat(proposer.isRunning()).isTrue();
        }
    }
}
