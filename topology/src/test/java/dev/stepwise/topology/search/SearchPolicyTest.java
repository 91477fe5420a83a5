package dev.stepwise.topology.search;

import static dev.stepwise.topology.TestEvents.T0;
import static dev.stepwise.topology.TestEvents.beam;
import static dev.stepwise.topology.TestEvents.bestOfN;
import static dev.stepwise.topology.TestEvents.budget;
import static dev.stepwise.topology.TestEvents.errorStep;
import static dev.stepwise.topology.TestEvents.prompt;
import static dev.stepwise.topology.TestEvents.step;
import static dev.stepwise.topology.TestEvents.verdict;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.stepwise.schemas.avro.AnswerPublished;
import dev.stepwise.schemas.avro.RevisionRequested;
import dev.stepwise.schemas.avro.SearchAction;
import dev.stepwise.schemas.avro.SearchDecision;
import dev.stepwise.schemas.avro.StepProposalRequested;
import dev.stepwise.schemas.avro.Verdict;
import dev.stepwise.topology.TestEvents;
import java.util.List;
import org.junit.jupiter.api.Test;

class SearchPolicyTest {

    private static final SearchSettings SETTINGS = SearchSettings.defaults();
    private static final String P = "p1";

    private static PolicyHarness beamSearch(final int width, final int branching, final int maxDepth,
                                            final int maxRevisions, final int maxCalls) {
        return new PolicyHarness(SETTINGS, prompt(P, "What is 6 * 7?", beam(width, branching, maxDepth, maxRevisions),
                budget(maxCalls, 1_000_000L, null), T0), T0);
    }

    /** Sends the steps of {@code requestId} with the given verifier scores; terminal steps answer {@code answers[i]}. */
    private static void level(final PolicyHarness h, final String requestId, final double[] scores, final String[] answers) {
        for (int i = 0; i < scores.length; i++) {
            final boolean terminal = answers != null && answers[i] != null;
            h.step(step(P, requestId, i, "step " + requestId + "." + i, terminal, terminal ? answers[i] : null));
        }
        for (int i = 0; i < scores.length; i++) {
            h.verdict(verdict(P, requestId + "." + i, scores[i]));
        }
    }

    /** Sends the samples of {@code requestId} with the given texts and verifier scores; non-null answers make them terminal. */
    private static void samples(final PolicyHarness h, final String requestId, final String[] texts, final double[] scores,
                                final String[] answers) {
        for (int i = 0; i < texts.length; i++) {
            final boolean terminal = answers != null && answers[i] != null;
            h.step(step(P, requestId, i, texts[i], terminal, terminal ? answers[i] : null));
        }
        for (int i = 0; i < texts.length; i++) {
            h.verdict(verdict(P, requestId + "." + i, scores[i]));
        }
    }

    @Test
    void beamStartRequestsBranchingSamplesForTheEmptyChain() {
        final PolicyHarness h = beamSearch(2, 3, 10, 2, 400);

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
        assertThat(h.policy.nextWakeUp(h.tree)).isEqualTo(T0 + SETTINGS.proposalTimeoutMs());
    }

    @Test
    void beamKeepsTheBestAcceptedPrunesTheRestAndExpandsEachKeptChain() {
        final PolicyHarness h = beamSearch(2, 3, 10, 2, 400);

        level(h, "p1/r0", new double[] {0.9, 0.8, 0.2}, null);

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
        assertThat(h.tree.level()).isEqualTo(1);
    }

    @Test
    void fullBeamSearchAnswersWithTheVerifierWeightedVote() {
        final PolicyHarness h = beamSearch(3, 2, 10, 2, 400);
        level(h, "p1/r0", new double[] {0.9, 0.8}, null);
        // r1 extends r0.0 (chain score 0.9), r2 extends r0.1 (0.8).
        level(h, "p1/r1", new double[] {0.95, 0.7}, new String[] {"42", " 42 "});
        assertThat(h.answers).isEmpty();
        level(h, "p1/r2", new double[] {0.9, 0.3}, new String[] {"41", "40"});

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
                .contains("Beam search (width 3, branching 2)")
                .contains("2 levels")
                .contains("12 of 400 model calls")
                .doesNotContain("step p1/r0.0");
        assertThat(h.tree.status()).isEqualTo(SearchTree.Status.ANSWERED);
        assertThat(h.tree.stepCount()).isZero();
    }

    @Test
    void decisionsAreNumberedInOrderFromZero() {
        final PolicyHarness h = beamSearch(2, 2, 10, 2, 400);
        level(h, "p1/r0", new double[] {0.9, 0.8}, new String[] {"1", "1"});

        assertThat(h.decisions).extracting(SearchDecision::getSequence)
                .containsExactlyElementsOf(java.util.stream.IntStream.range(0, h.decisions.size()).boxed().toList());
    }

    @Test
    void aVerdictBeforeItsStepIsKeptAndAppliedWhenTheStepArrives() {
        final PolicyHarness h = beamSearch(1, 1, 10, 2, 400);

        h.verdict(verdict(P, "p1/r0.0", 0.9));
        assertThat(h.decisions).hasSize(1);
        h.step(step(P, "p1/r0", 0, "first", true, "7"));

        assertThat(h.answer().getAnswer()).isEqualTo("7");
        assertThat(h.answer().getModelCalls()).isEqualTo(2);
    }

    @Test
    void chainScoreIsTheWeakestStepSoAStrongStepOnAWeakParentRanksLower() {
        final PolicyHarness h = beamSearch(2, 2, 10, 0, 400);
        level(h, "p1/r0", new double[] {0.9, 0.6}, null);
        // r1 extends r0.0 (0.9), r2 extends r0.1 (0.6).
        level(h, "p1/r1", new double[] {0.7, 0.1}, null);
        level(h, "p1/r2", new double[] {0.95, 0.2}, null);

        final SearchDecision keep = h.decisions(SearchAction.KEEP).get(1);
        // r2.0 scored 0.95 itself, but its chain is only as good as r0.1 (0.6) and ranks below r1.0 (0.7).
        assertThat(keep.getStepIds()).containsExactly("p1/r1.0", "p1/r2.0");
        assertThat(keep.getReason()).contains("0.70, 0.60");
        assertThat(h.decisions(SearchAction.EXPAND)).extracting(d -> d.getStepIds().get(0))
                .endsWith("p1/r1.0", "p1/r2.0");
    }

    @Test
    void tiesInChainScoreAreBrokenByStepId() {
        final PolicyHarness h = beamSearch(1, 3, 10, 2, 400);
        level(h, "p1/r0", new double[] {0.7, 0.7, 0.7}, null);

        assertThat(h.decisions(SearchAction.KEEP).get(0).getStepIds()).containsExactly("p1/r0.0");
        assertThat(h.decisions(SearchAction.PRUNE).get(0).getStepIds()).containsExactly("p1/r0.1", "p1/r0.2");
    }

    @Test
    void identicalSamplesFromOneParentAreMergedIntoOneKeptStepThatHoldsABeamSlotPerSample() {
        final PolicyHarness h = beamSearch(2, 3, 10, 0, 400);
        // The second differs only in whitespace: the same step.
        samples(h, "p1/r0", new String[] {"x = 6 * 7", "  x =  6 * 7 ", "x = 6 * 7"}, new double[] {1.0, 1.0, 1.0}, null);

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
        final PolicyHarness h = beamSearch(2, 3, 10, 0, 400);
        // A 0/1 verifier falsely accepted the wrong r0.0: it ties with the right step on chain score and comes first by id.
        samples(h, "p1/r0", new String[] {"x = 41", "x = 42", "x = 42"}, new double[] {1.0, 1.0, 1.0}, null);

        assertThat(h.decisions(SearchAction.KEEP)).singleElement()
                .satisfies(d -> assertThat(d.getStepIds()).containsExactly("p1/r0.1"));
        assertThat(h.decisions(SearchAction.PRUNE)).extracting(SearchDecision::getStepIds)
                .containsExactly(List.of("p1/r0.2"), List.of("p1/r0.0"));
        assertThat(h.decisions(SearchAction.PRUNE).get(1).getReason()).contains("below the beam of 2");
        assertThat(h.requests).extracting(StepProposalRequested::getParentStepId).containsExactly(null, "p1/r0.1");
    }

    @Test
    void aLoneStepGetsASlotTheAgreeingOnesLeaveAndTheyAreExpandedInRankOrder() {
        final PolicyHarness h = beamSearch(3, 3, 10, 0, 400);
        samples(h, "p1/r0", new String[] {"a", "b", "b"}, new double[] {1.0, 1.0, 1.0}, null);

        assertThat(h.decisions(SearchAction.KEEP).get(0).getStepIds()).containsExactly("p1/r0.1", "p1/r0.0");
        assertThat(h.decisions(SearchAction.KEEP).get(0).getReason()).contains("beam slots 2, 1 of 3");
        assertThat(h.request("p1/r1").getParentStepId()).isEqualTo("p1/r0.1");
        assertThat(h.request("p1/r1").getSamples()).isEqualTo(6);
        assertThat(h.request("p1/r2").getParentStepId()).isEqualTo("p1/r0.0");
        assertThat(h.request("p1/r2").getSamples()).isEqualTo(3);
    }

    @Test
    void aBetterChainScoreOutranksMoreAgreeingSamples() {
        final PolicyHarness h = beamSearch(1, 3, 10, 0, 400);
        samples(h, "p1/r0", new String[] {"a", "b", "b"}, new double[] {0.9, 0.8, 0.8}, null);

        assertThat(h.decisions(SearchAction.KEEP).get(0).getStepIds()).containsExactly("p1/r0.0");
        assertThat(h.decisions(SearchAction.PRUNE).get(0).getStepIds()).containsExactly("p1/r0.1", "p1/r0.2");
        assertThat(h.decisions(SearchAction.PRUNE).get(0).getReason())
                .contains("Pruned 2 accepted candidates as 1 distinct step below the beam of 1");
    }

    @Test
    void theSameTextUnderDifferentParentsOrWithDifferentAnswersIsNotMerged() {
        final PolicyHarness h = beamSearch(4, 3, 10, 0, 400);
        samples(h, "p1/r0", new String[] {"a", "b", "z"}, new double[] {1.0, 1.0, 0.1}, null);
        // r1 extends r0.0 and r2 extends r0.1: "c" continues two different chains; r1's two "done" answer differently.
        samples(h, "p1/r1", new String[] {"c", "done", "done"}, new double[] {1.0, 1.0, 1.0}, new String[] {null, "5", "6"});
        samples(h, "p1/r2", new String[] {"c", "x", "y"}, new double[] {1.0, 0.1, 0.1}, null);

        assertThat(h.decisions(SearchAction.KEEP).get(1).getStepIds())
                .containsExactly("p1/r1.0", "p1/r1.1", "p1/r1.2", "p1/r2.0");
        assertThat(h.decisions(SearchAction.PRUNE)).extracting(d -> d.getStepIds().get(0))
                .containsExactly("p1/r0.2", "p1/r2.1", "p1/r2.2");
        assertThat(h.decisions(SearchAction.FINISH_CHAIN)).hasSize(2);
    }

    @Test
    void theVoteWeighsAFinishedChainWithTheChainScoresOfAllItsAgreeingSamples() {
        final PolicyHarness h = beamSearch(3, 3, 10, 0, 400);
        samples(h, "p1/r0", new String[] {"so 5", "so 6", "so 5"}, new double[] {0.9, 1.0, 0.8},
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
        final PolicyHarness h = beamSearch(2, 2, 10, 2, 400);
        level(h, "p1/r0", new double[] {0.2, 0.4}, null);

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
        final PolicyHarness h = beamSearch(2, 1, 10, 1, 400);
        level(h, "p1/r0", new double[] {0.1}, null);
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
        final PolicyHarness h = beamSearch(2, 3, 10, 0, 8);
        level(h, "p1/r0", new double[] {0.9, 0.8, 0.7}, null);

        assertThat(h.request("p1/r1").getSamples()).isEqualTo(1);
        assertThat(h.requests).hasSize(2);
        assertThat(h.decisions(SearchAction.EXPAND).get(0).getReason()).contains("1 of 3 samples");
        assertThat(h.decisions(SearchAction.PRUNE)).extracting(SearchDecision::getStepIds).contains(List.of("p1/r0.1"));
        level(h, "p1/r1", new double[] {0.9}, null);

        final AnswerPublished answer = h.answer();
        assertThat(answer.getBudgetExhausted()).isTrue();
        assertThat(answer.getModelCalls()).isEqualTo(8).isLessThanOrEqualTo(8);
        assertThat(answer.getAnswer()).isNull();
        assertThat(h.decisions(SearchAction.STOP).get(0).getReason()).contains("cannot pay for another sample");
    }

    @Test
    void reachingTheTokenBudgetStopsTheSearch() {
        final PolicyHarness h = new PolicyHarness(SETTINGS, prompt(P, "q", beam(2, 2, 10, 0),
                budget(400, 25, null), T0), T0);
        h.step(step(P, "p1/r0", 0, "a"));
        h.step(step(P, "p1/r0", 1, "b"));
        assertThat(h.answers).isEmpty();
        h.verdict(verdict(P, "p1/r0.0", 0.9));

        assertThat(h.answer().getBudgetExhausted()).isTrue();
        assertThat(h.answer().getTokens()).isEqualTo(25);
    }

    @Test
    void theDeadlineAnswersWithTheBestSoFar() {
        final PolicyHarness h = new PolicyHarness(SETTINGS, prompt(P, "q", beam(2, 2, 10, 0),
                budget(400, 1_000_000, T0 + 10_000), T0), T0);
        level(h, "p1/r0", new double[] {0.9, 0.8}, new String[] {"5", null});
        assertThat(h.decisions(SearchAction.FINISH_CHAIN)).hasSize(1);

        h.tick(T0 + 9_999);
        assertThat(h.answers).isEmpty();
        h.tick(T0 + 10_000);

        final AnswerPublished answer = h.answer();
        assertThat(answer.getDeadlineReached()).isTrue();
        assertThat(answer.getAnswer()).isEqualTo("5");
        assertThat(answer.getLatencyMs()).isEqualTo(10_000);
        assertThat(answer.getSummary()).contains("deadline");
    }

    @Test
    void theDeadlineWithNoFinishedChainNamesTheBestPartialChain() {
        final PolicyHarness h = new PolicyHarness(SETTINGS, prompt(P, "q", beam(1, 1, 10, 0),
                budget(400, 1_000_000, null), T0), T0);
        level(h, "p1/r0", new double[] {0.9}, null);
        level(h, "p1/r1", new double[] {0.8}, null);
        h.tick(T0 + SETTINGS.defaultTimeoutMs());

        assertThat(h.answer().getAnswer()).isNull();
        assertThat(h.answer().getDeadlineReached()).isTrue();
        assertThat(h.answer().getSummary()).contains("best partial chain had 2 steps");
    }

    @Test
    void aLostVerdictTimesOutAndTheLevelIsResolvedWithoutIt() {
        final PolicyHarness h = beamSearch(1, 2, 10, 0, 400);
        h.step(step(P, "p1/r0", 0, "a", true, "9"));
        h.step(step(P, "p1/r0", 1, "b", true, "8"));
        h.verdict(verdict(P, "p1/r0.0", 0.6));
        assertThat(h.policy.nextWakeUp(h.tree)).isEqualTo(T0 + SETTINGS.verdictTimeoutMs());

        h.tick(T0 + SETTINGS.verdictTimeoutMs());

        assertThat(h.decisions(SearchAction.VERDICT_TIMEOUT)).singleElement()
                .satisfies(d -> assertThat(d.getStepIds()).containsExactly("p1/r0.1"));
        assertThat(h.answer().getAnswer()).isEqualTo("9");
        assertThat(h.answer().getSummary()).contains("1 unverified");
        // A verdict that comes after the answer changes nothing.
        assertThat(h.verdict(verdict(P, "p1/r0.1", 0.99)).ignored()).isPresent();
    }

    @Test
    void aRequestWhoseStepsNeverAllComeIsClosedWithWhatArrived() {
        final PolicyHarness h = beamSearch(1, 3, 10, 0, 400);
        h.step(step(P, "p1/r0", 0, "a", true, "3"));
        h.verdict(verdict(P, "p1/r0.0", 0.9));
        assertThat(h.answers).isEmpty();

        h.tick(T0 + SETTINGS.proposalTimeoutMs());

        assertThat(h.answer().getAnswer()).isEqualTo("3");
        assertThat(h.answer().getSummary()).contains("1 request timed out");
        // The late sample of the closed request is ignored.
        assertThat(h.tree.status()).isEqualTo(SearchTree.Status.ANSWERED);
    }

    @Test
    void aProposerErrorAnswersAtOnceWithTheError() {
        final PolicyHarness h = beamSearch(2, 3, 10, 2, 400);
        h.step(errorStep(P, "p1/r0", "cannot parse: not a synthetic problem"));

        final AnswerPublished answer = h.answer();
        assertThat(answer.getAnswer()).isNull();
        assertThat(answer.getError()).isEqualTo("cannot parse: not a synthetic problem");
        assertThat(answer.getSummary()).contains("could not work on this problem")
                .contains("cannot parse: not a synthetic problem");
        assertThat(h.actions()).containsExactly(SearchAction.START, SearchAction.STOP);
    }

    @Test
    void eventsAfterTheAnswerAreIgnored() {
        final PolicyHarness h = beamSearch(1, 1, 10, 0, 400);
        level(h, "p1/r0", new double[] {0.9}, new String[] {"1"});
        final int decisions = h.decisions.size();

        assertThat(h.step(step(P, "p1/r0", 0, "again", true, "2")).ignored()).isPresent();
        assertThat(h.verdict(verdict(P, "p1/r0.0", 0.1)).ignored()).isPresent();
        assertThat(h.tick(T0 + 1_000_000).ignored()).isPresent();
        assertThat(h.decisions).hasSize(decisions);
        assertThat(h.answers).hasSize(1);
    }

    @Test
    void duplicateAndUnknownStepsAndVerdictsAreIgnoredAndNotCounted() {
        final PolicyHarness h = beamSearch(2, 2, 10, 0, 400);
        h.step(step(P, "p1/r0", 0, "a"));
        h.verdict(verdict(P, "p1/r0.0", 0.9));
        final int calls = h.tree.callsMade();

        assertThat(h.step(step(P, "p1/r0", 0, "a again")).ignored()).isPresent();
        assertThat(h.verdict(verdict(P, "p1/r0.0", 0.1)).ignored()).isPresent();
        assertThat(h.step(step(P, "p1/r0", 2, "a third sample nobody asked for")).ignored()).isPresent();
        assertThat(h.step(step(P, "p1/r9", 0, "unknown request")).ignored()).isPresent();
        assertThat(h.verdict(verdict(P, "p1/r9.0", 0.9)).ignored()).isPresent();
        assertThat(h.tree.callsMade()).isEqualTo(calls);
    }

    @Test
    void aVerifierRejectionRejectsWhateverTheScore() {
        final PolicyHarness h = beamSearch(1, 1, 10, 0, 400);
        h.step(step(P, "p1/r0", 0, "a", true, "1"));
        h.verdict(dev.stepwise.schemas.avro.StepVerified.newBuilder(verdict(P, "p1/r0.0", 0.9))
                .setVerdict(Verdict.REJECTED).setRationale("contradicts the problem").build());

        assertThat(h.answer().getAnswer()).isNull();
        assertThat(h.decisions(SearchAction.PRUNE).get(0).getReason()).contains("contradicts the problem");
    }

    @Test
    void theSearchStopsAtMaxDepth() {
        final PolicyHarness h = beamSearch(1, 1, 2, 0, 400);
        level(h, "p1/r0", new double[] {0.9}, null);
        level(h, "p1/r1", new double[] {0.9}, null);

        assertThat(h.requests).hasSize(2);
        assertThat(h.decisions(SearchAction.STOP).get(0).getReason()).contains("maximum depth of 2");
        assertThat(h.answer().getAnswer()).isNull();
    }

    @Test
    void theSearchStopsWhenNothingIsLeftToExpand() {
        final PolicyHarness h = beamSearch(2, 2, 10, 0, 400);
        level(h, "p1/r0", new double[] {0.1, 0.2}, null);

        assertThat(h.decisions(SearchAction.STOP).get(0).getReason()).contains("No accepted chain");
    }

    @Test
    void aReplayOfTheSameEventsMakesTheSameDecisionsAndRequests() {
        final PolicyHarness first = beamSearch(2, 3, 10, 1, 400);
        final PolicyHarness second = beamSearch(2, 3, 10, 1, 400);
        for (final PolicyHarness h : List.of(first, second)) {
            level(h, "p1/r0", new double[] {0.2, 0.3, 0.1}, null);
            h.step(step(P, "p1/r1", 0, "revised"));
            h.verdict(verdict(P, "p1/r1.0", 0.8));
            level(h, "p1/r2", new double[] {0.9, 0.6, 0.7}, new String[] {"x", "x", "y"});
        }
        assertThat(second.decisions).isEqualTo(first.decisions);
        assertThat(second.requests).isEqualTo(first.requests);
        assertThat(second.revisions).isEqualTo(first.revisions);
        assertThat(second.answers).isEqualTo(first.answers);
    }

    @Test
    void aReplayWithMergedDuplicatesMakesTheSameDecisionsAndRequests() {
        final PolicyHarness first = beamSearch(2, 3, 10, 1, 400);
        final PolicyHarness second = beamSearch(2, 3, 10, 1, 400);
        for (final PolicyHarness h : List.of(first, second)) {
            samples(h, "p1/r0", new String[] {"a", "b", "a"}, new double[] {1.0, 1.0, 1.0}, null);
            samples(h, "p1/r1", new String[] {"c", "c", "d", "c", "e", "d"}, new double[] {1.0, 0.2, 1.0, 1.0, 1.0, 1.0},
                    new String[] {"1", "1", "2", "1", "3", "2"});
        }
        assertThat(first.decisions(SearchAction.PRUNE)).extracting(SearchDecision::getReason)
                .anyMatch(r -> r.startsWith("Pruned 1 duplicate of p1/r1.0"));
        assertThat(second.decisions).isEqualTo(first.decisions);
        assertThat(second.requests).isEqualTo(first.requests);
        assertThat(second.answers).isEqualTo(first.answers);
    }

    @Test
    void bestOfNRunsIndependentChainsWithOneSampleEach() {
        final PolicyHarness h = new PolicyHarness(SETTINGS, prompt(P, "q", bestOfN(3, 10, 1),
                budget(400, 1_000_000, null), T0), T0);

        assertThat(h.requests).extracting(StepProposalRequested::getRequestId).containsExactly("p1/r0", "p1/r1", "p1/r2");
        assertThat(h.requests).allSatisfy(r -> assertThat(r.getSamples()).isEqualTo(1));

        // chain 0: accepted, then finishes with "5"
        h.step(step(P, "p1/r0", 0, "a"));
        h.verdict(verdict(P, "p1/r0.0", 0.9));
        assertThat(h.lastRequest().getParentStepId()).isEqualTo("p1/r0.0");
        final String next0 = h.lastRequest().getRequestId();
        h.step(step(P, next0, 0, "a2", true, "5"));
        h.verdict(verdict(P, next0 + ".0", 0.8));
        // chain 1: finishes at once with "5"
        h.step(step(P, "p1/r1", 0, "b", true, "5"));
        h.verdict(verdict(P, "p1/r1.0", 0.7));
        // chain 2: rejected, revised once, rejected again -> dropped
        h.step(step(P, "p1/r2", 0, "c"));
        h.verdict(verdict(P, "p1/r2.0", 0.1));
        final RevisionRequested revision = h.revisions.get(0);
        assertThat(revision.getStepId()).isEqualTo("p1/r2.0");
        h.step(step(P, revision.getRequestId(), 0, "c revised"));
        assertThat(h.answers).isEmpty();
        h.verdict(verdict(P, revision.getRequestId() + ".0", 0.2));

        final AnswerPublished answer = h.answer();
        assertThat(answer.getAnswer()).isEqualTo("5");
        assertThat(answer.getStrategy()).isEqualTo("best-of-n");
        assertThat(answer.getVotes()).singleElement().satisfies(v -> {
            assertThat(v.getChains()).isEqualTo(2);
            assertThat(v.getWeight()).isCloseTo(0.8 + 0.7, within(1e-9));
        });
        assertThat(answer.getConfidence()).isEqualTo(1.0);
        assertThat(answer.getWinningChain()).containsExactly("p1/r0.0", next0 + ".0");
        assertThat(h.decisions(SearchAction.STOP).get(0).getReason()).contains("Every chain");
    }

    @Test
    void bestOfNNeverSpendsMoreThanTheCallBudget() {
        final PolicyHarness h = new PolicyHarness(SETTINGS, prompt(P, "q", bestOfN(2, 100, 0),
                budget(9, 1_000_000, null), T0), T0);
        for (int round = 0; round < 10 && h.answers.isEmpty(); round++) {
            for (final StepProposalRequested r : List.copyOf(h.requests)) {
                final String id = r.getRequestId() + ".0";
                if (h.tree.stepCount() > 0 && h.tree.stepsView().containsKey(id)) {
                    continue;
                }
                h.step(step(P, r.getRequestId(), 0, "s"));
                h.verdict(verdict(P, id, 0.9));
            }
        }
        assertThat(h.answer().getModelCalls()).isLessThanOrEqualTo(9);
        assertThat(h.answer().getBudgetExhausted()).isTrue();
    }

    @Test
    void wakeUpIsTheEarliestOfDeadlineVerdictAndProposalTimeoutsThenTheTombstoneRetention() {
        final PolicyHarness h = beamSearch(1, 2, 10, 0, 400);
        assertThat(h.policy.nextWakeUp(h.tree)).isEqualTo(T0 + SETTINGS.proposalTimeoutMs());
        h.now = T0 + 1_000;
        h.step(step(P, "p1/r0", 0, "a", true, "1"));
        assertThat(h.policy.nextWakeUp(h.tree)).isEqualTo(T0 + 1_000 + SETTINGS.verdictTimeoutMs());
        h.step(step(P, "p1/r0", 1, "b", true, "1"));
        h.verdict(verdict(P, "p1/r0.0", 0.9));
        h.verdict(verdict(P, "p1/r0.1", 0.9));

        assertThat(h.tree.status()).isEqualTo(SearchTree.Status.ANSWERED);
        assertThat(h.policy.nextWakeUp(h.tree)).isEqualTo(T0 + 1_000 + SETTINGS.tombstoneRetentionMs());
        assertThat(h.policy.isExpired(h.tree, T0 + 1_000 + SETTINGS.tombstoneRetentionMs())).isTrue();
    }
}
