package dev.stepwise.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stepwise.models.Judgement;
import dev.stepwise.models.ProblemNotUnderstoodException;
import dev.stepwise.models.ProposedStep;
import dev.stepwise.models.RevisionTask;
import dev.stepwise.models.StepTask;
import dev.stepwise.models.VerificationTask;
import dev.stepwise.models.synthetic.GeneratedProblem;
import dev.stepwise.models.synthetic.SyntheticConfig;
import dev.stepwise.models.synthetic.SyntheticModelBackend;
import dev.stepwise.models.synthetic.SyntheticTaskSuite;
import dev.stepwise.schemas.avro.AgentCall;
import dev.stepwise.schemas.avro.AnswerPublished;
import dev.stepwise.schemas.avro.Budget;
import dev.stepwise.schemas.avro.ChainContext;
import dev.stepwise.schemas.avro.PromptSubmitted;
import dev.stepwise.schemas.avro.RevisionRequested;
import dev.stepwise.schemas.avro.StepProposalRequested;
import dev.stepwise.schemas.avro.StepProposed;
import dev.stepwise.schemas.avro.StepVerified;
import dev.stepwise.schemas.avro.Strategy;
import dev.stepwise.schemas.avro.Verdict;
import dev.stepwise.search.testing.TestEvents;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole search loop on the {@code TopologyTestDriver}, with this test playing proposer,
 * verifier and reviser through the synthetic backend (a fallible proposer, an exact or a noisy
 * verifier): the accuracy beam search reaches through the topology on a mixed suite. (The other
 * strategies are measured, in-process and much faster, by {@code ./stepwise bench}.)
 */
class SyntheticSearchSimulationTest {

    private static final Logger LOG = LoggerFactory.getLogger(SyntheticSearchSimulationTest.class);
    private static final int PROBLEMS = 20;
    private static final int MAX_STEPS = 16;
    private static final long SUITE_SEED = 7L;
    private static final double STEP_ERROR_RATE = 0.10;
    private static final int NOISY_PROBLEMS = 100;
    private static final double NOISY_STEP_ERROR_RATE = 0.30;
    private static final double NOISY_FALSE_ACCEPT_RATE = 0.10;
    private static final double NOISY_FALSE_REJECT_RATE = 0.10;
    /** Rounds of agent work per prompt before the test gives up: far more than a 16-step search needs. */
    private static final int MAX_ROUNDS = 200;

    @TempDir
    Path stateDir;

    private record Outcome(double accuracy, double averageCalls, int answered) {
    }

    @Test
    void beamSearchSolvesNineInTenMixedProblemsAtTenPercentStepError() {
        final Outcome beam = run(Strategy.newBuilder().setName("beam").setBeamWidth(2).setBranching(3)
                .setMaxDepth(40).setMaxRevisions(2).build(), stateDir.resolve("beam"));
        LOG.info("Synthetic suite ({} problems, up to {} steps, step error {}): beam accuracy {} with {} calls on average",
                PROBLEMS, MAX_STEPS, STEP_ERROR_RATE, beam.accuracy(), beam.averageCalls());

        assertThat(beam.answered()).isEqualTo(PROBLEMS);
        assertThat(beam.accuracy()).isGreaterThanOrEqualTo(0.9);
        assertThat(beam.averageCalls()).isLessThanOrEqualTo(400);
    }

    /**
     * A noisy proposer (30% wrong steps) and a noisy 0/1 verifier (10% false accepts, 10% false
     * rejects): accepted steps tie on chain score, so what separates a right step from a falsely
     * accepted one is how many samples agree on it.
     *
     * <p>Measured on this suite and seed before merging agreeing samples: beam 2x3 0.67 (114.5 calls
     * on average), beam 4x4 0.68 (275.8), best-of-4 0.88 (104.5); after: beam 2x3 0.93 (112.0),
     * beam 4x4 0.86 (275.4), best-of-4 unchanged. Over eight other seeds (backend and suite seed
     * 1-6, 8, 9; 100 problems each) beam 2x3 went from 0.66-0.73 to 0.88-0.97 and beam 4x4 from
     * 0.64-0.72 to 0.83-0.87, while best-of-4 scored 0.86-0.94. The thresholds sit between the
     * before and after ranges: reverting the merge fails them, a change in tie-breaking that
     * reshuffles a few problems does not. (Merging with one beam slot per group instead of one per
     * agreeing sample measured 0.66-0.75 and 0.56-0.69 on the same seeds, and fails them too.)
     */
    @Test
    void beamSearchWithAgreeingSamplesMergedHoldsUpUnderANoisyVerifier() {
        final SyntheticConfig noisy = SyntheticConfig.defaults().withStepErrorRate(NOISY_STEP_ERROR_RATE)
                .withVerifierNoise(NOISY_FALSE_ACCEPT_RATE, NOISY_FALSE_REJECT_RATE);
        final Outcome narrow = run(Strategy.newBuilder().setName("beam").setBeamWidth(2).setBranching(3)
                .setMaxDepth(40).setMaxRevisions(2).build(), stateDir.resolve("noisy-beam-2x3"), noisy, NOISY_PROBLEMS);
        final Outcome wide = run(Strategy.newBuilder().setName("beam").setBeamWidth(4).setBranching(4)
                .setMaxDepth(40).setMaxRevisions(2).build(), stateDir.resolve("noisy-beam-4x4"), noisy, NOISY_PROBLEMS);
        LOG.info("Noisy synthetic suite ({} problems, step error {}, false accept {}, false reject {}): beam 2x3 "
                        + "accuracy {} with {} calls on average; beam 4x4 accuracy {} with {} calls", NOISY_PROBLEMS,
                NOISY_STEP_ERROR_RATE, NOISY_FALSE_ACCEPT_RATE, NOISY_FALSE_REJECT_RATE, narrow.accuracy(),
                narrow.averageCalls(), wide.accuracy(), wide.averageCalls());

        assertThat(narrow.answered()).isEqualTo(NOISY_PROBLEMS);
        assertThat(wide.answered()).isEqualTo(NOISY_PROBLEMS);
        assertThat(narrow.accuracy()).isGreaterThanOrEqualTo(0.85);
        assertThat(wide.accuracy()).isGreaterThanOrEqualTo(0.80);
    }

    private Outcome run(final Strategy strategy, final Path dir) {
        return run(strategy, dir, SyntheticConfig.defaults().withStepErrorRate(STEP_ERROR_RATE), PROBLEMS);
    }

    private Outcome run(final Strategy strategy, final Path dir, final SyntheticConfig config, final int count) {
        final SyntheticModelBackend backend = new SyntheticModelBackend(config);
        final List<GeneratedProblem> problems = SyntheticTaskSuite.mixed(count, MAX_STEPS, SUITE_SEED);
        int correct = 0;
        int answered = 0;
        long calls = 0;
        try (TopologyFixture fx = new TopologyFixture(dir)) {
            long now = TestEvents.T0;
            for (int i = 0; i < problems.size(); i++) {
                final GeneratedProblem problem = problems.get(i);
                final String promptId = "sim-" + i;
                fx.submit(PromptSubmitted.newBuilder().setPromptId(promptId).setText(problem.text())
                        .setStrategy(Strategy.newBuilder(strategy).build())
                        .setBudget(Budget.newBuilder().setMaxModelCalls(400).setMaxTokens(10_000_000L).setDeadline(null).build())
                        .setRequester("simulation").setSubmittedAt(Instant.ofEpochMilli(now)).build(), now);
                AnswerPublished answer = null;
                for (int round = 0; round < MAX_ROUNDS && answer == null; round++) {
                    now += 10;
                    final List<StepProposed> steps = new ArrayList<>();
                    for (final StepProposalRequested request : fx.requests.readValuesToList()) {
                        steps.addAll(propose(backend, request));
                    }
                    for (final RevisionRequested revision : fx.revisions.readValuesToList()) {
                        steps.add(revise(backend, revision));
                    }
                    for (final StepProposed step : steps) {
                        fx.propose(step, now);
                    }
                    for (final StepProposed step : steps) {
                        if (step.getError() == null) {
                            fx.verify(verify(backend, step), now + 1);
                        }
                    }
                    final List<AnswerPublished> answers = fx.answers.readValuesToList();
                    if (!answers.isEmpty()) {
                        answer = answers.get(0);
                    } else if (steps.isEmpty()) {
                        break;
                    }
                }
                if (answer != null) {
                    answered++;
                    calls += answer.getModelCalls();
                    assertThat(answer.getModelCalls()).isLessThanOrEqualTo(400);
                    if (SyntheticTaskSuite.isCorrect(problem.text(), answer.getAnswer())) {
                        correct++;
                    } else {
                        LOG.info("{} ({} steps, {}): answered {} expected {}; votes {}", promptId, problem.difficulty(),
                                problem.family(), answer.getAnswer(), problem.expectedAnswer(), answer.getVotes());
                    }
                }
            }
        }
        return new Outcome((double) correct / problems.size(), answered == 0 ? 0 : (double) calls / answered, answered);
    }

    private static List<StepProposed> propose(final SyntheticModelBackend backend, final StepProposalRequested request) {
        final List<StepProposed> steps = new ArrayList<>();
        for (int i = 0; i < request.getSamples(); i++) {
            final String stepId = request.getRequestId() + "." + i;
            final StepProposed.Builder step = StepProposed.newBuilder()
                    .setPromptId(request.getPromptId()).setStepId(stepId).setRequestId(request.getRequestId())
                    .setChainId(request.getChainId()).setParentStepId(request.getParentStepId())
                    .setDepth(request.getDepth()).setRevisionOf(null).setContext(request.getContext())
                    .setError(null).setProducedAt(Instant.ofEpochMilli(TestEvents.T0));
            try {
                final ProposedStep proposed = backend.propose(new StepTask(request.getPromptId(),
                        request.getContext().getProblem(), request.getContext().getPriorSteps(), stepId, request.getDepth()));
                steps.add(step.setText(proposed.text()).setTerminal(proposed.terminal()).setAnswer(proposed.answer())
                        .setCall(call(proposed.tokens())).build());
            } catch (final ProblemNotUnderstoodException e) {
                steps.add(step.setText("").setTerminal(false).setAnswer(null).setError(e.getMessage()).setCall(call(0)).build());
            }
        }
        return steps;
    }

    private static StepProposed revise(final SyntheticModelBackend backend, final RevisionRequested revision) {
        final String stepId = revision.getRequestId() + ".0";
        final ChainContext context = revision.getContext();
        final ProposedStep revised = backend.revise(new RevisionTask(revision.getPromptId(), context.getProblem(),
                context.getPriorSteps(), revision.getRejectedText(), revision.getCritique(), stepId,
                revision.getDepth(), revision.getAttempt()));
        return StepProposed.newBuilder()
                .setPromptId(revision.getPromptId()).setStepId(stepId).setRequestId(revision.getRequestId())
                .setChainId(revision.getChainId()).setParentStepId(revision.getParentStepId())
                .setDepth(revision.getDepth()).setText(revised.text()).setTerminal(revised.terminal())
                .setAnswer(revised.answer()).setRevisionOf(revision.getStepId()).setContext(context)
                .setCall(call(revised.tokens())).setError(null).setProducedAt(Instant.ofEpochMilli(TestEvents.T0))
                .build();
    }

    private static StepVerified verify(final SyntheticModelBackend backend, final StepProposed step) {
        final Judgement judgement = backend.verify(new VerificationTask(step.getPromptId(),
                step.getContext().getProblem(), step.getContext().getPriorSteps(), step.getStepId(), step.getText()));
        return StepVerified.newBuilder()
                .setPromptId(step.getPromptId()).setStepId(step.getStepId()).setScore(judgement.score())
                .setVerdict(judgement.accepted() ? Verdict.ACCEPTED : Verdict.REJECTED)
                .setRationale(judgement.rationale()).setCall(call(judgement.tokens()))
                .setVerifiedAt(Instant.ofEpochMilli(TestEvents.T0)).build();
    }

    private static AgentCall call(final int tokens) {
        return AgentCall.newBuilder().setAgentInstance("simulation").setModel(SyntheticModelBackend.MODEL_NAME)
                .setTokens(tokens).setLatencyMs(0).build();
    }
}
