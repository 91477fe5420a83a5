package dev.stepwise.models.synthetic;

import dev.stepwise.models.ProblemNotUnderstoodException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The benchmark's view of a problem's difficulty, hidden parts included. */
class SyntheticDifficultyTest {

    private static final SyntheticConfig REALISTIC = SyntheticConfig.realisticDefaults();

    @Test
    void uniformProblemsDifferOnlyInLength() {
        final GeneratedProblem problem = SyntheticTaskSuite.generate(Family.ITERATED_SQUARING, 12, 3L);
        final SyntheticDifficulty difficulty = SyntheticDifficulty.of(SyntheticConfig.defaults(), problem.text());
        assertThat(difficulty).isEqualTo(new SyntheticDifficulty(Profile.UNIFORM, 0.0, 12, 0, 0.1, 0.0,
                Math.pow(0.9, 12)));
    }

    @Test
    void realisticDifficultyIsTheHiddenOneAndTheRatesFollowFromIt() {
        for (final GeneratedProblem problem : RealisticSite.PROBLEMS.subList(0, 50)) {
            final SyntheticDifficulty difficulty = SyntheticDifficulty.of(REALISTIC, problem.text());
            final double d = RealisticSite.difficulty(REALISTIC, problem);
            assertThat(difficulty.profile()).isEqualTo(Profile.REALISTIC);
            assertThat(difficulty.latent()).isEqualTo(d);
            assertThat(difficulty.steps()).isEqualTo(problem.difficulty());
            assertThat(difficulty.stepErrorRate()).isCloseTo(0.4 * d * d, within(1e-12));
            assertThat(difficulty.trapErrorRate()).isCloseTo(0.3 + 0.5 * d, within(1e-12));
            assertThat(difficulty.trapsOnPath()).isEqualTo((int) RealisticSite.along(REALISTIC, List.of(problem)).stream()
                    .filter(RealisticSite::trap).count());
            final double flawless = Math.pow(1 - difficulty.stepErrorRate(), difficulty.steps() - difficulty.trapsOnPath())
                    * Math.pow(1 - difficulty.trapErrorRate(), difficulty.trapsOnPath());
            assertThat(difficulty.flawlessChainRate()).isCloseTo(flawless, within(1e-12));
            assertThat(SyntheticDifficulty.of(REALISTIC, problem.text())).isEqualTo(difficulty);
        }
    }

    /**
     * In the four families where every error shows in the answer, the sampled pass@1 is the flawless-chain rate,
     * up to sampling error (40 chains: at most 0.08 for one problem, 0.01 on average over 100) and the rare error
     * that heals (a dropped term that leaves the residue unchanged, two off-by-ones that cancel).
     */
    @Test
    void sampledPassAtOneOfTheWideAnswerFamiliesIsTheFlawlessChainRate() {
        final List<Double> differences = new ArrayList<>();
        for (final GeneratedProblem problem : RealisticSite.PROBLEMS) {
            if (problem.family() == Family.BOOLEAN_CIRCUIT || differences.size() == 100) {
                continue;
            }
            final double sampled = SyntheticDifficulty.sampledPassAtOne(REALISTIC, problem.text(), 40);
            final double flawless = SyntheticDifficulty.of(REALISTIC, problem.text()).flawlessChainRate();
            assertThat(sampled).as(problem.text()).isCloseTo(flawless, within(0.3));
            differences.add(sampled - flawless);
        }
        assertThat(differences.stream().mapToDouble(Double::doubleValue).average().orElseThrow()).isCloseTo(0.0,
                within(0.03));
    }

    @Test
    void sampledPassAtOneIsDeterministicAndWorksForTheUniformProfileToo() {
        final String problem = SyntheticTaskSuite.generate(Family.INTEGER_ARITHMETIC, 8, 1L).text();
        assertThat(SyntheticDifficulty.sampledPassAtOne(REALISTIC, problem, 30))
                .isEqualTo(SyntheticDifficulty.sampledPassAtOne(REALISTIC, problem, 30));
        assertThat(SyntheticDifficulty.sampledPassAtOne(SyntheticConfig.defaults(), problem, 400))
                .isCloseTo(Math.pow(0.9, 8), within(0.06));
        assertThat(SyntheticDifficulty.sampledPassAtOne(SyntheticConfig.defaults().withStepErrorRate(0.0), problem, 5))
                .isEqualTo(1.0);
    }

    @Test
    void badArgumentsAreRefused() {
        assertThatThrownBy(() -> SyntheticDifficulty.sampledPassAtOne(REALISTIC, "square 3 repeatedly 4 times mod 23", 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("chains");
        assertThatThrownBy(() -> SyntheticDifficulty.of(REALISTIC, "what is the meaning of life"))
                .isInstanceOf(ProblemNotUnderstoodException.class);
    }
}
