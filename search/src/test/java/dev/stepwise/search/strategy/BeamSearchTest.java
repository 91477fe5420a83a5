package dev.stepwise.search.strategy;

import static dev.stepwise.search.testing.TestEvents.T0;
import static dev.stepwise.search.testing.TestEvents.beam;
import static dev.stepwise.search.testing.TestEvents.budget;
import static dev.stepwise.search.testing.TestEvents.prompt;
import static dev.stepwise.search.testing.TestEvents.step;
import static dev.stepwise.search.testing.TestEvents.verdict;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.stepwise.schemas.avro.AnswerPublished;
import dev.stepwise.schemas.avro.RevisionRequested;
import dev.stepwise.schemas.avro.SearchAction;
import dev.stepwise.schemas.avro.SearchDecision;
import dev.stepwise.schemas.avro.StepProposalRequested;
import dev.stepwise.search.SearchSettings;
import dev.stepwise.search.SearchTree;
import dev.stepwise.search.testing.EngineHarness;
import dev.stepwise.search.testing.TestEvents;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link BeamSearch} on small hand-built trees: each test sends the steps and verdicts of a level or two
 * through the engine and checks what the strategy kept, pruned, revised, expanded and answered.
 */
class BeamSearchTest {

    private static final SearchSettings SETTINGS = SearchSettings.defaults();
    private static final String P = "p1";

    private static EngineHarness beamSearch(final int width, final int branching, final int maxDepth,
                                            final int maxRevisions, final int maxCalls) {
        return new EngineHarness(SETTINGS, prompt(P, "What is 6 * 7?", beam(width, branching, maxDepth, maxRevisions),
                budget(maxCalls, 1_000_000L, null), T0), T0);
    }

    @Test
    void beamStartRequestsBranchingSamplesForTheEmptyChain() {
        final EngineHarness h = beamSearch(2, 3, 10, 2, 400);

        assertThat(h.actions()).containsExactly(SearchAction.START);
        final StepProposalRequested first = h.lastRequest();
        assertThat(first.getRequestId()).isEqualTo("p1/r0");
        assertThat(first.getChainId()).isEqualTo(P);
        assertThat(first.getParentStepId()).isNull();
        assertThat(first.getDepth()).isZero();
        assertThat(first.getSamples()).isEqualTo(3);
        assertThat(first.getContext().getProblem()).isEqualTo("What is 6 * 7?");
        assertThat(first.getContext().getPriorSteps()).isEmpty();
        assertThat(h.tree.reservedCalls()).isEqualTo(6);
        assertThat(h.engine.nextWakeUp(h.tree)).isEqualTo(T0 + SETTINGS.proposalTimeoutMs());
    }

    @Test
    void beamKeepsTheBestAcceptedPrunesTheRestAndExpandsEachKeptChain() {
        final EngineHarness h = beamSearch(2, 3, 10, 2, 400);

        h.level(P, "p1/r0", new double[] {0.9, 0.8, 0.2}, null);

        final SearchDecision keep = h.decisions(SearchAction.KEEP).get(0);
        assertThat(keep.getStepIds()).containsExactly("p1/r0.0", "p1/r0.1");
        final List<SearchDecision> prunes = h.decisions(SearchAction.PRUNE);
        assertThat(prunes).hasSize(1);
        assertThat(prunes.get(0).getStepIds()).containsExactly("p1/r0.2");
        assertThat(prunes.get(0).getReason()).contains("wrong arithmetic in p1/r0.2");
        assertThat(h.decisions(SearchAction.EXPAND)).extracting(SearchDecision::getStepIds)
                .containsExactly(List.of("p1/r0.0"), List.of("p1/r0.1"));
        final StepProposalRequested r1 = h.request("p1/r1");
        assertThat(r1.getParentStepId()).isEqualTo("p1/r0.0");
        assertThat(r1.getChainId()).isEqualTo("p1/r0.0");
        assertThat(r1.getDepth()).isEqualTo(1);
        assertThat(r1.getSamples()).isEqualTo(3);
        assertThat(r1.getContext().getPriorSteps()).containsExactly("step p1/r0.0");
        assertThat(h.request("p1/r2").getContext().getPriorSteps()).containsExactly("step p1/r0.1");
        assertThat(((BeamState) h.tree.strategyState()).level()).isEqualTo(1);
    }

    @Test
    void fullBeamSearchAnswersWithTheVerifierWeightedVote() {
        final EngineHarness h = beamSearch(3, 2, 10, 2, 400);
        h.level(P, "p1/r0", new double[] {0.9, 0.8}, null);
        // r1 extends r0.0 (chain score 0.9), r2 extends r0.1 (0.8).
        h.level(P, "p1/r1", new double[] {0.95, 0.7}, new String[] {"42", " 42 "});
        assertThat(h.answers).isEmpty();
        h.level(P, "p1/r2", new double[] {0.9, 0.3}, new String[] {"41", "40"});

        final AnswerPublished answer = h.answer();
        // Finished: r1.0 (min .9,.95 = .9, "42"), r2.0 (min .8,.9 = .8, "41"), r1.1 (.7, "42").
        assertThat(answer.getAnswer()).isEqualTo("42");
        assertThat(answer.getVotes()).extracting(v -> v.getAnswer() + ":" + v.getChains())
                .containsExactly("42:2", "41:1");
        assertThat(answer.getVotes().get(0).getWeight()).isCloseTo(1.6, within(1e-9));
        assertThat(answer.getConfidence()).isCloseTo(1.6 / 2.4, within(1e-9));
        assertThat(answer.getWinningChain()).containsExactly("p1/r0.0", "p1/r1.0");
        assertThat(answer.getModelCalls()).isEqualTo(12);
        assertThat(answer.getTokens()).isEqualTo(6 * TestEvents.STEP_TOKENS + 6 * TestEvents.VERDICT_TOKENS);
        assertThat(answer.getBudgetExhausted()).isFalse();
        assertThat(answer.getDeadlineReached()).isFalse();
        assertThat(answer.getError()).isNull();
        assertThat(answer.getStrategy()).isEqualTo("beam");
        assertThat(h.decisions(SearchAction.FINISH_CHAIN)).hasSize(3);
        assertThat(h.actions()).last().isEqualTo(SearchAction.STOP);
        assertThat(answer.getSummary())
                .contains("Answer: 42")
                .contains("Beam search with width 3 and branching 2")
                .contains("2 levels")
                .contains("12 of 400 model calls")
                .doesNotContain("step p1/r0.0");
        assertThat(h.tree.status()).isEqualTo(SearchTree.Status.ANSWERED);
        assertThat(h.tree.stepCount()).isZero();
    }

    @Test
    void chainScoreIsTheWeakestStepSoAStrongStepOnAWeakParentRanksLower() {
        final EngineHarness h = beamSearch(2, 2, 10, 0, 400);
        h.level(P, "p1/r0", new double[] {0.9, 0.6}, null);
        // r1 extends r0.0 (0.9), r2 extends r0.1 (0.6).
        h.level(P, "p1/r1", new double[] {0.7, 0.1}, null);
        h.level(P, "p1/r2", new double[] {0.95, 0.2}, null);

        final SearchDecision keep = h.decisions(SearchAction.KEEP).get(1);
        // r2.0 scored 0.95 itself, but its chain is only as good as r0.1 (0.6) and ranks below r1.0 (0.7).
        assertThat(keep.getStepIds()).containsExactly("p1/r1.0", "p1/r2.0");
        assertThat(keep.getReason()).contains("0.70, 0.60");
        assertThat(h.decisions(SearchAction.EXPAND)).extracting(d -> d.getStepIds().get(0))
                .endsWith("p1/r1.0", "p1/r2.0");
    }

    @Test
    void tiesInChainScoreAreBrokenByStepId() {
        final EngineHarness h = beamSearch(1, 3, 10, 2, 400);
        h.level(P, "p1/r0", new double[] {0.7, 0.7, 0.7}, null);

        assertThat(h.decisions(SearchAction.KEEP).get(0).getStepIds()).containsExactly("p1/r0.0");
        assertThat(h.decisions(SearchAction.PRUNE).get(0).getStepIds()).containsExactly("p1/r0.1", "p1/r0.2");
    }

    @Test
    void identicalSamplesFromOneParentAreMergedIntoOneKeptStepThatHoldsABeamSlotPerSample() {
        final EngineHarness h = beamSearch(2, 3, 10, 0, 400);
        // The second differs only in whitespace: the same step.
        h.samples(P, "p1/r0", new String[] {"x = 6 * 7", "  x =  6 * 7 ", "x = 6 * 7"}, new double[] {1.0, 1.0, 1.0}, null);

        final SearchDecision keep = h.decisions(SearchAction.KEEP).get(0);
        assertThat(keep.getStepIds()).containsExactly("p1/r0.0");
        assertThat(keep.getReason()).contains("3 accepted candidates (1 distinct)").contains("agreeing samples 3")
                .contains("beam slots 2 of 2");
        final SearchDecision duplicates = h.decisions(SearchAction.PRUNE).get(0);
        assertThat(duplicates.getStepIds()).containsExactly("p1/r0.1", "p1/r0.2");
        assertThat(duplicates.getReason())
                .isEqualTo("Pruned 2 duplicates of p1/r0.0 (same step as it; counted as 3 agreeing samples).");
        // One chain, expanded for both of the slots it holds, instead of two copies of it.
        assertThat(h.requests).hasSize(2);
        assertThat(h.request("p1/r1").getParentStepId()).isEqualTo("p1/r0.0");
        assertThat(h.request("p1/r1").getSamples()).isEqualTo(6);
        assertThat(h.decisions(SearchAction.EXPAND)).singleElement()
                .satisfies(d -> assertThat(d.getReason()).contains("2 beam slots").contains("6 samples"));
        assertThat(h.tree.reservedCalls()).isEqualTo(6 + 12);
    }

    @Test
    void twoAgreeingSamplesOutrankALoneStepWithTheSameChainScoreAndLeaveItNoSlot() {
        final EngineHarness h = beamSearch(2, 3, 10, 0, 400);
        // A 0/1 verifier falsely accepted the wrong r0.0: it ties with the right step on chain score and comes first by id.
        h.samples(P, "p1/r0", new String[] {"x = 41", "x = 42", "x = 42"}, new double[] {1.0, 1.0, 1.0}, null);

        assertThat(h.decisions(SearchAction.KEEP)).singleElement()
                .satisfies(d -> assertThat(d.getStepIds()).containsExactly("p1/r0.1"));
        assertThat(h.decisions(SearchAction.PRUNE)).extracting(SearchDecision::getStepIds)
                .containsExactly(List.of("p1/r0.2"), List.of("p1/r0.0"));
        assertThat(h.decisions(SearchAction.PRUNE).get(1).getReason()).contains("below the beam of 2");
        assertThat(h.requests).extracting(StepProposalRequested::getParentStepId).containsExactly(null, "p1/r0.1");
    }

    @Test
    void aLoneStepGetsASlotTheAgreeingOnesLeaveAndTheyAreExpandedInRankOrder() {
        final EngineHarness h = beamSearch(3, 3, 10, 0, 400);
        h.samples(P, "p1/r0", new String[] {"a", "b", "b"}, new double[] {1.0, 1.0, 1.0}, null);

        assertThat(h.decisions(SearchAction.KEEP).get(0).getStepIds()).containsExactly("p1/r0.1", "p1/r0.0");
        assertThat(h.decisions(SearchAction.KEEP).get(0).getReason()).contains("beam slots 2, 1 of 3");
        assertThat(h.request("p1/r1").getParentStepId()).isEqualTo("p1/r0.1");
        assertThat(h.request("p1/r1").getSamples()).isEqualTo(6);
        assertThat(h.request("p1/r2").getParentStepId()).isEqualTo("p1/r0.0");
        assertThat(h.request("p1/r2").getSamples()).isEqualTo(3);
    }

    @Test
    void aBetterChainScoreOutranksMoreAgreeingSamples() {
        final EngineHarness h = beamSearch(1, 3, 10, 0, 400);
        h.samples(P, "p1/r0", new String[] {"a", "b", "b"}, new double[] {0.9, 0.8, 0.8}, null);

        assertThat(h.decisions(SearchAction.KEEP).get(0).getStepIds()).containsExactly("p1/r0.0");
        assertThat(h.decisions(SearchAction.PRUNE).get(0).getStepIds()).containsExactly("p1/r0.1", "p1/r0.2");
        assertThat(h.decisions(SearchAction.PRUNE).get(0).getReason())
                .contains("Pruned 2 accepted candidates as 1 distinct step below the beam of 1");
    }

    @Test
    void theSameTextUnderDifferentParentsOrWithDifferentAnswersIsNotMerged() {
        final EngineHarness h = beamSearch(4, 3, 10, 0, 400);
        h.samples(P, "p1/r0", new String[] {"a", "b", "z"}, new double[] {1.0, 1.0, 0.1}, null);
        // r1 extends r0.0 and r2 extends r0.1: "c" continues two different chains; r1's two "done" answer differently.
        h.samples(P, "p1/r1", new String[] {"c", "done", "done"}, new double[] {1.0, 1.0, 1.0}, new String[] {null, "5", "6"});
        h.samples(P, "p1/r2", new String[] {"c", "x", "y"}, new double[] {1.0, 0.1, 0.1}, null);

        assertThat(h.decisions(SearchAction.KEEP).get(1).getStepIds())
                .containsExactly("p1/r1.0", "p1/r1.1", "p1/r1.2", "p1/r2.0");
        assertThat(h.decisions(SearchAction.PRUNE)).extracting(d -> d.getStepIds().get(0))
                .containsExactly("p1/r0.2", "p1/r2.1", "p1/r2.2");
        assertThat(h.decisions(SearchAction.FINISH_CHAIN)).hasSize(2);
    }

    @Test
    void theVoteWeighsAFinishedChainWithTheChainScoresOfAllItsAgreeingSamples() {
        final EngineHarness h = beamSearch(3, 3, 10, 0, 400);
        h.samples(P, "p1/r0", new String[] {"so 5", "so 6", "so 5"}, new double[] {0.9, 1.0, 0.8},
                new String[] {"5", "6", "5"});

        final AnswerPublished answer = h.answer();
        // "6" has the best chain score, but two samples agree on "5": 0.9 + 0.8 against 1.0.
        assertThat(answer.getAnswer()).isEqualTo("5");
        assertThat(answer.getVotes()).extracting(v -> v.getAnswer() + ":" + v.getChains()).containsExactly("5:1", "6:1");
        assertThat(answer.getVotes().get(0).getWeight()).isCloseTo(1.7, within(1e-9));
        assertThat(answer.getConfidence()).isCloseTo(1.7 / 2.7, within(1e-9));
        assertThat(answer.getWinningChain()).containsExactly("p1/r0.0");
        assertThat(h.decisions(SearchAction.STOP).get(0).getReason()).isEqualTo("2 chains finished, filling the beam width of 3.");
        assertThat(answer.getSummary()).contains("1 pruned (1 as duplicates of a kept step)").contains("5 x1 (1.70)");
    }

    @Test
    void aChainWithEveryCandidateRejectedGetsARevisionWithTheRationaleAsCritique() {
        final EngineHarness h = beamSearch(2, 2, 10, 2, 400);
        h.level(P, "p1/r0", new double[] {0.2, 0.4}, null);

        assertThat(h.revisions).hasSize(1);
        final RevisionRequested revision = h.revisions.get(0);
        assertThat(revision.getRequestId()).isEqualTo("p1/r1");
        assertThat(revision.getStepId()).isEqualTo("p1/r0.1");
        assertThat(revision.getCritique()).isEqualTo("wrong arithmetic in p1/r0.1");
        assertThat(revision.getRejectedText()).isEqualTo("step p1/r0.1");
        assertThat(revision.getAttempt()).isEqualTo(1);
        assertThat(revision.getDepth()).isZero();
        assertThat(revision.getParentStepId()).isNull();
        assertThat(h.decisions(SearchAction.REVISE)).singleElement()
                .satisfies(d -> assertThat(d.getStepIds()).containsExactly("p1/r0.1"));
        assertThat(h.decisions(SearchAction.KEEP)).isEmpty();

        h.step(dev.stepwise.schemas.avro.StepProposed.newBuilder(step(P, "p1/r1", 0, "revised step"))
                .setRevisionOf("p1/r0.1").build());
        h.verdict(verdict(P, "p1/r1.0", 0.85));

        assertThat(h.decisions(SearchAction.KEEP)).singleElement()
                .satisfies(d -> assertThat(d.getStepIds()).containsExactly("p1/r1.0"));
        assertThat(h.decisions(SearchAction.PRUNE)).extracting(SearchDecision::getStepIds)
                .containsExactly(List.of("p1/r0.0"), List.of("p1/r0.1"));
        final StepProposalRequested next = h.lastRequest();
        assertThat(next.getParentStepId()).isEqualTo("p1/r1.0");
        assertThat(next.getContext().getPriorSteps()).containsExactly("revised step");
        assertThat(h.tree.reservedCalls()).isEqualTo(4 + 2 + 4);
    }

    @Test
    void revisionsStopAtMaxRevisionsAndASearchWithNothingAcceptedAnswersNull() {
        final EngineHarness h = beamSearch(2, 1, 10, 1, 400);
        h.level(P, "p1/r0", new double[] {0.1}, null);
        assertThat(h.revisions).hasSize(1);
        h.step(step(P, "p1/r1", 0, "still wrong"));
        h.verdict(verdict(P, "p1/r1.0", 0.2, "still wrong"));

        assertThat(h.revisions).hasSize(1);
        final AnswerPublished answer = h.answer();
        assertThat(answer.getAnswer()).isNull();
        assertThat(answer.getVotes()).isEmpty();
        assertThat(answer.getSummary()).startsWith("No answer: every chain was rejected");
    }

    @Test
    void theBudgetShrinksSamplesAndStopsTheSearchWithinTheCallLimit() {
        // 8 calls: 3 samples at depth 0 reserve 6, leaving room for one sample at depth 1.
        final EngineHarness h = beamSearch(2, 3, 10, 0, 8);
        h.level(P, "p1/r0", new double[] {0.9, 0.8, 0.7}, null);

        assertThat(h.request("p1/r1").getSamples()).isEqualTo(1);
        assertThat(h.requests).hasSize(2);
        assertThat(h.decisions(SearchAction.EXPAND).get(0).getReason()).contains("1 of 3 samples");
        assertThat(h.decisions(SearchAction.PRUNE)).extracting(SearchDecision::getStepIds).contains(List.of("p1/r0.1"));
        h.level(P, "p1/r1", new double[] {0.9}, null);

        final AnswerPublished answer = h.answer();
        assertThat(answer.getBudgetExhausted()).isTrue();
        assertThat(answer.getModelCalls()).isEqualTo(8).isLessThanOrEqualTo(8);
        assertThat(answer.getAnswer()).isNull();
        assertThat(h.decisions(SearchAction.STOP).get(0).getReason()).contains("cannot pay for another sample");
    }

    @Test
    void theSearchStopsAtMaxDepth() {
        final EngineHarness h = beamSearch(1, 1, 2, 0, 400);
        h.level(P, "p1/r0", new double[] {0.9}, null);
        h.level(P, "p1/r1", new double[] {0.9}, null);

        assertThat(h.requests).hasSize(2);
        assertThat(h.decisions(SearchAction.STOP).get(0).getReason()).contains("maximum depth of 2");
        assertThat(h.answer().getAnswer()).isNull();
    }

    @Test
    void theSearchStopsWhenNothingIsLeftToExpand() {
        final EngineHarness h = beamSearch(2, 2, 10, 0, 400);
        h.level(P, "p1/r0", new double[] {0.1, 0.2}, null);

        assertThat(h.decisions(SearchAction.STOP).get(0).getReason()).contains("No accepted chain");
    }

    @Test
    void aReplayOfTheSameEventsMakesTheSameDecisionsAndRequests() {
        final EngineHarness first = beamSearch(2, 3, 10, 1, 400);
        final EngineHarness second = beamSearch(2, 3, 10, 1, 400);
        for (final EngineHarness h : List.of(first, second)) {
            h.level(P, "p1/r0", new double[] {0.2, 0.3, 0.1}, null);
            h.step(step(P, "p1/r1", 0, "revised"));
            h.verdict(verdict(P, "p1/r1.0", 0.8));
            h.level(P, "p1/r2", new double[] {0.9, 0.6, 0.7}, new String[] {"x", "x", "y"});
        }
        assertThat(second.decisions).isEqualTo(first.decisions);
        assertThat(second.requests).isEqualTo(first.requests);
        assertThat(second.revisions).isEqualTo(first.revisions);
        assertThat(second.answers).isEqualTo(first.answers);
    }

    @Test
    void aReplayWithMergedDuplicatesMakesTheSameDecisionsAndRequests() {
        final EngineHarness first = beamSearch(2, 3, 10, 1, 400);
        final EngineHarness second = beamSearch(2, 3, 10, 1, 400);
        for (final EngineHarness h : List.of(first, second)) {
            h.samples(P, "p1/r0", new String[] {"a", "b", "a"}, new double[] {1.0, 1.0, 1.0}, null);
            h.samples(P, "p1/r1", new String[] {"c", "c", "d", "c", "e", "d"}, new double[] {1.0, 0.2, 1.0, 1.0, 1.0, 1.0},
                    new String[] {"1", "1", "2", "1", "3", "2"});
        }
        assertThat(first.decisions(SearchAction.PRUNE)).extracting(SearchDecision::getReason)
                .anyMatch(r -> r.startsWith("Pruned 1 duplicate of p1/r1.0"));
        assertThat(second.decisions).isEqualTo(first.decisions);
        assertThat(second.requests).isEqualTo(first.requests);
        assertThat(second.answers).isEqualTo(first.answers);
    }
}
