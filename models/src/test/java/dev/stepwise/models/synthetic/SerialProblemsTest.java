package dev.stepwise.models.synthetic;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** The families' step machinery, below the backend. */
class SerialProblemsTest {

    @ParameterizedTest
    @EnumSource(Family.class)
    void everyCorruptedStepDiffersFromTheCorrectOneAndReadsBackAsWhatItSays(final Family family) throws Exception {
        for (long seed = 0; seed < 40; seed++) {
            final SerialProblem<?> problem = SyntheticTaskSuite.parse(SyntheticTaskSuite.generate(family, 12, seed).text());
            walk(problem, new SplittableRandom(seed));
        }
    }

    private static <S> void walk(final SerialProblem<S> problem, final SplittableRandom random) throws Exception {
        S state = problem.initial();
        while (!problem.isFinal(state)) {
            final SerialProblem.Transition<S> right = problem.next(state);
            final SerialProblem.Transition<S> wrong = problem.corrupt(state, random);
            assertThat(wrong.state()).isNotEqualTo(right.state());
            assertThat(problem.parseState(problem.describe(right.state()))).isEqualTo(right.state());
            assertThat(problem.parseState(problem.describe(wrong.state()))).isEqualTo(wrong.state());
            state = random.nextBoolean() ? right.state() : wrong.state();
        }
    }

    /** -x squares to the same as x, so a step that wrote -x would be healed by the next squaring. */
    @Test
    void iteratedSquaringNeverCorruptsToTheNegativeOfTheRightValue() {
        final IteratedSquaring problem = IteratedSquaring.parse("square 3 repeatedly 50 times mod 23");
        final SplittableRandom random = new SplittableRandom(1);
        for (long x = 0; x < 23; x++) {
            for (int i = 0; i < 200; i++) {
                final long wrong = problem.corrupt(new IteratedSquaring.Power(1, x), random).state().value();
                final long right = x * x % 23;
                assertThat(wrong).isNotIn(right, (23 - right) % 23);
            }
        }
    }

    /** Losing "+0" or "*1" would change nothing, so the dropped-term slip must not pick them. */
    @Test
    void modularArithmeticNeverDropsANeutralTerm() {
        final ModularArithmetic problem = ModularArithmetic.parse("compute 2*3+0*1+5 mod 7");
        final SplittableRandom random = new SplittableRandom(3);
        final ModularArithmetic.Expression start = problem.initial();
        final ModularArithmetic.Expression right = problem.next(start).state();
        for (int i = 0; i < 500; i++) {
            final ModularArithmetic.Expression wrong = problem.corrupt(start, random).state();
            assertThat(wrong).isNotEqualTo(right);
            // From 6+0*1+5: dropping "+0" gives 6*1+5, dropping "*1" gives 6+0+5.
            assertThat(wrong.toString()).isNotIn("6*1+5", "6+0+5");
        }
    }
}
