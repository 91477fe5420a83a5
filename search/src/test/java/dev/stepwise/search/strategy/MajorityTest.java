package dev.stepwise.search.strategy;

import static dev.stepwise.search.testing.TestEvents.T0;
import static dev.stepwise.search.testing.TestEvents.budget;
import static dev.stepwise.search.testing.TestEvents.prompt;
import static dev.stepwise.search.testing.TestEvents.step;
import static dev.stepwise.search.testing.TestEvents.strategy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.stepwise.schemas.avro.StepProposalRequested;
import dev.stepwise.schemas.avro.VerificationPlan;
import dev.stepwise.search.SearchSettings;
import dev.stepwise.search.testing.EngineHarness;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link Majority} and {@link AdaptiveMajority}: no verifier, the most frequent answer wins. */
class MajorityTest {

    private static final String P = "p1";

    private static EngineHarness run(final String name, final Map<String, String> params) {
        return new EngineHarness(SearchSettings.defaults(), prompt(P, "q", strategy(name, params),
                budget(400, 1_000_000L, null), T0), T0);
    }

    @Test
    void majoritySamplesNUnverifiedChainsAndTheMostFrequentAnswerWins() {
        final EngineHarness h = run(Majority.NAME, Map.of("n", "3"));
        assertThat(h.requests).hasSize(3).extracting(StepProposalRequested::getVerification)
                .containsOnly(VerificationPlan.NONE);

        h.step(step(P, "p1/r0", 0, "so 4", true, "4"));
        h.step(step(P, "p1/r1", 0, "so 5", true, "5"));
        h.step(step(P, "p1/r2", 0, "so 5", true, "5"));

        assertThat(h.answer().getAnswer()).isEqualTo("5");
        assertThat(h.answer().getConfidence()).isCloseTo(2.0 / 3, within(1e-9));
        assertThat(h.answer().getModelCalls()).isEqualTo(3);
        assertThat(h.answer().getCallsByRole()).containsOnlyKeys("proposer");
        assertThat(h.verifications).isEmpty();
    }

    @Test
    void theLeaderProbabilityIsTheBetaPosteriorComputedExactly() {
        assertThat(AdaptiveMajority.leaderProbability(0, 0)).isCloseTo(0.5, within(1e-12));
        assertThat(AdaptiveMajority.leaderProbability(2, 0)).isCloseTo(7.0 / 8, within(1e-12));
        assertThat(AdaptiveMajority.leaderProbability(4, 0)).isCloseTo(31.0 / 32, within(1e-12));
        // Beta(4, 2): P(X > 1/2) = 13/16.
        assertThat(AdaptiveMajority.leaderProbability(3, 1)).isCloseTo(13.0 / 16, within(1e-12));
        assertThat(AdaptiveMajority.leaderProbability(3, 3)).isCloseTo(0.5, within(1e-12));
    }

    @Test
    void adaptiveMajorityStopsAsSoonAsTheVoteIsSettled() {
        final EngineHarness h = run(AdaptiveMajority.NAME, Map.of("parallel", "1", "max-n", "10", "confidence", "0.95"));
        for (int i = 0; i < 4; i++) {
            assertThat(h.answers).isEmpty();
            assertThat(h.requests).hasSize(i + 1);
            h.step(step(P, "p1/r" + i, 0, "so 5", true, "5"));
        }

        // Four agreeing chains: P = 31/32 >= 0.95.
        assertThat(h.answer().getAnswer()).isEqualTo("5");
        assertThat(h.answer().getModelCalls()).isEqualTo(4);
        assertThat(h.answer().getStopCause()).isEqualTo("enough-finished");
    }

    @Test
    void adaptiveMajoritySamplesMoreWhenTheChainsDisagreeAndStopsAtMaxN() {
        final EngineHarness h = run(AdaptiveMajority.NAME, Map.of("parallel", "2", "max-n", "4"));
        final String[] answers = {"1", "2", "1", "2"};
        for (int i = 0; i < 4; i++) {
            h.step(step(P, "p1/r" + i, 0, "so " + answers[i], true, answers[i]));
        }

        assertThat(h.requests).hasSize(4);
        assertThat(h.answer().getVotes()).hasSize(2);
        assertThat(h.answer().getStopCause()).isEqualTo("all-chains-done");
    }
}
