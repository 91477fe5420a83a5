package dev.stepwise.models;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

class ArithmeticCheckTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "3*4 = 12",
        "19 * 3 = 57; now 57 after operation 2 of 3",
        "3*4 = 12 = 5 (mod 7); now (5+5)*2 mod 7",
        "81^2 = 6561 = 97 (mod 101); now x3 = 97",
        "17 mod 5 = 2",
        "8 / 2 = 4, and 7 / 2 = 3 in integer division",
        "3 - 5 = -2",
        "So 17 * 3 = 51, then 340 + 51 = 391.",
        "We know $3 \\times 4 = 12$ and 12 \\div 4 = 3, also 2 \\cdot 5 = 10 and 9 ≡ 2 \\pmod{7}: 4 + 5 = 2 \\pmod{7}",
        "**3*4 = 12** and `5 + 5 = 10`",
        "10 − 4 = 6 and 6 × 7 = 42 and 42 ÷ 6 = 7"
    })
    void rightClaimsPass(final String step) {
        assertThat(ArithmeticCheck.claims(step)).isNotEmpty().allSatisfy(claim -> assertThat(claim.correct()).isTrue());
        assertThat(ArithmeticCheck.firstWrong(step)).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "3*4 = 13|the step claims 3*4 = 13, but 3*4 = 12",
        "Then 17 * 3 = 41, so the total is 381.|the step claims 17*3 = 41, but 17*3 = 51",
        "3*4 = 13 = 6 (mod 7); now (6+5)*2 mod 7|the step claims 3*4 = 13 = 6 (mod 7), but 3*4 = 12 = 5 (mod 7)",
        "81^2 = 6562 = 98 (mod 101); now x3 = 98|the step claims 81^2 = 6562 = 98 (mod 101), but 81^2 = 6561 = 97 (mod 101)",
        "17 mod 5 = 3|the step claims 17mod5 = 3, but 17mod5 = 2",
        "7 / 2 = 4|the step claims 7/2 = 4, but 7/2 = 3 remainder 1",
        "3 - 5 = 2|the step claims 3-5 = 2, but 3-5 = -2",
        "first 2 + 2 = 4, then $3 \\times 4 = 13$|the step claims 3*4 = 13, but 3*4 = 12",
        "12 = 12 and 5 + 5 = 10 = 4 (mod 7)|the step claims 5+5 = 10 = 4 (mod 7), but 5+5 = 10 = 3 (mod 7)"
    })
    void aWrongClaimIsNamedWithWhatItShouldBe(final String step, final String why) {
        assertThat(ArithmeticCheck.firstWrong(step)).contains(why);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "2 + 3 * 4 = 20",
        "1.5 + 2 = 3",
        "x2 + 1 = 7",
        "17 * 23 = 340 + 51",
        "1,000 + 1 = 1,002",
        "50% + 10 = 70",
        "2^3 + 1 = 10",
        "7 / 2 = 3.5",
        "5 / 0 = 1",
        "g2 = OR(g1,x3) = OR(0,1) = 1; after g2: g1=0 g2=1",
        "compose p2: [2,3,1,5,4] then [1,3,2,4,5] = [3,2,1,5,4]; now p1..p2 = [3,2,1,5,4]",
        "now (5+5)*2 mod 7",
        "-3 + 5 = 1"
    })
    void whatIsNotAStandaloneIntegerClaimIsLeftAlone(final String step) {
        assertThat(ArithmeticCheck.firstWrong(step)).isEmpty();
    }

    @Test
    void everyClaimOfAStepIsReadInOrder() {
        assertThat(ArithmeticCheck.claims("17 * 23 = 340 + 51 = 391, and 2 + 2 = 5"))
                .extracting(ArithmeticCheck.Claim::text, ArithmeticCheck.Claim::correct)
                .containsExactly(tuple("340+51 = 391", true),
                        tuple("2+2 = 5", false));
        assertThat(ArithmeticCheck.claims(null)).isEmpty();
    }
}
