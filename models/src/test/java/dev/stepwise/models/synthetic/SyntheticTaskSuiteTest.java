package dev.stepwise.models.synthetic;

import dev.stepwise.models.ProblemNotUnderstoodException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SyntheticTaskSuiteTest {

    @ParameterizedTest
    @EnumSource(Family.class)
    void generateGivesTheSameProblemForTheSameSeedAndDifferentOnesForOtherSeeds(final Family family) {
        final Set<String> texts = new HashSet<>();
        for (long seed = 0; seed < 50; seed++) {
            final GeneratedProblem problem = SyntheticTaskSuite.generate(family, 12, seed);
            assertThat(SyntheticTaskSuite.generate(family, 12, seed)).isEqualTo(problem);
            texts.add(problem.text());
        }
        assertThat(texts).hasSizeGreaterThan(45);
    }

    @ParameterizedTest
    @EnumSource(Family.class)
    void solveAgreesWithTheGeneratorForEveryDifficultyFromOneTo32(final Family family) {
        for (int steps = 1; steps <= 32; steps++) {
            for (long seed = 0; seed < 25; seed++) {
                final GeneratedProblem problem = SyntheticTaskSuite.generate(family, steps, seed);
                assertThat(problem.family()).isEqualTo(family);
                assertThat(problem.difficulty()).isEqualTo(steps);
                assertThat(SyntheticTaskSuite.solve(problem.text())).as(problem.text()).isEqualTo(problem.expectedAnswer());
                assertThat(SyntheticTaskSuite.familyOf(problem.text())).isEqualTo(family);
                assertThat(SyntheticTaskSuite.stepsOf(problem.text())).as(problem.text()).isEqualTo(steps);
            }
        }
    }

    @Test
    void solvesTheDocumentedExamplesAsWorkedOutByHand() {
        // (12+5)*2 = 34 = 6 (mod 7)
        assertThat(SyntheticTaskSuite.solve("compute (3*4+5)*2 mod 7")).isEqualTo("6");
        // [2,3,1,5,4] then [1,3,2,4,5] = [3,2,1,5,4]; then [5,4,3,2,1] = [3,4,5,1,2]
        assertThat(SyntheticTaskSuite.solve("compose [2,3,1,5,4] [1,3,2,4,5] [5,4,3,2,1] in S5")).isEqualTo("[3,4,5,1,2]");
        // 3, 9, 81, 97, 16, 54, 88, 68, 79, 80, 37
        assertThat(SyntheticTaskSuite.solve("square 3 repeatedly 10 times mod 101")).isEqualTo("37");
        // g1 = 0, g2 = 1, g3 = 0, g4 = 1
        assertThat(SyntheticTaskSuite.solve("evaluate circuit x1=1 x2=0 x3=1; g1=AND(x1,x2); g2=OR(g1,x3); g3=NOT(g2);"
                + " g4=XOR(g3,x1); output g4")).isEqualTo("1");
        // 19, 57, 52
        assertThat(SyntheticTaskSuite.solve("start at 12, add 7, multiply by 3, subtract 5")).isEqualTo("52");
        assertThat(SyntheticTaskSuite.solve("start at 5, subtract 12, multiply by -3")).isEqualTo("21");
        assertThat(SyntheticTaskSuite.solve("compute 2-5 mod 7")).isEqualTo("4");
    }

    @Test
    void stepsAreTheNumberOfSerialOperations() {
        assertThat(SyntheticTaskSuite.stepsOf("compute (3*4+5)*2 mod 7")).isEqualTo(3);
        assertThat(SyntheticTaskSuite.stepsOf("compose [2,3,1,5,4] [1,3,2,4,5] [5,4,3,2,1] in S5")).isEqualTo(2);
        assertThat(SyntheticTaskSuite.stepsOf("square 3 repeatedly 10 times mod 101")).isEqualTo(10);
        assertThat(SyntheticTaskSuite.stepsOf("evaluate circuit x1=1; g1=NOT(x1); g2=NOT(g1); output g1")).isEqualTo(2);
        assertThat(SyntheticTaskSuite.stepsOf("start at 12, add 7, multiply by 3, subtract 5")).isEqualTo(3);
    }

    @Test
    void everyFamilyExampleIsUnderstood() {
        for (final Family family : Family.values()) {
            assertThat(SyntheticTaskSuite.familyOf(family.example())).isEqualTo(family);
            assertThat(Family.fromId(family.id())).isEqualTo(family);
        }
    }

    @Test
    void parsingToleratesCaseAndWhitespace() {
        assertThat(SyntheticTaskSuite.solve("  COMPUTE ( 3 * 4 + 5 ) *2   Mod 7 ")).isEqualTo("6");
        assertThat(SyntheticTaskSuite.solve("Compose [2, 3, 1, 5, 4]\n[1,3,2,4,5]  [5,4,3,2,1] IN s5.")).isEqualTo("[3,4,5,1,2]");
        assertThat(SyntheticTaskSuite.solve("Square 3 Repeatedly 10 TIMES mod 101")).isEqualTo("37");
        assertThat(SyntheticTaskSuite.solve("Evaluate Circuit X1 = 1 x2=0 x3=1 ; G1=and(x1, x2);g2 = OR(G1,x3); g3=not(g2);"
                + " g4=xor(g3,x1); OUTPUT g4")).isEqualTo("1");
        assertThat(SyntheticTaskSuite.solve("START AT 12 ,add 7,  Multiply  By 3, subtract 5.")).isEqualTo("52");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "What is the capital of France?",
        "",
        "compute 2+ mod 7",
        "compute 12 mod 7",
        "compute (1+2 mod 7",
        "compose [1,2,3] [1,2,3] in S5",
        "compose [1,2,2,4,5] [1,2,3,4,5] in S5",
        "compose [2,1,3,4,5] in S5",
        "square 3 repeatedly 0 times mod 101",
        "square 3 repeatedly 4 times mod 1",
        "evaluate circuit x1=1; g1=AND(x1,x9); output g1",
        "evaluate circuit x1=1; g2=NOT(x1); output g2",
        "evaluate circuit x1=1; g1=NOT(x1,x1); output g1",
        "start at 5",
        "start at 5, divide by 2",
        "start at 9000000000, multiply by 9000000000, multiply by 9000000000"
    })
    void textOutsideTheGrammarsIsNotUnderstoodAndTheMessageShowsEveryFamilyAndTheRealModelSwitch(final String text) {
        assertThatThrownBy(() -> SyntheticTaskSuite.solve(text))
                .isInstanceOf(ProblemNotUnderstoodException.class)
                .satisfies(e -> {
                    for (final Family family : Family.values()) {
                        assertThat(e.getMessage()).contains(family.title(), family.example());
                    }
                    assertThat(e.getMessage()).contains("not a language model",
                            "--model-backend openai --openai-base-url URL --openai-model NAME",
                            "STEPWISE_MODEL_BACKEND=openai", "STEPWISE_OPENAI_BASE_URL", "STEPWISE_OPENAI_MODEL",
                            "STEPWISE_OPENAI_API_KEY");
                });
    }

    @Test
    void notUnderstoodMessageSaysWhatWasWrongWhenTheFamilyWasRecognised() {
        assertThatThrownBy(() -> SyntheticTaskSuite.solve("compose [1,2,2,4,5] [1,2,3,4,5] in S5"))
                .hasMessageStartingWith("Could not read the problem: [1,2,2,4,5] is not a permutation of 1..5.");
        assertThatThrownBy(() -> SyntheticTaskSuite.stepsOf("evaluate circuit x1=1; g1=AND(x1,x9); output g1"))
                .hasMessageContaining("g1 reads x9, which is not an input or an earlier gate");
    }

    @Test
    void mixedTakesTheFamiliesInTurnAndRaisesTheDifficultyFromFourToMaxSteps() {
        final List<GeneratedProblem> problems = SyntheticTaskSuite.mixed(23, 16, 7L);
        assertThat(problems).hasSize(23);
        assertThat(SyntheticTaskSuite.mixed(23, 16, 7L)).isEqualTo(problems);
        assertThat(SyntheticTaskSuite.mixed(23, 16, 8L)).isNotEqualTo(problems);
        for (int i = 0; i < problems.size(); i++) {
            final GeneratedProblem problem = problems.get(i);
            assertThat(problem.family()).isEqualTo(Family.values()[i % Family.values().length]);
            assertThat(problem.difficulty()).isBetween(4, 16);
            assertThat(SyntheticTaskSuite.stepsOf(problem.text())).isEqualTo(problem.difficulty());
            assertThat(SyntheticTaskSuite.solve(problem.text())).isEqualTo(problem.expectedAnswer());
            if (i > 0) {
                assertThat(problem.difficulty()).isGreaterThanOrEqualTo(problems.get(i - 1).difficulty());
            }
        }
        assertThat(problems.get(0).difficulty()).isEqualTo(4);
        assertThat(problems.get(22).difficulty()).isEqualTo(16);
        assertThat(problems.stream().map(GeneratedProblem::text).distinct()).hasSize(23);
    }

    @Test
    void mixedCopesWithSmallAndDegenerateSizes() {
        assertThat(SyntheticTaskSuite.mixed(0, 16, 1L)).isEmpty();
        assertThat(SyntheticTaskSuite.mixed(1, 16, 1L)).singleElement().extracting(GeneratedProblem::difficulty).isEqualTo(16);
        assertThat(SyntheticTaskSuite.mixed(6, 2, 1L)).extracting(GeneratedProblem::difficulty).containsOnly(2);
        assertThatThrownBy(() -> SyntheticTaskSuite.mixed(-1, 16, 1L)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SyntheticTaskSuite.mixed(5, 0, 1L)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SyntheticTaskSuite.generate(Family.BOOLEAN_CIRCUIT, 0, 1L))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void isCorrectComparesNormalisedAnswers() {
        assertThat(SyntheticTaskSuite.isCorrect("compose [2,3,1,5,4] [1,3,2,4,5] [5,4,3,2,1] in S5", " [3, 4, 5, 1, 2] "))
                .isTrue();
        assertThat(SyntheticTaskSuite.isCorrect("compose [2,3,1,5,4] [1,3,2,4,5] [5,4,3,2,1] in S5", "[3,4,5,2,1]"))
                .isFalse();
        assertThat(SyntheticTaskSuite.isCorrect("compute (3*4+5)*2 mod 7", "6")).isTrue();
        assertThat(SyntheticTaskSuite.isCorrect("compute (3*4+5)*2 mod 7", "13")).isTrue();
        assertThat(SyntheticTaskSuite.isCorrect("compute (3*4+5)*2 mod 7", "5")).isFalse();
        assertThat(SyntheticTaskSuite.isCorrect("start at 12, add 7, multiply by 3, subtract 5", "fifty-two")).isFalse();
        assertThat(SyntheticTaskSuite.isCorrect("start at 12, add 7, multiply by 3, subtract 5", null)).isFalse();
    }

    @Test
    void configRejectsRatesOutsideZeroToOne() {
        assertThat(SyntheticConfig.defaults()).isEqualTo(new SyntheticConfig(42L, 0.10, 0.0, 0.0, 0.10));
        assertThatThrownBy(() -> SyntheticConfig.defaults().withStepErrorRate(1.5))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("stepErrorRate");
        assertThatThrownBy(() -> SyntheticConfig.defaults().withVerifierNoise(-0.1, 0.0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("falseAcceptRate");
        assertThatThrownBy(() -> SyntheticConfig.defaults().withReviserErrorRate(Double.NaN))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reviserErrorRate");
    }
}
