package dev.stepwise.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.stepwise.schemas.avro.Vote;
import java.util.List;
import org.junit.jupiter.api.Test;

class AnswerVoteTest {

    private static AnswerVote.Chain chain(final String answer, final double score, final String... ids) {
        return new AnswerVote.Chain(answer, score, List.of(ids));
    }

    @Test
    void theHeaviestAnswerWinsEvenAgainstMoreChains() {
        final AnswerVote.Result result = AnswerVote.tally(List.of(
                chain("7", 0.2, "a"), chain("7", 0.2, "b"), chain("9", 0.9, "c")));

        assertThat(result.answer()).isEqualTo("9");
        assertThat(result.confidence()).isCloseTo(0.9 / 1.3, within(1e-9));
        assertThat(result.votes()).extracting(Vote::getAnswer).containsExactly("9", "7");
        assertThat(result.votes().get(1).getWeight()).isCloseTo(0.4, within(1e-9));
        assertThat(result.winningChain()).containsExactly("c");
    }

    @Test
    void answersAreComparedTrimmedAndCaseInsensitively() {
        final AnswerVote.Result result = AnswerVote.tally(List.of(
                chain(" Yes ", 0.5, "a"), chain("yes", 0.6, "b"), chain("no", 0.9, "c")));

        assertThat(result.votes()).extracting(v -> v.getAnswer() + ":" + v.getChains()).containsExactly("yes:2", "no:1");
        // The answer is shown as the best chain giving it wrote it.
        assertThat(result.answer()).isEqualTo("yes");
        assertThat(result.winningChain()).containsExactly("b");
    }

    @Test
    void equalWeightsGoToTheAnswerMoreChainsGave() {
        final AnswerVote.Result result = AnswerVote.tally(List.of(
                chain("a", 0.5, "1"), chain("a", 0.5, "2"), chain("b", 1.0, "3")));

        assertThat(result.answer()).isEqualTo("a");
    }

    @Test
    void equalWeightsAndCountsGoToTheLexicographicallySmallerAnswer() {
        final AnswerVote.Result result = AnswerVote.tally(List.of(chain("b", 0.5, "1"), chain("a", 0.5, "2")));

        assertThat(result.answer()).isEqualTo("a");
        assertThat(result.confidence()).isCloseTo(0.5, within(1e-9));
    }

    @Test
    void theWinningChainIsTheBestScoredChainWithTheWinningAnswer() {
        final AnswerVote.Result result = AnswerVote.tally(List.of(
                chain("x", 0.6, "r0.0", "r1.0"), chain("x", 0.8, "r0.1", "r2.1"), chain("y", 0.3, "r0.2")));

        assertThat(result.winningChain()).containsExactly("r0.1", "r2.1");
    }

    @Test
    void aChainWeighsTheChainScoresOfTheSamplesMergedIntoItButCountsAsOneChain() {
        final AnswerVote.Result result = AnswerVote.tally(List.of(
                new AnswerVote.Chain("7", 0.6, 1.8, List.of("a")), chain("9", 0.9, "b"), chain("9", 0.8, "c")));

        assertThat(result.answer()).isEqualTo("7");
        assertThat(result.votes()).extracting(v -> v.getAnswer() + ":" + v.getChains()).containsExactly("7:1", "9:2");
        assertThat(result.votes().get(0).getWeight()).isCloseTo(1.8, within(1e-9));
        assertThat(result.confidence()).isCloseTo(1.8 / 3.5, within(1e-9));
    }

    @Test
    void amongEquallyScoredChainsWithTheWinningAnswerTheHeavierIsTheWinningChain() {
        final AnswerVote.Result result = AnswerVote.tally(List.of(
                chain("x", 1.0, "r0.0", "r1.0"), new AnswerVote.Chain("x", 1.0, 3.0, List.of("r0.1", "r2.1"))));

        assertThat(result.winningChain()).containsExactly("r0.1", "r2.1");
    }

    @Test
    void aWeightBelowTheChainScoreIsRefused() {
        assertThatThrownBy(() -> new AnswerVote.Chain("7", 0.6, 0.5, List.of("a")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("below the chain score");
    }

    @Test
    void noFinishedChainMeansNoAnswer() {
        final AnswerVote.Result result = AnswerVote.tally(List.of());

        assertThat(result.hasAnswer()).isFalse();
        assertThat(result.answer()).isNull();
        assertThat(result.votes()).isEmpty();
        assertThat(result.confidence()).isZero();
    }

    @Test
    void allZeroScoresFallBackToTheShareOfChains() {
        final AnswerVote.Result result = AnswerVote.tally(List.of(chain("a", 0, "1"), chain("a", 0, "2"), chain("b", 0, "3")));

        assertThat(result.answer()).isEqualTo("a");
        assertThat(result.confidence()).isCloseTo(2.0 / 3.0, within(1e-9));
    }
}
