package dev.stepwise.models.synthetic;

import dev.stepwise.models.synthetic.SerialProblem.Transition;

import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reading, writing and checking step texts: what both profiles of {@link SyntheticModelBackend} share. A step text
 * says what was computed, then the whole state reached ({@link SerialProblem#describe}), then, on the last step,
 * {@code answer: <value>}.
 */
final class Chains {

    static final String NOTHING_LEFT = "nothing left to compute";
    private static final Pattern ANSWER = Pattern.compile(";\\s*answer\\s*:\\s*([^;]*?)\\s*$", Pattern.CASE_INSENSITIVE);
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");

    private Chains() {
    }

    /** A step as written: its text, whether it ends the chain, and its answer if it does. */
    record Written(String text, boolean terminal, String answer) {
    }

    /** The exact verdict on a step, or on a chain's answer. */
    record Check(boolean correct, String rationale) {
    }

    /** The verdict given: a score in [0,1], the decision and its rationale. */
    record Judged(double score, boolean accepted, String rationale) {

        /** The exact verdict: 1.0 and accepted when right, 0.0 and rejected when wrong. */
        static Judged exact(final Check check) {
            return new Judged(check.correct() ? 1.0 : 0.0, check.correct(), check.rationale());
        }
    }

    /** What a step text claims: the state after it and its {@code answer:} clause, if any. */
    record Claim<S>(S state, String answer) {
    }

    /** The correct step from {@code before}; a step that changes nothing when there is nothing left to compute. */
    static <S> Transition<S> expected(final SerialProblem<S> problem, final S before) {
        return problem.isFinal(before) ? new Transition<>(NOTHING_LEFT, before) : problem.next(before);
    }

    /**
     * A realistic wrong step from {@code before}, a state that is not final. A reviser that fails should fail
     * differently from the step it was asked to fix ({@code avoid}, or null), when it can.
     */
    static <S> Written slip(final SerialProblem<S> problem, final S before, final SplittableRandom random,
                            final String avoid) {
        Written wrong = render(problem, problem.corrupt(before, random));
        for (int tries = 0; tries < 4 && wrong.text().equals(avoid); tries++) {
            wrong = render(problem, problem.corrupt(before, random));
        }
        return wrong;
    }

    static <S> Check check(final SerialProblem<S> problem, final List<String> prior, final String stepText) {
        final S before = stateAfter(problem, prior);
        final Transition<S> expected = expected(problem, before);
        final Claim<S> claim;
        try {
            claim = parse(problem, stepText);
        } catch (final StepFormatException e) {
            return new Check(false, "cannot read the step: " + e.getMessage());
        }
        if (!claim.state().equals(expected.state())) {
            return new Check(false, "expected " + expected.work() + ", " + problem.describe(expected.state())
                    + "; the step says " + problem.describe(claim.state()));
        }
        if (problem.isFinal(claim.state())) {
            final String answer = problem.answer(claim.state());
            if (claim.answer() == null) {
                return new Check(false, "the step finishes the computation but does not end with 'answer: " + answer + "'");
            }
            if (!answer.equals(problem.normalizeAnswer(claim.answer()))) {
                return new Check(false, "the step computes " + answer + " but its answer says " + claim.answer());
            }
        } else if (claim.answer() != null) {
            return new Check(false, "the step gives an answer but the computation is not finished: "
                    + problem.describe(claim.state()));
        }
        return new Check(true, "correct: " + expected.work());
    }

    /**
     * Whether the final answer of a finished chain, the {@code answer:} clause of its terminal step, is the problem's
     * answer. Only the answer counts: an outcome check, like an outcome reward model, does not look at the work.
     */
    static <S> Check checkOutcome(final SerialProblem<S> problem, final String terminalStep) {
        final String expected = problem.solve();
        final String claimed = answerClause(terminalStep);
        if (claimed == null) {
            return new Check(false, "the chain ends without a final answer: its last step has no 'answer: <value>' clause");
        }
        final String normalized = problem.normalizeAnswer(claimed);
        if (normalized == null) {
            return new Check(false, "cannot read '" + claimed + "' as an answer of the " + problem.family().id()
                    + " family; the problem's answer is " + expected);
        }
        if (!normalized.equals(expected)) {
            return new Check(false, "the chain's answer is " + normalized + " but the problem's answer is " + expected);
        }
        return new Check(true, "correct: the chain's answer " + normalized + " is the problem's answer");
    }

    /** The raw {@code answer:} clause of a step, or null when it has none. */
    static String answerClause(final String stepText) {
        final Matcher clause = ANSWER.matcher(stepText == null ? "" : stepText.strip());
        return clause.find() ? clause.group(1) : null;
    }

    /** The state the chain as written has reached: that of the last step that can be read, else the initial one. */
    static <S> S stateAfter(final SerialProblem<S> problem, final List<String> prior) {
        for (int i = prior.size() - 1; i >= 0; i--) {
            try {
                return parse(problem, prior.get(i)).state();
            } catch (final StepFormatException e) {
                // Only a wrong step a noisy verifier let through gets here; continue from the one before it.
            }
        }
        return problem.initial();
    }

    static <S> Claim<S> parse(final SerialProblem<S> problem, final String stepText) throws StepFormatException {
        if (stepText == null || stepText.isBlank()) {
            throw new StepFormatException("the step is empty");
        }
        final String text = stepText.strip();
        final Matcher answer = ANSWER.matcher(text);
        if (answer.find()) {
            return new Claim<>(problem.parseState(text.substring(0, answer.start())), answer.group(1));
        }
        return new Claim<>(problem.parseState(text), null);
    }

    static <S> Written render(final SerialProblem<S> problem, final Transition<S> step) {
        final boolean terminal = problem.isFinal(step.state());
        final String answer = terminal ? problem.answer(step.state()) : null;
        final String text = step.work() + "; " + problem.describe(step.state()) + (terminal ? "; answer: " + answer : "");
        return new Written(text, terminal, answer);
    }

    static int words(final List<String> texts) {
        return texts.stream().mapToInt(Chains::words).sum();
    }

    static int words(final String text) {
        if (text == null || text.isBlank()) {
            return 0;
        }
        return WHITESPACE.split(text.strip()).length;
    }
}
