package dev.stepwise.search.strategy;

import static dev.stepwise.search.testing.TestEvents.T0;
import static dev.stepwise.search.testing.TestEvents.budget;
import static dev.stepwise.search.testing.TestEvents.prompt;
import static dev.stepwise.search.testing.TestEvents.step;
import static dev.stepwise.search.testing.TestEvents.strategy;
import static dev.stepwise.search.testing.TestEvents.verdict;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stepwise.schemas.avro.SearchAction;
import dev.stepwise.search.SearchSettings;
import dev.stepwise.search.testing.EngineHarness;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link Lookahead}: candidates ranked by their rollouts, rollouts dropped. */
class LookaheadTest {

    private static final String P = "p1";

    @Test
    void aCandidateWithTheBetterRolloutIsKeptEvenIfItsOwnScoreIsLower() {
        final EngineHarness h = new EngineHarness(SearchSettings.defaults(), prompt(P, "q", strategy(Lookahead.NAME,
                Map.of("beam-width", "1", "branching", "2", "k", "1")), budget(400, 1_000_000L, null), T0), T0);
        h.step(step(P, "p1/r0", 0, "a"));
        h.step(step(P, "p1/r0", 1, "b"));
        h.verdict(verdict(P, "p1/r0.0", 0.9));
        h.verdict(verdict(P, "p1/r0.1", 0.7));
        // One rollout step for each candidate: a's leads somewhere doubtful, b's somewhere sound.
        assertThat(h.requests).hasSize(3);
        h.step(step(P, "p1/r1", 0, "a then x"));
        h.step(step(P, "p1/r2", 0, "b then y"));
        h.verdict(verdict(P, "p1/r1.0", 0.55));
        h.verdict(verdict(P, "p1/r2.0", 0.95));

        assertThat(h.decisions(SearchAction.KEEP).get(0).getStepIds()).containsExactly("p1/r0.1");
        // The next level extends b itself, not its rollout step.
        assertThat(h.lastRequest().getParentStepId()).isEqualTo("p1/r0.1");
        assertThat(h.lastRequest().getDepth()).isEqualTo(1);
        h.step(step(P, "p1/r3", 0, "done", true, "4"));
        h.step(step(P, "p1/r3", 1, "done too", true, "4"));
        h.verdict(verdict(P, "p1/r3.0", 0.9));
        h.verdict(verdict(P, "p1/r3.1", 0.8));

        assertThat(h.answer().getAnswer()).isEqualTo("4");
        assertThat(h.answer().getWinningChain()).containsExactly("p1/r0.1", "p1/r3.0");
    }
}
