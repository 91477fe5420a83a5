package dev.stepwise.models.synthetic;

import dev.stepwise.models.synthetic.Chains.Check;
import dev.stepwise.models.synthetic.Chains.Claim;
import dev.stepwise.models.synthetic.Chains.Judged;
import dev.stepwise.models.synthetic.Chains.Written;
import dev.stepwise.models.synthetic.SerialProblem.Transition;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.regex.Pattern;

/**
 * The proposer, verifier and reviser of the {@link Profile#REALISTIC realistic} profile (the rates are described in
 * {@link RealisticConfig}). Every draw is a pure function of the seed and the ids of the call:
 * <ul>
 *   <li>a problem's difficulty d: of (seed, problem);</li>
 *   <li>whether a state is a trap, and the plausible wrong step there: of (seed, problem, state), so every chain that
 *       reaches the state, whatever its prompt or step ids, meets the same trap and the same wrong value;</li>
 *   <li>a sample's slip: of (seed, prompt, step id), as in the uniform profile; a verdict's noise likewise.</li>
 * </ul>
 * The difficulty never shows in any output: a step text, rationale or token count reads the same whatever d is; only
 * how often each kind of output occurs depends on it.
 */
final class RealisticModel {

    /** Mean score of a right step, of a wrong step with the trap's plausible value, and of any other wrong step. */
    static final double RIGHT_STEP_SCORE = 0.85;
    static final double PLAUSIBLE_STEP_SCORE = 0.55;
    static final double RANDOM_STEP_SCORE = 0.15;

    /** Mean score of a right answer, of a wrong one reached only through trap errors, and of any other wrong one. */
    static final double RIGHT_ANSWER_SCORE = 0.80;
    static final double PLAUSIBLE_ANSWER_SCORE = 0.50;
    static final double WRONG_ANSWER_SCORE = 0.20;

    /** A score at or above this is an acceptance. */
    static final double ACCEPT_AT = 0.5;

    /**
     * Below this score the verifier is sure: rejecting a wrong step it names what the step should have computed.
     * Between it and {@link #ACCEPT_AT}, and whenever it rejects a right step, its critique is vague.
     */
    static final double SURE_BELOW = 0.35;

    static final String DOUBTFUL_STEP = "this step looks doubtful: it may not follow from the chain before it";

    private static final Pattern WHITESPACE = Pattern.compile("\\s+");

    private final long seed;
    private final RealisticConfig knobs;

    RealisticModel(final long seed, final RealisticConfig knobs) {
        this.seed = seed;
        this.knobs = knobs;
    }

    /** The hidden difficulty of a problem, in [0,1): uniform over problems, fixed by the seed and the problem text. */
    double difficulty(final String problemText) {
        return Seeds.random(seed, "difficulty", key(problemText)).nextDouble();
    }

    /** A problem with what the profile hides about it. */
    <S> Posed<S> pose(final SerialProblem<S> problem, final String problemText) {
        return new Posed<>(problem, key(problemText), difficulty(problemText));
    }

    /** The next step of the chain as written: the trap's value or a slip at the problem's rates, else the right one. */
    <S> Written propose(final Posed<S> posed, final List<String> prior, final SplittableRandom random) {
        final S before = Chains.stateAfter(posed.problem(), prior);
        if (posed.problem().isFinal(before)) {
            return Chains.render(posed.problem(), new Transition<>(Chains.NOTHING_LEFT, before));
        }
        return sample(posed, before, random, null);
    }

    /**
     * A graded, noisy process reward: about 0.85 for a right step, 0.55 for the trap's plausible wrong value, 0.15
     * for any other wrong step, plus Gaussian noise; exact when the noise is 0. A step that cannot be read scores 0.
     */
    <S> Judged verifyStep(final Posed<S> posed, final List<String> prior, final String stepText,
                          final SplittableRandom noise) {
        final SerialProblem<S> problem = posed.problem();
        final Check exact = Chains.check(problem, prior, stepText);
        if (knobs.verifierNoise() == 0.0) {
            return Judged.exact(exact);
        }
        final Claim<S> claim;
        try {
            claim = Chains.parse(problem, stepText);
        } catch (final StepFormatException e) {
            return Judged.exact(exact);
        }
        final double mean;
        if (exact.correct()) {
            mean = RIGHT_STEP_SCORE;
        } else {
            final S before = Chains.stateAfter(problem, prior);
            mean = posed.isPlausibleSlip(before, claim.state()) ? PLAUSIBLE_STEP_SCORE : RANDOM_STEP_SCORE;
        }
        final double score = noisy(mean, noise);
        if (score >= ACCEPT_AT) {
            return new Judged(score, true, "looks right: " + problem.describe(claim.state()));
        }
        if (!exact.correct() && score < SURE_BELOW) {
            return new Judged(score, false, exact.rationale());
        }
        return new Judged(score, false, DOUBTFUL_STEP);
    }

    /**
     * A graded, noisy outcome reward on the final answer of a finished chain: about 0.8 for the right answer, 0.5 for
     * a wrong one the chain reached only through traps (the answer a model is most likely to believe), 0.2 for any
     * other; exact when the noise is 0. It never says what the right answer is: an outcome verifier that knew it
     * would be a solver.
     */
    <S> Judged verifyOutcome(final Posed<S> posed, final List<String> prior, final String terminalStep,
                             final SplittableRandom noise) {
        final SerialProblem<S> problem = posed.problem();
        final Check exact = Chains.checkOutcome(problem, terminalStep);
        if (knobs.verifierNoise() == 0.0) {
            return Judged.exact(exact);
        }
        final String claimed = Chains.answerClause(terminalStep);
        final String answer = claimed == null ? null : problem.normalizeAnswer(claimed);
        if (answer == null) {
            return new Judged(0.0, false, "the chain ends without a final answer that can be read");
        }
        final double mean = exact.correct() ? RIGHT_ANSWER_SCORE
                : wrongOnlyAtTraps(posed, prior, terminalStep, answer) ? PLAUSIBLE_ANSWER_SCORE : WRONG_ANSWER_SCORE;
        final double score = noisy(mean, noise);
        if (score >= ACCEPT_AT) {
            return new Judged(score, true, "the chain's answer " + answer + " looks right");
        }
        if (!exact.correct() && score < SURE_BELOW) {
            return new Judged(score, false, "the chain's answer " + answer + " is wrong");
        }
        return new Judged(score, false, "the chain's answer " + answer + " looks doubtful");
    }

    /**
     * A rewrite of a rejected step. Told the expected step (the critique names the state it reaches), the reviser
     * writes it with probability {@code informedRevisionRate - 0.3d}; otherwise, and whenever the critique is vaguer,
     * it does no better than a fresh sample, so at a trap it often falls for the same plausible value again. An
     * informative critique therefore never hurts, and helps most where fresh samples fail most: at traps and on hard
     * problems.
     */
    <S> Written revise(final Posed<S> posed, final List<String> prior, final String rejectedStep, final String critique,
                       final SplittableRandom random) {
        final SerialProblem<S> problem = posed.problem();
        final S before = Chains.stateAfter(problem, prior);
        if (problem.isFinal(before)) {
            return Chains.render(problem, new Transition<>(Chains.NOTHING_LEFT, before));
        }
        final Transition<S> right = problem.next(before);
        if (names(critique, problem.describe(right.state()))
                && random.nextDouble() < knobs.informedRevisionAt(posed.difficulty())) {
            return Chains.render(problem, right);
        }
        return sample(posed, before, random, rejectedStep);
    }

    /** One sample from a state that is not final, at the rates of the problem's difficulty. */
    private <S> Written sample(final Posed<S> posed, final S before, final SplittableRandom random, final String avoid) {
        final SerialProblem<S> problem = posed.problem();
        if (posed.isTrap(before)) {
            return Chains.render(problem, random.nextDouble() < knobs.trapErrorAt(posed.difficulty())
                    ? posed.trapStep(before) : problem.next(before));
        }
        if (random.nextDouble() >= knobs.stepErrorAt(posed.difficulty())) {
            return Chains.render(problem, problem.next(before));
        }
        return Chains.slip(problem, before, random, avoid);
    }

    /**
     * True when every wrong step of the chain took its trap's plausible value, and there was at least one: the chain
     * as written is read from the start; a step that cannot be read, or one after the end, counts as another error.
     */
    private <S> boolean wrongOnlyAtTraps(final Posed<S> posed, final List<String> prior, final String terminalStep,
                                         final String answer) {
        final SerialProblem<S> problem = posed.problem();
        final List<String> chain = new ArrayList<>(prior);
        chain.add(terminalStep);
        S state = problem.initial();
        int slips = 0;
        for (final String text : chain) {
            if (problem.isFinal(state)) {
                return false;
            }
            final S claimed;
            try {
                claimed = Chains.parse(problem, text).state();
            } catch (final StepFormatException e) {
                return false;
            }
            if (!claimed.equals(problem.next(state).state())) {
                if (!posed.isPlausibleSlip(state, claimed)) {
                    return false;
                }
                slips++;
            }
            state = claimed;
        }
        return slips > 0 && problem.isFinal(state) && problem.answer(state).equals(answer);
    }

    private double noisy(final double mean, final SplittableRandom noise) {
        return Math.clamp(mean + knobs.verifierNoise() * gaussian(noise), 0.0, 1.0);
    }

    /**
     * A standard normal draw by the Box-Muller transform, written out so that the value depends only on the two
     * uniform draws and is the same on every JVM.
     */
    static double gaussian(final SplittableRandom random) {
        final double radius = Math.sqrt(-2.0 * Math.log(1.0 - random.nextDouble()));
        return radius * Math.cos(2.0 * Math.PI * random.nextDouble());
    }

    /** Whether a critique names a state: the state's clause appears in it, ignoring case and spacing. */
    static boolean names(final String critique, final String stateClause) {
        return critique != null && normalized(critique).contains(normalized(stateClause));
    }

    /** A problem's text as every draw keys it: ignoring case and spacing, as the parser reads it. */
    static String key(final String problemText) {
        return normalized(problemText);
    }

    private static String normalized(final String text) {
        return WHITESPACE.matcher(text.strip().toLowerCase(Locale.ROOT)).replaceAll(" ");
    }

    /**
     * A problem as the realistic profile sees it: the problem, the key its draws use, and its hidden difficulty.
     *
     * @param <S> the problem's state
     */
    final class Posed<S> {
        private final SerialProblem<S> problem;
        private final String key;
        private final double difficulty;

        private Posed(final SerialProblem<S> problem, final String key, final double difficulty) {
            this.problem = problem;
            this.key = key;
            this.difficulty = difficulty;
        }

        SerialProblem<S> problem() {
            return problem;
        }

        double difficulty() {
            return difficulty;
        }

        /** Whether a state that is not final is a trap; the same for every chain that reaches it. */
        boolean isTrap(final S state) {
            return !problem.isFinal(state)
                    && Seeds.random(seed, "trap", key, problem.describe(state)).nextDouble()
                    < knobs.trapChanceAt(difficulty);
        }

        /** The plausible wrong step from a state: the same for every chain that reaches it. */
        Transition<S> trapStep(final S state) {
            return problem.corrupt(state, Seeds.random(seed, "trap-value", key, problem.describe(state)));
        }

        /** Whether {@code after} is the plausible wrong value of a trap at {@code before}. */
        boolean isPlausibleSlip(final S before, final S after) {
            return isTrap(before) && after.equals(trapStep(before).state());
        }

        /** Number of traps on the correct path from the initial state. */
        int trapsOnPath() {
            int traps = 0;
            for (S state = problem.initial(); !problem.isFinal(state); state = problem.next(state).state()) {
                traps += isTrap(state) ? 1 : 0;
            }
            return traps;
        }

        /** Probability that an unverified chain makes no error: the product, along the correct path, of each step's. */
        double flawlessChainRate() {
            double rate = 1.0;
            for (S state = problem.initial(); !problem.isFinal(state); state = problem.next(state).state()) {
                rate *= 1.0 - (isTrap(state) ? knobs.trapErrorAt(difficulty) : knobs.stepErrorAt(difficulty));
            }
            return rate;
        }
    }
}
