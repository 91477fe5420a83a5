package dev.stepwise.models.synthetic;

import dev.stepwise.models.ProposedStep;
import dev.stepwise.models.StepTask;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How hard a problem is for the synthetic backend under a config, including what the backend hides: <b>for reporting
 * only</b>. A benchmark may use it to bin problems by difficulty and to explain its results; no search strategy may
 * call it, since a strategy must estimate difficulty from what the model returns, as it would with a real model.
 *
 * @param profile           the profile it was computed for
 * @param latent            the hidden difficulty d in [0,1) (realistic); 0 in the uniform profile, which has none
 * @param steps             number of serial steps a correct chain takes
 * @param trapsOnPath       number of trap states along the correct chain (realistic; 0 in the uniform profile)
 * @param stepErrorRate     error rate of an ordinary step of this problem
 * @param trapErrorRate     error rate at a trap of this problem (0 in the uniform profile)
 * @param flawlessChainRate probability that one unverified chain makes no error at all: the product of the step
 *                          error rates along the correct chain. The pass@1 of the four families whose answer shows
 *                          every error; circuits, whose one-bit answer often masks an error, do better (see
 *                          {@link #sampledPassAtOne})
 */
public record SyntheticDifficulty(Profile profile, double latent, int steps, int trapsOnPath, double stepErrorRate,
                                  double trapErrorRate, double flawlessChainRate) {

    public SyntheticDifficulty {
        Objects.requireNonNull(profile, "profile");
    }

    /**
     * The difficulty of a problem under a config, computed without sampling.
     *
     * @throws dev.stepwise.models.ProblemNotUnderstoodException when the text is not a problem of the suite
     */
    public static SyntheticDifficulty of(final SyntheticConfig config, final String problem) {
        return of(config, SyntheticTaskSuite.parse(problem), problem);
    }

    private static <S> SyntheticDifficulty of(final SyntheticConfig config, final SerialProblem<S> parsed,
                                              final String problem) {
        return switch (config.profile()) {
            case UNIFORM -> new SyntheticDifficulty(Profile.UNIFORM, 0.0, parsed.steps(), 0, config.stepErrorRate(), 0.0,
                    Math.pow(1.0 - config.stepErrorRate(), parsed.steps()));
            case REALISTIC -> {
                final RealisticModel.Posed<S> posed = new RealisticModel(config.seed(), config.realistic())
                        .pose(parsed, problem);
                final double d = posed.difficulty();
                yield new SyntheticDifficulty(Profile.REALISTIC, d, parsed.steps(), posed.trapsOnPath(),
                        config.realistic().stepErrorAt(d), config.realistic().trapErrorAt(d), posed.flawlessChainRate());
            }
        };
    }

    /**
     * The share of {@code chains} unverified chains, proposed by a backend with this config, that end with the
     * problem's answer: pass@1 estimated by sampling, for any family and profile. Deterministic: the chains use the
     * prompt ids {@code pass-at-one/0}, {@code pass-at-one/1}, ...
     *
     * @throws IllegalArgumentException when chains is not positive
     * @throws dev.stepwise.models.ProblemNotUnderstoodException when the text is not a problem of the suite
     */
    public static double sampledPassAtOne(final SyntheticConfig config, final String problem, final int chains) {
        if (chains < 1) {
            throw new IllegalArgumentException("chains must be positive, got " + chains);
        }
        final SyntheticModelBackend backend = new SyntheticModelBackend(config);
        final int steps = SyntheticTaskSuite.stepsOf(problem);
        int right = 0;
        for (int i = 0; i < chains; i++) {
            final String prompt = "pass-at-one/" + i;
            final List<String> texts = new ArrayList<>();
            ProposedStep step = null;
            // A chain never takes more steps than the correct one (a slip can only shorten it); the bound is a guard.
            while ((step == null || !step.terminal()) && texts.size() <= steps) {
                step = backend.propose(new StepTask(prompt, problem, texts, prompt + "/s" + texts.size(), texts.size()));
                texts.add(step.text());
            }
            right += step.terminal() && SyntheticTaskSuite.isCorrect(problem, step.answer()) ? 1 : 0;
        }
        return (double) right / chains;
    }
}
