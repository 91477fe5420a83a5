package dev.stepwise.agents;

import dev.stepwise.agents.AgentHandler.Output;
import dev.stepwise.schemas.avro.StepProposed;
import dev.stepwise.schemas.avro.VerificationKind;
import dev.stepwise.schemas.avro.VerificationPlan;
import dev.stepwise.schemas.avro.VerificationRequested;
import dev.stepwise.schemas.ids.EventIds;
import dev.stepwise.schemas.topics.Topics;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The outputs of a proposer or reviser: its steps, then the verification requests its request's plan asks for. The
 * topology decides what gets verified (issue 6) and says so in the request, so that the agent that writes a step can
 * ask for its verification in the same transaction, without a hop through the topology:
 * <ul>
 *   <li>STEP: every step is verified (a process reward);</li>
 *   <li>OUTCOME: only terminal steps are, for the final answer of the chain each one ends (an outcome reward);</li>
 *   <li>NONE: nothing is;</li>
 *   <li>UNKNOWN, a plan of a newer topology this agent cannot name: read as STEP, because verifying too much costs
 *       model calls while verifying too little would let unchecked steps rank; said once per agent instance.</li>
 * </ul>
 * A step with an error (the model could not work on the problem) has nothing to verify and gets no request.
 * Each request is named {@code <stepId>/step} or {@code <stepId>/outcome} ({@link EventIds#verificationId}), so a
 * redelivered request yields the same ids. Thread-safe.
 */
final class VerificationRequests {

    private static final Logger LOG = LoggerFactory.getLogger(VerificationRequests.class);

    private final Topics topics;
    private final AgentKind kind;
    private final String instanceId;
    private final Clock clock;
    private final AtomicBoolean unknownPlanReported = new AtomicBoolean();

    /**
     * @param kind       the agent writing the steps, for the log line
     * @param instanceId recorded as {@code requestedBy}
     */
    VerificationRequests(final Topics topics, final AgentKind kind, final String instanceId, final Clock clock) {
        this.topics = topics;
        this.kind = kind;
        this.instanceId = instanceId;
        this.clock = clock;
    }

    /**
     * The steps, then a verification request for each step that {@code plan} says to verify.
     *
     * @param requestId the proposal or revision request the steps answer, for the log line
     */
    List<Output<?>> stepsAndRequests(final VerificationPlan plan, final String requestId, final List<StepProposed> steps) {
        final List<Output<?>> outputs = new ArrayList<>(2 * steps.size());
        for (final StepProposed step : steps) {
            outputs.add(new Output<>(topics.stepsProposed(), step));
        }
        for (final StepProposed step : steps) {
            kindFor(plan, requestId, step).ifPresent(verification ->
                    outputs.add(new Output<>(topics.verificationRequests(), request(step, verification))));
        }
        return outputs;
    }

    private Optional<VerificationKind> kindFor(final VerificationPlan plan, final String requestId, final StepProposed step) {
        if (step.getError() != null) {
            return Optional.empty();
        }
        return switch (plan) {
            case STEP -> Optional.of(VerificationKind.STEP);
            case OUTCOME -> step.getTerminal() ? Optional.of(VerificationKind.OUTCOME) : Optional.empty();
            case NONE -> Optional.empty();
            case UNKNOWN -> {
                reportUnknownPlan(requestId);
                yield Optional.of(VerificationKind.STEP);
            }
        };
    }

    private void reportUnknownPlan(final String requestId) {
        if (unknownPlanReported.compareAndSet(false, true)) {
            LOG.warn("{} {}: request {} asks for a verification plan this agent cannot name (from a newer topology?); "
                    + "verifying every step as for STEP. Said once; later requests like it are treated the same way.",
                    kind.component(), instanceId, requestId);
        }
    }

    private VerificationRequested request(final StepProposed step, final VerificationKind verification) {
        return VerificationRequested.newBuilder()
                .setPromptId(step.getPromptId())
                .setRequestId(EventIds.verificationId(step.getStepId(), verification))
                .setKind(verification)
                .setStepId(step.getStepId())
                .setText(step.getText())
                .setTerminal(step.getTerminal())
                .setAnswer(step.getAnswer())
                // The problem and the steps before this one: what a stateless verifier needs to check it.
                .setContext(step.getContext())
                .setRetry(0)
                .setRequestedBy(instanceId)
                .setRequestedAt(clock.instant())
                .build();
    }
}
