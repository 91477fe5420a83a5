package dev.stepwise.models.synthetic;

import dev.stepwise.models.synthetic.RealisticModel.Posed;
import dev.stepwise.models.synthetic.SerialProblem.Transition;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Test fixture: one state along the correct chain of a problem, with what the realistic profile hides there (the
 * difficulty, whether the state is a trap, its plausible wrong step), worked out through the profile's own draws so
 * that the tests can sort the backend's outputs into right, plausible and random.
 *
 * @param problem    the problem
 * @param prior      the correct steps before this state
 * @param difficulty the problem's hidden difficulty
 * @param trap       whether this state is a trap
 * @param right      the correct next step
 * @param plausible  the trap's plausible wrong step (defined at every state; the proposer only falls for it at traps)
 * @param random     a random wrong step; at a trap, one whose state is not the plausible one's (null when there is
 *                   none)
 */
record RealisticSite(GeneratedProblem problem, List<String> prior, double difficulty, boolean trap, String right,
                      String plausible, String random) {

    /** The 300 problems the realistic tests share: the five families in turn, 4 to 16 steps. */
    static final List<GeneratedProblem> PROBLEMS = SyntheticTaskSuite.mixed(300, 16, 2024L);

    /** Every state along the correct chains of the problems, in order. */
    static List<RealisticSite> along(final SyntheticConfig config, final List<GeneratedProblem> problems) {
        final RealisticModel model = new RealisticModel(config.seed(), config.realistic());
        final List<RealisticSite> sites = new ArrayList<>();
        for (final GeneratedProblem problem : problems) {
            collect(model.pose(SyntheticTaskSuite.parse(problem.text()), problem.text()), problem, sites);
        }
        return sites;
    }

    /**
     * A random wrong step; at a trap, one whose state is not the plausible one's, or null when every slip there
     * reaches that state (a gate has only one wrong value, so at a circuit's trap every wrong step is the plausible
     * one).
     */
    private static <S> String otherSlip(final SerialProblem<S> serial, final S state, final Transition<S> trapStep,
                                        final long seed) {
        final SplittableRandom random = new SplittableRandom(seed);
        for (int tries = 0; tries < 8; tries++) {
            final Transition<S> slip = serial.corrupt(state, random);
            if (trapStep == null || !slip.state().equals(trapStep.state())) {
                return Chains.render(serial, slip).text();
            }
        }
        return null;
    }

    /** The hidden difficulty of a problem under a config. */
    static double difficulty(final SyntheticConfig config, final GeneratedProblem problem) {
        return new RealisticModel(config.seed(), config.realistic()).difficulty(problem.text());
    }

    private static <S> void collect(final Posed<S> posed, final GeneratedProblem problem, final List<RealisticSite> out) {
        final SerialProblem<S> serial = posed.problem();
        final List<String> prior = new ArrayList<>();
        for (S state = serial.initial(); !serial.isFinal(state); ) {
            final Transition<S> next = serial.next(state);
            final String right = Chains.render(serial, next).text();
            final Transition<S> trapStep = posed.trapStep(state);
            final boolean trap = posed.isTrap(state);
            out.add(new RealisticSite(problem, List.copyOf(prior), posed.difficulty(), trap, right,
                    Chains.render(serial, trapStep).text(), otherSlip(serial, state, trap ? trapStep : null, out.size())));
            prior.add(right);
            state = next.state();
        }
    }
}
