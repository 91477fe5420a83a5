package dev.stepwise.search.strategy;

import static dev.stepwise.search.testing.TestEvents.T0;
import static dev.stepwise.search.testing.TestEvents.budget;
import static dev.stepwise.search.testing.TestEvents.outcomeVerdict;
import static dev.stepwise.search.testing.TestEvents.prompt;
import static dev.stepwise.search.testing.TestEvents.step;
import static dev.stepwise.search.testing.TestEvents.strategy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.stepwise.schemas.avro.AnswerPublished;
import dev.stepwise.schemas.avro.StepProposalRequested;
import dev.stepwise.schemas.avro.VerificationPlan;
import dev.stepwise.search.SearchSettings;
import dev.stepwise.search.testing.EngineHarness;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link BestOfN} and {@link WeightedBestOfN} on small hand-built trees: the same chains, different picks. */
class BestOfNTest {

    private static final String P = "p1";

    static EngineHarness run(final String name, final int n, final int maxCalls) {
        return new EngineHarness(SearchSettings.defaults(), prompt(P, "q", strategy(name, Map.of("n", Integer.toString(n))),
                budget(maxCalls, 1_000_000L, null), T0), T0);
    }

    /** Three one-step chains answering 5 (score 0.6), 5 (0.6) and 7 (0.9). */
    private static AnswerPublished threeChains(final EngineHarness h) {
        assertThat(h.requests).extracting(StepProposalRequested::getVerification).containsOnly(VerificationPlan.OUTCOME);
        h.step(step(P, "p1/r0", 0, "so 5", true, "5"));
        h.step(step(P, "p1/r1", 0, "so 5", true, "5"));
        h.step(step(P, "p1/r2", 0, "so 7", true, "7"));
        h.verdict(outcomeVerdict(P, "p1/r0.0", 0.6));
        h.verdict(outcomeVerdict(P, "p1/r1.0", 0.6));
        assertThat(h.answers).isEmpty();
        h.verdict(outcomeVerdict(P, "p1/r2.0", 0.9));
        return h.answer();
    }

    @Test
    void bestOfNTakesTheSingleHighestOutcomeScore() {
        final AnswerPublished answer = threeChains(run(BestOfN.NAME, 3, 400));

        assertThat(answer.getAnswer()).isEqualTo("7");
        assertThat(answer.getModelCalls()).isEqualTo(6);
        assertThat(answer.getCallsByRole()).containsEntry("proposer", 3).containsEntry("verifier", 3);
    }

    @Test
    void weightedBestOfNSumsTheScoresPerAnswer() {
        final AnswerPublished answer = threeChains(run(WeightedBestOfN.NAME, 3, 400));

        assertThat(answer.getAnswer()).isEqualTo("5");
        assertThat(answer.getVotes().get(0).getWeight()).isCloseTo(1.2, within(1e-9));
    }

    @Test
    void onlyFinishedChainsAreScoredAndLongerChainsAreExtendedUntilTheyFinish() {
        final EngineHarness h = run(WeightedBestOfN.NAME, 1, 400);
        h.step(step(P, "p1/r0", 0, "first"));
        assertThat(h.verifications).isEmpty();
        assertThat(h.lastRequest().getParentStepId()).isEqualTo("p1/r0.0");
        h.step(step(P, "p1/r1", 0, "second", true, "9"));
        h.verdict(outcomeVerdict(P, "p1/r1.0", 0.8));

        assertThat(h.answer().getAnswer()).isEqualTo("9");
        assertThat(h.answer().getWinningChain()).containsExactly("p1/r0.0", "p1/r1.0");
        // Two proposals and one outcome check; the reserved check of the non-terminal step was given back.
        assertThat(h.answer().getModelCalls()).isEqualTo(3);
    }

    @Test
    void theBudgetBoundsTheChainsStarted() {
        final EngineHarness h = run(BestOfN.NAME, 8, 5);

        // Each chain reserves a step and an outcome check: two chains fit in five calls.
        assertThat(h.requests).hasSize(2);
    }
}
