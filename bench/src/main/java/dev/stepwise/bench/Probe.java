package dev.stepwise.bench;

import dev.stepwise.agents.AgentHandler.Output;
import dev.stepwise.schemas.avro.ChainContext;
import dev.stepwise.schemas.avro.StepProposalRequested;
import dev.stepwise.schemas.avro.StepProposed;
import dev.stepwise.schemas.avro.StepVerified;
import dev.stepwise.schemas.avro.Verdict;
import dev.stepwise.schemas.avro.VerificationPlan;
import dev.stepwise.schemas.avro.VerificationRequested;
import dev.stepwise.search.strategy.Auto;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code auto}'s probe shows of a problem, computed the way auto sees it: its first request (the same id, so the
 * same seeded samples), proposed and verified by the agents' handlers, and summed up by {@link Auto.Estimate}, the
 * function auto itself uses. The calibration groups problems by it.
 */
final class Probe {

    private Probe() {
    }

    /** The estimate auto would make of {@code problem} with {@code samples} probe samples. */
    static Auto.Estimate of(final AgentHandlers agents, final BenchProblem problem, final int samples)
            throws InterruptedException {
        final StepProposalRequested request = StepProposalRequested.newBuilder()
                .setPromptId(problem.promptId())
                .setRequestId(problem.promptId() + "/r0")
                .setChainId(problem.promptId())
                .setParentStepId(null)
                .setDepth(0)
                .setSamples(samples)
                .setContext(ChainContext.newBuilder().setProblem(problem.text()).setPriorSteps(List.of()).build())
                .setVerification(VerificationPlan.STEP)
                .setRetry(0)
                .setRequestedAt(Instant.ofEpochMilli(Prompts.EPOCH_MS))
                .build();
        final List<StepProposed> steps = new ArrayList<>();
        final Map<String, StepVerified> verdicts = new HashMap<>();
        for (final Output<?> output : agents.proposer().handle(request)) {
            if (output.value() instanceof StepProposed step) {
                steps.add(step);
            } else if (output.value() instanceof VerificationRequested verification) {
                for (final Output<?> verdict : agents.verifier().handle(verification)) {
                    final StepVerified v = (StepVerified) verdict.value();
                    verdicts.put(v.getStepId(), v);
                }
            }
        }
        final List<Auto.ProbeSample> probe = new ArrayList<>();
        for (final StepProposed step : steps) {
            final StepVerified verdict = verdicts.get(step.getStepId());
            final double score = verdict == null ? 0.0 : verdict.getScore();
            // As the engine judges: the score reaches the threshold and the verifier did not reject it.
            final boolean accepted = verdict != null && score >= BenchSettings.searchSettings().acceptThreshold()
                    && verdict.getVerdict() != Verdict.REJECTED;
            probe.add(new Auto.ProbeSample(step.getText(), score, accepted));
        }
        return Auto.Estimate.of(probe);
    }
}
