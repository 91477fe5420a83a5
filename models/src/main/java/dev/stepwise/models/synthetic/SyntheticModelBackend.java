package dev.stepwise.models.synthetic;

import dev.stepwise.models.Judgement;
import dev.stepwise.models.ModelBackend;
import dev.stepwise.models.ProposedStep;
import dev.stepwise.models.RevisionTask;
import dev.stepwise.models.StepTask;
import dev.stepwise.models.VerificationTask;
import dev.stepwise.models.synthetic.Chains.Check;
import dev.stepwise.models.synthetic.Chains.Judged;
import dev.stepwise.models.synthetic.Chains.Written;
import dev.stepwise.models.synthetic.SerialProblem.Transition;

import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

import static dev.stepwise.models.synthetic.Chains.words;

/**
 * The embedded default backend: a <em>synthetic</em> stand-in for a model, built on {@link SyntheticTaskSuite}. It is
 * not a language model. It solves only the suite's five families of serial problems, and goes wrong in one of two
 * ways ({@link SyntheticConfig#profile()}):
 * <ul>
 *   <li>{@link Profile#UNIFORM uniform} (the default): the proposer writes the correct next step, except with
 *       probability {@code stepErrorRate} a realistic wrong one (off-by-one, wrong operand, dropped term, swapped
 *       images, misread gate, ...); the verifier recomputes the step from the chain before it, optionally noisy (false
 *       accepts and false rejects) to play an imperfect process reward model, and asked for an outcome checks the
 *       chain's final answer against the problem's ground truth instead, with the same noise rates and an
 *       independent draw; the reviser writes the correct step except with probability {@code reviserErrorRate};</li>
 *   <li>{@link Profile#REALISTIC realistic}: problems differ in a hidden difficulty, some states are traps where the
 *       wrong samples agree, the verifier gives graded, noisy scores that plausible errors fool more easily, and the
 *       reviser needs an informative critique (see {@link RealisticConfig}).</li>
 * </ul>
 * Every step text carries the whole state reached, so the backend always continues, and checks, a chain from what its
 * last step says, even when a noisy verifier let a wrong step through. Each random choice is a pure function of
 * (seed, role, promptId, stepId, attempt), and, in the realistic profile, of (seed, problem) and (seed, problem,
 * state), so runs and replays reproduce exactly. Token counts are an approximation: the number of
 * whitespace-separated words of the input context plus the output. Thread-safe.
 */
public final class SyntheticModelBackend implements ModelBackend {

    /** The model name recorded on every event; says plainly that this is not a language model. */
    public static final String MODEL_NAME = "synthetic/serial-v1";

    static final int CACHE_CAPACITY = 1024;

    private final SyntheticConfig config;
    private final RealisticModel realistic;
    private final ProblemCache problems = new ProblemCache(CACHE_CAPACITY);

    public SyntheticModelBackend() {
        this(SyntheticConfig.defaults());
    }

    public SyntheticModelBackend(final SyntheticConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.realistic = new RealisticModel(config.seed(), config.realistic());
    }

    public SyntheticConfig config() {
        return config;
    }

    @Override
    public String model() {
        return MODEL_NAME;
    }

    /** The next step of the chain as written, wrong at the profile's rates. Uses attempt 0. */
    @Override
    public ProposedStep propose(final StepTask task) {
        final SerialProblem<?> problem = problems.get(task.problem());
        final SplittableRandom random = Seeds.random(config.seed(), "propose", task.promptId(), task.stepId(), "0");
        final Written step = switch (config.profile()) {
            case UNIFORM -> write(problem, task.priorSteps(), random, config.stepErrorRate(), null);
            case REALISTIC -> realistic.propose(realistic.pose(problem, task.problem()), task.priorSteps(), random);
        };
        return new ProposedStep(step.text(), step.terminal(), step.answer(),
                words(task.problem()) + words(task.priorSteps()) + words(step.text()));
    }

    /**
     * Checks the step against the chain before it (STEP), or the final answer of the chain the step ends against the
     * problem's ground truth (OUTCOME). Uniform: the exact check, flipped with the configured noise rates. Realistic:
     * a graded score with Gaussian noise. The two kinds draw their noise independently (roles "verify" and
     * "verify-outcome"), so an outcome check does not repeat the step check's mistake on the same step.
     */
    @Override
    public Judgement verify(final VerificationTask task) {
        final SerialProblem<?> problem = problems.get(task.problem());
        final Judged judged = switch (task.kind()) {
            case STEP -> {
                final SplittableRandom noise = Seeds.random(config.seed(), "verify", task.promptId(), task.stepId());
                yield switch (config.profile()) {
                    case UNIFORM -> withNoise(Chains.check(problem, task.priorSteps(), task.stepText()), "step",
                            noise.nextDouble());
                    case REALISTIC -> realistic.verifyStep(realistic.pose(problem, task.problem()), task.priorSteps(),
                            task.stepText(), noise);
                };
            }
            case OUTCOME -> {
                final SplittableRandom noise = Seeds.random(config.seed(), "verify-outcome", task.promptId(),
                        task.stepId());
                yield switch (config.profile()) {
                    case UNIFORM -> withNoise(Chains.checkOutcome(problem, task.stepText()), "answer", noise.nextDouble());
                    case REALISTIC -> realistic.verifyOutcome(realistic.pose(problem, task.problem()), task.priorSteps(),
                            task.stepText(), noise);
                };
            }
        };
        final int tokens = words(task.problem()) + words(task.priorSteps()) + words(task.stepText())
                + words(judged.rationale());
        return new Judgement(judged.score(), judged.accepted(), judged.rationale(), tokens);
    }

    /** The exact check, flipped when {@code draw} falls under the matching noise rate; the rationale says so. */
    private Judged withNoise(final Check check, final String what, final double draw) {
        if (check.correct() && draw < config.falseRejectRate()) {
            return new Judged(0.0, false, "rejected by simulated verifier noise (false-reject rate "
                    + config.falseRejectRate() + "); the exact check found the " + what + " " + check.rationale());
        }
        if (!check.correct() && draw < config.falseAcceptRate()) {
            return new Judged(1.0, true, "accepted by simulated verifier noise (false-accept rate "
                    + config.falseAcceptRate() + "); the exact check found: " + check.rationale());
        }
        return Judged.exact(check);
    }

    /**
     * A rewrite of the rejected step. Uniform: the correct step with probability 1 - reviserErrorRate, else another
     * wrong one. Realistic: likely right when the critique names the expected step, else as good as a fresh sample.
     */
    @Override
    public ProposedStep revise(final RevisionTask task) {
        final SerialProblem<?> problem = problems.get(task.problem());
        final SplittableRandom random = Seeds.random(config.seed(), "revise", task.promptId(), task.stepId(),
                Integer.toString(task.attempt()));
        final Written step = switch (config.profile()) {
            case UNIFORM -> write(problem, task.priorSteps(), random, config.reviserErrorRate(), task.rejectedStep());
            case REALISTIC -> realistic.revise(realistic.pose(problem, task.problem()), task.priorSteps(),
                    task.rejectedStep(), task.critique(), random);
        };
        final int tokens = words(task.problem()) + words(task.priorSteps()) + words(task.rejectedStep())
                + words(task.critique()) + words(step.text());
        return new ProposedStep(step.text(), step.terminal(), step.answer(), tokens);
    }

    /** Uniform: the correct next step, or with probability {@code errorRate} a wrong one, unlike {@code avoid}. */
    private static <S> Written write(final SerialProblem<S> problem, final List<String> prior,
                                     final SplittableRandom random, final double errorRate, final String avoid) {
        final S before = Chains.stateAfter(problem, prior);
        if (problem.isFinal(before)) {
            // Only reached when a caller goes on after a terminal step; restating the answer is all there is to do.
            return Chains.render(problem, new Transition<>(Chains.NOTHING_LEFT, before));
        }
        if (random.nextDouble() >= errorRate) {
            return Chains.render(problem, problem.next(before));
        }
        return Chains.slip(problem, before, random, avoid);
    }
}
