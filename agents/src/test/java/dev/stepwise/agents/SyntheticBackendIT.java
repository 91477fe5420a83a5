package dev.stepwise.agents;

import static dev.stepwise.agents.AgentItSupport.WAIT;
import static dev.stepwise.agents.AgentItSupport.awaitAllConsumed;
import static dev.stepwise.agents.AgentItSupport.config;
import static dev.stepwise.agents.AgentItSupport.readCommitted;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stepwise.infra.testing.SharedInfra;
import dev.stepwise.models.ModelBackend;
import dev.stepwise.models.ModelBackends;
import dev.stepwise.models.synthetic.Family;
import dev.stepwise.models.synthetic.GeneratedProblem;
import dev.stepwise.models.synthetic.SyntheticModelBackend;
import dev.stepwise.models.synthetic.SyntheticTaskSuite;
import dev.stepwise.schemas.avro.ChainContext;
import dev.stepwise.schemas.avro.StepProposalRequested;
import dev.stepwise.schemas.avro.StepProposed;
import dev.stepwise.schemas.avro.StepVerified;
import dev.stepwise.schemas.avro.Verdict;
import dev.stepwise.schemas.avro.VerificationKind;
import dev.stepwise.schemas.avro.VerificationPlan;
import dev.stepwise.schemas.topics.Topics;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** A proposer and a verifier on the synthetic backend, built from config the way the CLI builds them. */
@ExtendWith(SharedInfra.class)
@Timeout(180)
class SyntheticBackendIT {

    private static StepProposalRequested firstStepRequest(final String promptId, final String problem, final int samples,
                                                          final VerificationPlan plan) {
        return StepProposalRequested.newBuilder()
                .setPromptId(promptId)
                .setRequestId(promptId + "/r0")
                .setChainId(promptId)
                .setDepth(0)
                .setSamples(samples)
                .setContext(ChainContext.newBuilder().setProblem(problem).setPriorSteps(List.of()).build())
                .setVerification(plan)
                .setRequestedAt(Events.AT)
                .build();
    }

    @Test
    void proposedStepsAreVerifiedAsTheirPlanSaysAndAProblemTheModelCannotReadEndsInErrorSteps() throws InterruptedException {
        final Topics topics = SharedInfra.freshTopics("synthetic-backend");
        // No wrong steps and an exact verifier, so every verdict is known in advance.
        final AgentConfig config = config(topics, "syn", Map.of("synthetic.step.error.rate", "0.0"));
        final GeneratedProblem problem = SyntheticTaskSuite.generate(Family.INTEGER_ARITHMETIC, 3, 7L);
        // One serial step: its first step ends the chain, so an OUTCOME plan has an answer to check.
        final GeneratedProblem oneStep = SyntheticTaskSuite.generate(Family.ITERATED_SQUARING, 1, 7L);
        try (ModelBackend backend = ModelBackends.create(config.modelBackendConfig());
             Agent proposer = Agents.create(AgentKind.PROPOSER, config, backend, SharedInfra.registryClient());
             Agent verifier = Agents.create(AgentKind.VERIFIER, config, backend, SharedInfra.registryClient());
             AgentItSupport.Writer writer = new AgentItSupport.Writer()) {
            proposer.start();
            verifier.start();
            assertThat(proposer.awaitAssignment(WAIT)).isTrue();
            assertThat(verifier.awaitAssignment(WAIT)).isTrue();

            writer.send(topics.proposalRequests(), "prompt-math",
                    firstStepRequest("prompt-math", problem.text(), 3, VerificationPlan.STEP));
            writer.send(topics.proposalRequests(), "prompt-poem",
                    firstStepRequest("prompt-poem", "Write a poem about Kafka", 2, VerificationPlan.STEP));
            writer.send(topics.proposalRequests(), "prompt-end",
                    firstStepRequest("prompt-end", oneStep.text(), 2, VerificationPlan.OUTCOME));
            writer.send(topics.proposalRequests(), "prompt-quiet",
                    firstStepRequest("prompt-quiet", problem.text(), 2, VerificationPlan.NONE));
            awaitAllConsumed(config.groupId(AgentKind.PROPOSER), topics.proposalRequests());
            awaitAllConsumed(config.groupId(AgentKind.VERIFIER), topics.verificationRequests());

            final List<StepProposed> steps = readCommitted(topics.stepsProposed()).stream().map(ConsumerRecord::value).toList();
            assertThat(steps).extracting(StepProposed::getStepId).containsExactlyInAnyOrder(
                    "prompt-math/r0.0", "prompt-math/r0.1", "prompt-math/r0.2", "prompt-poem/r0.0", "prompt-poem/r0.1",
                    "prompt-end/r0.0", "prompt-end/r0.1", "prompt-quiet/r0.0", "prompt-quiet/r0.1");
            assertThat(steps).filteredOn(step -> step.getPromptId().equals("prompt-math")).allSatisfy(step -> {
                assertThat(step.getText()).isNotBlank();
                assertThat(step.getError()).isNull();
                assertThat(step.getCall().getModel()).isEqualTo(SyntheticModelBackend.MODEL_NAME);
                assertThat(step.getCall().getTokens()).isPositive();
            });
            assertThat(steps).filteredOn(step -> step.getPromptId().equals("prompt-poem")).allSatisfy(step -> {
                assertThat(step.getText()).isEmpty();
                assertThat(step.getError()).isNotBlank();
            });

            assertThat(steps).filteredOn(step -> step.getPromptId().equals("prompt-end"))
                    .allSatisfy(step -> assertThat(step.getTerminal()).isTrue());

            // Error steps and the NONE plan ask for nothing; the OUTCOME plan asks about the finished chains' answer.
            assertThat(readCommitted(topics.verificationRequests())).extracting(record -> record.value().getRequestId())
                    .containsExactlyInAnyOrder("prompt-math/r0.0/step", "prompt-math/r0.1/step", "prompt-math/r0.2/step",
                            "prompt-end/r0.0/outcome", "prompt-end/r0.1/outcome");
            final List<StepVerified> verdicts = readCommitted(topics.stepsVerified()).stream().map(ConsumerRecord::value).toList();
            assertThat(verdicts).extracting(StepVerified::getRequestId)
                    .containsExactlyInAnyOrder("prompt-math/r0.0/step", "prompt-math/r0.1/step", "prompt-math/r0.2/step",
                            "prompt-end/r0.0/outcome", "prompt-end/r0.1/outcome");
            assertThat(verdicts).filteredOn(verdict -> verdict.getPromptId().equals("prompt-end")).allSatisfy(verdict -> {
                assertThat(verdict.getKind()).isEqualTo(VerificationKind.OUTCOME);
                assertThat(verdict.getRationale()).isEqualTo("correct: the chain's answer " + oneStep.expectedAnswer()
                        + " is the problem's answer");
            });
            assertThat(verdicts).allSatisfy(verdict -> {
                assertThat(verdict.getVerdict()).isEqualTo(Verdict.ACCEPTED);
                assertThat(verdict.getScore()).isEqualTo(1.0);
                assertThat(verdict.getCall().getAgentInstance()).isEqualTo("syn");
            });
        }
    }
}
