package dev.stepwise.models.synthetic;

import dev.stepwise.models.Judgement;
import dev.stepwise.models.ModelBackend;
import dev.stepwise.models.ProposedStep;
import dev.stepwise.models.RevisionTask;
import dev.stepwise.models.StepTask;
import dev.stepwise.models.VerificationTask;
import dev.stepwise.models.synthetic.SerialProblem.Transition;

import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The embedded default backend: a <em>synthetic</em> stand-in for a model, built on {@link SyntheticTaskSuite}. It is
 * not a language model. It solves only the suite's five families of serial problems, with:
 * <ul>
 *   <li>a fallible proposer: the correct next step, except with probability {@code stepErrorRate} a realistic wrong
 *       one (off-by-one, wrong operand, dropped term, swapped images, misread gate, ...);</li>
 *   <li>an exact verifier that recomputes the step from the chain before it, optionally noisy (false accepts and
 *       false rejects) to play an imperfect process reward model;</li>
 *   <li>a fallible reviser: the correct step except with probability {@code reviserErrorRate}.</li>
 * </ul>
 * Every step text carries the whole state reached, so the backend always continues, and checks, a chain from what its
 * last step says, even when a noisy verifier let a wrong step through. Each random choice is a pure function of
 * (seed, role, promptId, stepId, attempt), so runs and replays reproduce exactly. Token counts are an approximation:
 * the number of whitespace-separated words of the input context plus the output. Thread-safe.
 */
public final class SyntheticModelBackend implements ModelBackend {

    /** The model name recorded on every event; says plainly that this is not a language model. */
    public static final String MODEL_NAME = "synthetic/serial-v1";

    static final int CACHE_CAPACITY = 1024;
    private static final String NOTHING_LEFT = "nothing left to compute";
    private static final Pattern ANSWER = Pattern.compile(";\\s*answer\\s*:\\s*([^;]*?)\\s*$", Pattern.CASE_INSENSITIVE);
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");

    private final SyntheticConfig config;
    private final ProblemCache problems = new ProblemCache(CACHE_CAPACITY);

    public SyntheticModelBackend() {
        this(SyntheticConfig.defaults());
    }

    public SyntheticModelBackend(final SyntheticConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    public SyntheticConfig config() {
        return config;
    }

    @Override
    public String model() {
        return MODEL_NAME;
    }

    /** The next step of the chain as written; wrong with probability stepErrorRate. Uses attempt 0. */
    @Override
    public ProposedStep propose(final StepTask task) {
        final SerialProblem<?> problem = problems.get(task.problem());
        final SplittableRandom random = Seeds.random(config.seed(), "propose", task.promptId(), task.stepId(), "0");
        final Written step = write(problem, task.priorSteps(), random, config.stepErrorRate(), null);
        return new ProposedStep(step.text(), step.terminal(), step.answer(),
                words(task.problem()) + words(task.priorSteps()) + words(step.text()));
    }

    /** Exact check of the step against the chain before it, flipped with the configured noise rates. */
    @Override
    public Judgement verify(final VerificationTask task) {
        final SerialProblem<?> problem = problems.get(task.problem());
        final Check check = check(problem, task.priorSteps(), task.stepText());
        final double draw = Seeds.random(config.seed(), "verify", task.promptId(), task.stepId()).nextDouble();
        boolean accepted = check.correct();
        String rationale = check.rationale();
        if (check.correct() && draw < config.falseRejectRate()) {
            accepted = false;
            rationale = "rejected by simulated verifier noise (false-reject rate " + config.falseRejectRate()
                    + "); the exact check found the step " + rationale;
        } else if (!check.correct() && draw < config.falseAcceptRate()) {
            accepted = true;
            rationale = "accepted by simulated verifier noise (false-accept rate " + config.falseAcceptRate()
                    + "); the exact check found: " + rationale;
        }
        final int tokens = words(task.problem()) + words(task.priorSteps()) + words(task.stepText()) + words(rationale);
        return new Judgement(accepted ? 1.0 : 0.0, accepted, rationale, tokens);
    }

    /** The correct step with probability 1 - reviserErrorRate, else another wrong one. */
    @Override
    public ProposedStep revise(final RevisionTask task) {
        final SerialProblem<?> problem = problems.get(task.problem());
        final SplittableRandom random = Seeds.random(config.seed(), "revise", task.promptId(), task.stepId(),
                Integer.toString(task.attempt()));
        final Written step = write(problem, task.priorSteps(), random, config.reviserErrorRate(), task.rejectedStep());
        final int tokens = words(task.problem()) + words(task.priorSteps()) + words(task.rejectedStep())
                + words(task.critique()) + words(step.text());
        return new ProposedStep(step.text(), step.terminal(), step.answer(), tokens);
    }

    /** A step as written: its text and whether it ends the chain. */
    private record Written(String text, boolean terminal, String answer) {
    }

    /** The exact verdict on a step. */
    private record Check(boolean correct, String rationale) {
    }

    /** What a step text claims: the state after it and its {@code answer:} clause, if any. */
    private record Claim<S>(S state, String answer) {
    }

    private static <S> Written write(final SerialProblem<S> problem, final List<String> prior,
                                     final SplittableRandom random, final double errorRate, final String avoid) {
        final S before = stateAfter(problem, prior);
        if (problem.isFinal(before)) {
            // Only reached when a caller goes on after a terminal step; restating the answer is all there is to do.
            return render(problem, new Transition<>(NOTHING_LEFT, before));
        }
        if (random.nextDouble() >= errorRate) {
            return render(problem, problem.next(before));
        }
        Written wrong = render(problem, problem.corrupt(before, random));
        // A reviser that fails should fail differently from the step it was asked to fix, when it can.
        for (int tries = 0; tries < 4 && wrong.text().equals(avoid); tries++) {
            wrong = render(problem, problem.corrupt(before, random));
        }
        return wrong;
    }

    private static <S> Check check(final SerialProblem<S> problem, final List<String> prior, final String stepText) {
        final S before = stateAfter(problem, prior);
        final Transition<S> expected = problem.isFinal(before) ? new Transition<>(NOTHING_LEFT, before)
                : problem.next(before);
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

    /** The state the chain as written has reached: that of the last step that can be read, else the initial one. */
    private static <S> S stateAfter(final SerialProblem<S> problem, final List<String> prior) {
        for (int i = prior.size() - 1; i >= 0; i--) {
            try {
                return parse(problem, prior.get(i)).state();
            } catch (final StepFormatException e) {
                // Only a wrong step a noisy verifier let through gets here; continue from the one before it.
            }
        }
        return problem.initial();
    }

    private static <S> Claim<S> parse(final SerialProblem<S> problem, final String stepText) throws StepFormatException {
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

    private static <S> Written render(final SerialProblem<S> problem, final Transition<S> step) {
        final boolean terminal = problem.isFinal(step.state());
        final String answer = terminal ? problem.answer(step.state()) : null;
        final String text = step.work() + "; " + problem.describe(step.state()) + (terminal ? "; answer: " + answer : "");
        return new Written(text, terminal, answer);
    }

    private static int words(final List<String> texts) {
        return texts.stream().mapToInt(SyntheticModelBackend::words).sum();
    }

    private static int words(final String text) {
        if (text == null || text.isBlank()) {
            return 0;
        }
        return WHITESPACE.split(text.strip()).length;
    }
}
