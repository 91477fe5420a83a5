package dev.stepwise.bench;

import dev.stepwise.models.Judgement;
import dev.stepwise.models.ModelBackend;
import dev.stepwise.models.ProposedStep;
import dev.stepwise.models.StepTask;
import dev.stepwise.models.VerificationTask;
import java.util.ArrayList;
import java.util.List;

/**
 * The floor the strategies' cost is measured against: an oracle with an exact verifier proposes one step, has it
 * verified exactly, and proposes it again until it is accepted; so every chain it finishes is right. With a step
 * error rate p its expected cost is {@code 2 / (1 - p)} calls per serial step (a proposal and a verification per
 * try, {@code 1 / (1 - p)} tries), {@value #UNIFORM_CALLS_PER_STEP_AT_10_PERCENT} at 10%. It is simulated here on the
 * backend itself, so that a profile whose error rate differs by problem and by step is measured, not assumed.
 */
public final class Oracle {

    /** {@code 2 / (1 - 0.1)}, for the javadoc and the tests. */
    static final double UNIFORM_CALLS_PER_STEP_AT_10_PERCENT = 2.0 / 0.9;

    /** Tries per step after which the oracle gives up (a step no proposal gets right). */
    static final int MAX_TRIES_PER_STEP = 200;

    private Oracle() {
    }

    /**
     * The oracle's run on one problem.
     *
     * @param calls   proposals and verifications it made
     * @param correct whether it finished with the right answer (false only when it gave up on a step)
     */
    public record Run(int calls, boolean correct) {
    }

    /** The expected calls of the oracle on {@code steps} steps that each fail with probability {@code stepError}. */
    public static double expectedCalls(final int steps, final double stepError) {
        return 2.0 * steps / (1.0 - stepError);
    }

    /**
     * Runs the oracle on {@code problem} with {@code exactBackend} (the cell's backend with an exact verifier).
     * Its step ids ({@code oracle-<depth>.<try>}) are not ids the search uses.
     */
    public static Run run(final ModelBackend exactBackend, final BenchProblem problem) {
        final List<String> chain = new ArrayList<>();
        int calls = 0;
        for (int depth = 0; depth < 2 * problem.steps() + 2; depth++) {
            ProposedStep accepted = null;
            for (int attempt = 0; attempt < MAX_TRIES_PER_STEP && accepted == null; attempt++) {
                final String stepId = "oracle-" + depth + "." + attempt;
                final ProposedStep step = exactBackend.propose(new StepTask(problem.promptId(), problem.text(), chain,
                        stepId, depth));
                final Judgement verdict = exactBackend.verify(new VerificationTask(problem.promptId(), problem.text(),
                        chain, stepId, step.text()));
                calls += 2;
                if (verdict.accepted()) {
                    accepted = step;
                }
            }
            if (accepted == null) {
                return new Run(calls, false);
            }
            if (accepted.terminal()) {
                return new Run(calls, problem.isCorrect(accepted.answer()));
            }
            chain.add(accepted.text());
        }
        return new Run(calls, false);
    }
}
