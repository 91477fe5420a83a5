package dev.stepwise.search;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class AnswerNormaliserTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "1000", " 1000 ", "1,000", "1000.0", "1000.", "1e3", "1E+3", "1.0e3", "+1000", "01000",
        "$1000", "$1,000.00", "1000 dollars", "1000 apples.", "\\boxed{1000}", "$\\boxed{1,000}$",
        "The answer is 1000.", "So the final answer is $\\boxed{1000}$.", "Answer: 1000", "x = 1000",
        "\\text{1000}", "\\(1000\\)", "about 1000 m^2", "1000 km/h"})
    void everyWayOfWritingOneThousandIsOneAnswer(final String written) {
        assertThat(AnswerNormaliser.normalise(written)).isEqualTo("1000");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"1/2", "0.5", ".5", "2/4", "\\frac{1}{2}", "\\dfrac{1}{2}", "\\frac12", "\\boxed{\\frac{1}{2}}",
        "50/100", "5e-1", "1 / 2"})
    void everyWayOfWritingOneHalfIsOneAnswer(final String written) {
        assertThat(AnswerNormaliser.normalise(written)).isEqualTo("0.5");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "1/3|1/3", "\\frac{2}{6}|1/3", "-\\frac{2}{6}|-1/3", "\\frac{-2}{6}|-1/3", "−7|-7", "-0|0", "50%|50",
        "90^\\circ|90", "0.333|0.333", "0.125|0.125", "3.14|3.14"})
    void numbersBecomeTheirExactValue(final String written, final String key) {
        assertThat(AnswerNormaliser.normalise(written)).isEqualTo(key);
    }

    @ParameterizedTest(name = "{0} vs {1}")
    @CsvSource(delimiter = '|', value = {
        "42|43", "42|42.000000001", "1/3|0.333", "1,000|1,001", "42 or 43|42", "between 3 and 4|3",
        "1,2|12", "[1,2]|[2,1]", "1e3|1e4", "-5|5", "\\frac{1}{2}|\\frac{2}{1}", "\\boxed{42}|\\boxed{43}"})
    void differentValuesNeverMerge(final String one, final String other) {
        assertThat(AnswerNormaliser.normalise(one)).isNotEqualTo(AnswerNormaliser.normalise(other));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        " Yes |yes", "YES.|yes", "The answer is yes|yes", "\\text{Paris}|paris", "[3, 4, 5, 1, 2]|[3,4,5,1,2]",
        "(1, 2)|(1,2)", "New  York|new york", "\\boxed{x^2 + 1}|x^2+1"})
    void otherAnswersAreComparedAsCanonicalText(final String written, final String key) {
        assertThat(AnswerNormaliser.normalise(written)).isEqualTo(key);
    }

    @ParameterizedTest(name = "[{index}] '{0}'")
    @ValueSource(strings = {"1e999999999", "\\boxed{", "\\frac{}{}", "1/0", "", "   ", "$", "\\boxed{\\boxed{}}"})
    void strangeInputNeverThrows(final String written) {
        // Model output is untrusted: a huge exponent must not expand into a gigantic BigInteger, and
        // unbalanced LaTeX must come out as some key rather than an exception that stops the search.
        assertThat(AnswerNormaliser.normalise(written)).isNotNull();
    }

    @Test
    void equalAnswersVoteTogether() {
        final AnswerVote.Result result = AnswerVote.tally(List.of(
                new AnswerVote.Chain("1,000", 0.4, List.of("a")),
                new AnswerVote.Chain("\\boxed{1000}", 0.4, List.of("b")),
                new AnswerVote.Chain("1001", 0.7, List.of("c"))));

        assertThat(result.votes().get(0).getAnswer()).isEqualTo("1000");
        assertThat(result.votes().get(0).getChains()).isEqualTo(2);
        // The answer shown is as the best chain giving it wrote it.
        assertThat(result.answer()).isIn("1,000", "\\boxed{1000}");
    }
}
