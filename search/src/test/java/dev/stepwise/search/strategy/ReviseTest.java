package dev.stepwise.search.strategy;

import static dev.stepwise.search.testing.TestEvents.T0;
import static dev.stepwise.search.testing.TestEvents.budget;
import static dev.stepwise.search.testing.TestEvents.prompt;
import static dev.stepwise.search.testing.TestEvents.step;
import static dev.stepwise.search.testing.TestEvents.strategy;
import static dev.stepwise.search.testing.TestEvents.verdict;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stepwise.schemas.avro.SearchAction;
import dev.stepwise.schemas.avro.StepProposed;
import dev.stepwise.search.SearchSettings;
import dev.stepwise.search.testing.EngineHarness;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link Revise} on small hand-built trees. */
class ReviseTest {

    private static final String P = "p1";

    private static EngineHarness run(final Map<String, String> params) {
        return new EngineHarness(SearchSettings.defaults(), prompt(P, "q", strategy(Revise.NAME, params),
                budget(400, 1_000_000L, null), T0), T0);
    }

    private static void reply(final EngineHarness h, final String requestId, final String text, final String answer,
                              final double score) {
        h.step(step(P, requestId, 0, text, answer != null, answer));
        h.verdict(verdict(P, requestId + ".0", score));
    }

    @Test
    void oneChainEveryStepVerifiedTwoCallsAStep() {
        final EngineHarness h = run(Map.of());
        reply(h, "p1/r0", "a", null, 1.0);
        assertThat(h.lastRequest().getParentStepId()).isEqualTo("p1/r0.0");
        reply(h, "p1/r1", "b", "42", 1.0);

        assertThat(h.answer().getAnswer()).isEqualTo("42");
        assertThat(h.answer().getModelCalls()).isEqualTo(4);
        assertThat(h.answer().getStopCause()).isEqualTo("enough-finished");
    }

    @Test
    void aRejectedStepIsRevisedWithTheCritiqueAndTheChainGoesOn() {
        final EngineHarness h = run(Map.of());
        reply(h, "p1/r0", "a wrong", null, 0.0);

        assertThat(h.revisions).singleElement().satisfies(r -> {
            assertThat(r.getStepId()).isEqualTo("p1/r0.0");
            assertThat(r.getCritique()).isEqualTo("wrong arithmetic in p1/r0.0");
        });
        h.step(StepProposed.newBuilder(step(P, "p1/r1", 0, "a right")).setRevisionOf("p1/r0.0").build());
        h.verdict(verdict(P, "p1/r1.0", 1.0));
        assertThat(h.lastRequest().getParentStepId()).isEqualTo("p1/r1.0");
        reply(h, "p1/r2", "done", "7", 1.0);

        assertThat(h.answer().getAnswer()).isEqualTo("7");
        assertThat(h.answer().getWinningChain()).containsExactly("p1/r1.0", "p1/r2.0");
        assertThat(h.answer().getCallsByRole()).containsEntry("reviser", 1).containsEntry("verifier", 3);
    }

    @Test
    void aStepStillWrongAfterItsRevisionsAbandonsTheChainAndTheNextAttemptStartsAfresh() {
        final EngineHarness h = run(Map.of("max-revisions", "1"));
        reply(h, "p1/r0", "wrong", null, 0.0);
        reply(h, "p1/r1", "still wrong", null, 0.0);

        assertThat(h.decisions(SearchAction.PRUNE)).anySatisfy(d -> assertThat(d.getReason()).contains("abandoned"));
        assertThat(h.lastRequest().getParentStepId()).isNull();
        assertThat(h.lastRequest().getRequestId()).isEqualTo("p1/r2");
        reply(h, "p1/r2", "right", "3", 1.0);
        assertThat(h.answer().getAnswer()).isEqualTo("3");
    }

    @Test
    void withSeveralAttemptsTheAnswerIsVotedAcrossThem() {
        final EngineHarness h = run(Map.of("attempts", "3"));
        reply(h, "p1/r0", "x", "1", 0.6);
        reply(h, "p1/r1", "y", "2", 0.9);
        assertThat(h.answers).isEmpty();
        reply(h, "p1/r2", "z", "1", 0.7);

        // 1: 0.6 + 0.7 outweighs 2: 0.9, although the best single chain says 2.
        assertThat(h.answer().getAnswer()).isEqualTo("1");
        assertThat(h.answer().getVotes()).hasSize(2);
    }

    @Test
    void withHandOverAnAbandonedChainLeavesTheSearchToItsCaller() {
        final EngineHarness h = run(Map.of("max-revisions", "0", "hand-over", "true"));
        reply(h, "p1/r0", "wrong", null, 0.0);

        // Used alone, nothing is left in flight: the engine ends the search.
        assertThat(h.answer().getAnswer()).isNull();
        assertThat(h.requests).hasSize(1);
    }
}
