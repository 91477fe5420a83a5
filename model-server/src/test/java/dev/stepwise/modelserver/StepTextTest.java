package dev.stepwise.modelserver;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class StepTextTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "3*4 = 12 = 5 (mod 7); now (5+5)*2 mod 7|We compute 3*4 = 12 = 5 (mod 7), and so the state is: now (5+5)*2 mod 7.",
        "3*2 = 6 (mod 7); now 6 mod 7; answer: 6|We compute 3*2 = 6 (mod 7), and so the state is: now 6 mod 7.\\nANSWER: 6",
        "compose p2: [2,3,1,5,4] then [1,3,2,4,5] = [3,2,1,5,4]; now p1..p2 = [3,2,1,5,4]|We compute compose p2: [2,3,1,5,4] then [1,3,2,4,5] = [3,2,1,5,4], and so the state is: now p1..p2 = [3,2,1,5,4].",
        "g2 = OR(g1,x3) = OR(0,1) = 1; after g2: g1=0 g2=1|We compute g2 = OR(g1,x3) = OR(0,1) = 1, and so the state is: after g2: g1=0 g2=1.",
        "nothing left to compute; now 6 mod 7; answer: 6|We compute nothing left to compute, and so the state is: now 6 mod 7.\\nANSWER: 6",
        "19 * 3 = 57|We compute 19 * 3 = 57."
    })
    void aSuiteStepReadsAsASentenceAndBackAgain(final String suite, final String sentence) {
        final String expected = sentence.replace("\\n", "\n");
        assertThat(StepText.render(suite)).isEqualTo(expected);
        assertThat(StepText.parse(expected)).isEqualTo(suite);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"17 * 3 = 51, so 391.", "  a step written by someone else  "})
    void anyOtherTextIsLeftAsItIs(final String text) {
        assertThat(StepText.parse(text)).isEqualTo(text.strip());
    }
}
