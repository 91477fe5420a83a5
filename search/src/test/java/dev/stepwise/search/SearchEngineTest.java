package dev.stepwise.search;

import static dev.stepwise.search.testing.TestEvents.T0;
import static dev.stepwise.search.testing.TestEvents.beam;
import static dev.stepwise.search.testing.TestEvents.budget;
import static dev.stepwise.search.testing.TestEvents.errorStep;
import static dev.stepwise.search.testing.TestEvents.outcomeVerdict;
import static dev.stepwise.search.testing.TestEvents.prompt;
import static dev.stepwise.search.testing.TestEvents.step;
import static dev.stepwise.search.testing.TestEvents.verdict;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.stepwise.schemas.avro.AnswerPublished;
import dev.stepwise.schemas.avro.SearchAction;
import dev.stepwise.schemas.avro.SearchDecision;
import dev.stepwise.schemas.avro.StepProposalRequested;
import dev.stepwise.schemas.avro.StepProposed;
import dev.stepwise.schemas.avro.Verdict;
import dev.stepwise.schemas.avro.VerificationKind;
import dev.stepwise.schemas.avro.VerificationPlan;
import dev.stepwise.search.testing.EngineHarness;
import org.junit.jupiter.api.Test;

/**
 * What the engine does for every strategy: intake, early verdicts, duplicates, budget, deadline,
 * errors, asking again for lost work (never judging without a reply), and wake-up times.
 */
class SearchEngineTest {

    private static final SearchSettings SETTINGS = SearchSettings.defaults();
    private static final String P = "p1";

    private static EngineHarness beamSearch(final int width, final int branching, final int maxDepth,
                                            final int maxRevisions, final int maxCalls) {
        return new EngineHarness(SETTINGS, prompt(P, "What is 6 * 7?", beam(width, branching, maxDepth, maxRevisions),
                budget(maxCalls, 1_000_000L, null), T0), T0);
    }

    @Test
    void decisionsAreNumberedInOrderFromZero() {
        final EngineHarness h = beamSearch(2, 2, 10, 2, 400);
        h.level(P, "p1/r0", new double[] {0.9, 0.8}, new String[] {"1", "1"});

        assertThat(h.decisions).extracting(SearchDecision::getSequence)
                .containsExactlyElementsOf(java.util.stream.IntStream.range(0, h.decisions.size()).boxed().toList());
    }

    @Test
    void aVerdictBeforeItsStepIsKeptAndAppliedWhenTheStepArrives() {
        final EngineHarness h = beamSearch(1, 1, 10, 2, 400);

        h.verdict(verdict(P, "p1/r0.0", 0.9));
        assertThat(h.decisions).hasSize(1);
        h.step(step(P, "p1/r0", 0, "first", true, "7"));

        assertThat(h.answer().getAnswer()).isEqualTo("7");
        assertThat(h.answer().getModelCalls()).isEqualTo(2);
    }

    @Test
    void reachingTheTokenBudgetStopsTheSearch() {
        final EngineHarness h = new EngineHarness(SETTINGS, prompt(P, "q", beam(2, 2, 10, 0),
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
        final EngineHarness h = new EngineHarness(SETTINGS, prompt(P, "q", beam(2, 2, 10, 0),
                budget(400, 1_000_000, T0 + 10_000), T0), T0);
        h.level(P, "p1/r0", new double[] {0.9, 0.8}, new String[] {"5", null});
        assertThat(h.decisions(SearchAction.FINISH_CHAIN)).hasSize(1);

        h.timer(T0 + 9_999);
        assertThat(h.answers).isEmpty();
        h.timer(T0 + 10_000);

        final AnswerPublished answer = h.answer();
        assertThat(answer.getDeadlineReached()).isTrue();
        assertThat(answer.getAnswer()).isEqualTo("5");
        assertThat(answer.getLatencyMs()).isEqualTo(10_000);
        assertThat(answer.getSummary()).contains("deadline");
    }

    @Test
    void theDeadlineWithNoFinishedChainNamesTheBestPartialChain() {
        final EngineHarness h = new EngineHarness(SETTINGS, prompt(P, "q", beam(1, 1, 10, 0),
                budget(400, 1_000_000, null), T0), T0);
        h.level(P, "p1/r0", new double[] {0.9}, null);
        h.level(P, "p1/r1", new double[] {0.8}, null);
        h.timer(T0 + SETTINGS.defaultTimeoutMs());

        assertThat(h.answer().getAnswer()).isNull();
        assertThat(h.answer().getDeadlineReached()).isTrue();
        assertThat(h.answer().getSummary()).contains("best partial chain had 2 steps");
    }

    @Test
    void aProposerErrorAnswersAtOnceWithTheError() {
        final EngineHarness h = beamSearch(2, 3, 10, 2, 400);
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
        final EngineHarness h = beamSearch(1, 1, 10, 0, 400);
        h.level(P, "p1/r0", new double[] {0.9}, new String[] {"1"});
        final int decisions = h.decisions.size();

        assertThat(h.step(step(P, "p1/r0", 0, "again", true, "2")).ignored()).isPresent();
        assertThat(h.verdict(verdict(P, "p1/r0.0", 0.1)).ignored()).isPresent();
        assertThat(h.timer(T0 + 1_000_000).ignored()).isPresent();
        assertThat(h.decisions).hasSize(decisions);
        assertThat(h.answers).hasSize(1);
    }

    @Test
    void aVerifierRejectionRejectsWhateverTheScore() {
        final EngineHarness h = beamSearch(1, 1, 10, 0, 400);
        h.step(step(P, "p1/r0", 0, "a", true, "1"));
        h.verdict(dev.stepwise.schemas.avro.StepVerified.newBuilder(verdict(P, "p1/r0.0", 0.9))
                .setVerdict(Verdict.REJECTED).setRationale("contradicts the problem").build());

        assertThat(h.answer().getAnswer()).isNull();
        assertThat(h.decisions(SearchAction.PRUNE).get(0).getReason()).contains("contradicts the problem");
    }

    @Test
    void wakeUpIsTheEarliestOfDeadlineVerdictAndProposalTimeoutsThenTheTombstoneRetention() {
        final EngineHarness h = beamSearch(1, 2, 10, 0, 400);
        assertThat(h.engine.nextWakeUp(h.tree)).isEqualTo(T0 + SETTINGS.proposalTimeoutMs());
        h.now = T0 + 1_000;
        h.step(step(P, "p1/r0", 0, "a", true, "1"));
        assertThat(h.engine.nextWakeUp(h.tree)).isEqualTo(T0 + 1_000 + SETTINGS.verdictTimeoutMs());
        h.step(step(P, "p1/r0", 1, "b", true, "1"));
        h.verdict(verdict(P, "p1/r0.0", 0.9));
        h.verdict(verdict(P, "p1/r0.1", 0.9));

        assertThat(h.tree.status()).isEqualTo(SearchTree.Status.ANSWERED);
        assertThat(h.engine.nextWakeUp(h.tree)).isEqualTo(T0 + 1_000 + SETTINGS.tombstoneRetentionMs());
        assertThat(h.engine.isExpired(h.tree, T0 + 1_000 + SETTINGS.tombstoneRetentionMs())).isTrue();
    }

    // ------------------------------------------------------------------ late, lost and duplicate replies

    @Test
    void aLostVerdictIsAskedForAgainWithTheSameIdAndTheStepWaitsForItInsteadOfBeingScored() {
        final EngineHarness h = beamSearch(1, 2, 10, 0, 400);
        h.step(step(P, "p1/r0", 0, "a", true, "9"));
        h.step(step(P, "p1/r0", 1, "b", true, "8"));
        h.verdict(verdict(P, "p1/r0.0", 0.6));
        assertThat(h.engine.nextWakeUp(h.tree)).isEqualTo(T0 + SETTINGS.verdictTimeoutMs());
        final int reserved = h.tree.reservedCalls();

        h.timer(T0 + SETTINGS.verdictTimeoutMs());

        assertThat(h.verifications).singleElement().satisfies(v -> {
            assertThat(v.getRequestId()).isEqualTo("p1/r0.1/step");
            assertThat(v.getKind()).isEqualTo(VerificationKind.STEP);
            assertThat(v.getStepId()).isEqualTo("p1/r0.1");
            assertThat(v.getText()).isEqualTo("b");
            assertThat(v.getTerminal()).isTrue();
            assertThat(v.getRetry()).isEqualTo(1);
            assertThat(v.getRequestedBy()).isEqualTo("topology");
        });
        assertThat(h.decisions(SearchAction.RETRY)).singleElement()
                .satisfies(d -> assertThat(d.getStepIds()).containsExactly("p1/r0.1"));
        assertThat(h.answers).isEmpty();
        assertThat(h.tree.reservedCalls()).isEqualTo(reserved + 1);
        // The next retry waits twice as long.
        assertThat(h.engine.nextWakeUp(h.tree)).isEqualTo(T0 + 3 * SETTINGS.verdictTimeoutMs());

        h.now = T0 + SETTINGS.verdictTimeoutMs() + 10;
        h.verdict(verdict(P, "p1/r0.1", 0.99));

        // The late verdict counts as if it had been on time: the better step wins.
        assertThat(h.answer().getAnswer()).isEqualTo("8");
        assertThat(h.answer().getSummary()).contains("1 retry of late or lost work");
        assertThat(h.decisions(SearchAction.VERDICT_TIMEOUT)).isEmpty();
    }

    @Test
    void whenTheOriginalAndTheRetriedVerdictBothComeTheFirstCountsAndBothAreCalls() {
        final EngineHarness h = beamSearch(1, 2, 10, 0, 400);
        h.step(step(P, "p1/r0", 0, "a", true, "1"));
        h.step(step(P, "p1/r0", 1, "b", true, "2"));
        h.timer(T0 + SETTINGS.verdictTimeoutMs());
        assertThat(h.verifications).hasSize(2);

        h.verdict(verdict(P, "p1/r0.0", 0.2, "the original"));
        final int calls = h.tree.callsMade();
        assertThat(h.verdict(verdict(P, "p1/r0.0", 0.9, "the retry's")).ignored()).isPresent();
        assertThat(h.tree.callsMade()).isEqualTo(calls + 1);
        h.verdict(verdict(P, "p1/r0.1", 0.3));

        assertThat(h.answer().getAnswer()).isNull();
        assertThat(h.decisions(SearchAction.PRUNE).get(0).getReason()).contains("the original");
        assertThat(h.answer().getCallsByRole()).containsEntry("proposer", 2).containsEntry("verifier", 3);
    }

    @Test
    void aReplyReadWhileTheTopologyCatchesUpIsUsedAndOnlyWhatIsReallyMissingIsAskedAgain() {
        final EngineHarness h = beamSearch(1, 3, 10, 0, 400);
        h.step(step(P, "p1/r0", 0, "a", true, "1"));
        h.step(step(P, "p1/r0", 1, "b", true, "2"));
        h.step(step(P, "p1/r0", 2, "c", true, "3"));
        h.verdict(verdict(P, "p1/r0.0", 0.7));
        // The topology was down for 40 s. It reads the verdict written before its timer first: the log
        // orders them, whatever the wall clock says by then.
        h.now = T0 + 40_000;
        h.verdict(verdict(P, "p1/r0.1", 0.8));

        h.timer(T0 + 40_001);

        assertThat(h.verifications).singleElement()
                .satisfies(v -> assertThat(v.getStepId()).isEqualTo("p1/r0.2"));
        h.verdict(verdict(P, "p1/r0.2", 0.1));
        assertThat(h.answer().getAnswer()).isEqualTo("2");
    }

    @Test
    void aTimerReadBeforeAnythingIsDueChangesNothing() {
        final EngineHarness h = beamSearch(1, 2, 10, 0, 400);
        h.step(step(P, "p1/r0", 0, "a", true, "1"));

        final var commands = h.timer(T0 + SETTINGS.verdictTimeoutMs() - 1);

        assertThat(commands.isEmpty()).isTrue();
        assertThat(h.tree.retries()).isZero();
    }

    @Test
    void aProposalWithMissingSamplesIsSentAgainWithTheSameIdAndALateDuplicateIsDropped() {
        final EngineHarness h = beamSearch(1, 3, 10, 0, 400);
        h.step(step(P, "p1/r0", 0, "a", true, "3"));
        h.verdict(verdict(P, "p1/r0.0", 0.9));
        final int reserved = h.tree.reservedCalls();

        h.timer(T0 + SETTINGS.proposalTimeoutMs());

        assertThat(h.requests).hasSize(2);
        final StepProposalRequested again = h.lastRequest();
        assertThat(again.getRequestId()).isEqualTo("p1/r0");
        assertThat(again.getSamples()).isEqualTo(3);
        assertThat(again.getRetry()).isEqualTo(1);
        assertThat(again.getVerification()).isEqualTo(VerificationPlan.STEP);
        assertThat(h.tree.reservedCalls()).isEqualTo(reserved + 2 * 2);
        assertThat(h.decisions(SearchAction.RETRY).get(0).getReason()).contains("2 of 3 samples had not come back");

        h.level(P, "p1/r0", new double[] {0.9, 0.8, 0.7}, new String[] {"3", "3", "4"});
        assertThat(h.ignored).anyMatch(i -> i.contains("already received"));
        assertThat(h.answer().getAnswer()).isEqualTo("3");
        assertThat(h.answer().getModelCalls()).isLessThanOrEqualTo(h.tree.reservedCalls());
    }

    @Test
    void whenTheBudgetCannotPayForAskingAgainTheSearchWaitsAndTheDeadlineSaysWhy() {
        final EngineHarness h = new EngineHarness(SETTINGS, prompt(P, "q", beam(1, 1, 10, 0),
                budget(2, 1_000_000, T0 + 60_000), T0), T0);
        h.step(step(P, "p1/r0", 0, "a", true, "1"));

        h.timer(T0 + SETTINGS.verdictTimeoutMs());

        assertThat(h.verifications).isEmpty();
        assertThat(h.decisions(SearchAction.WAIT)).singleElement()
                .satisfies(d -> assertThat(d.getReason()).contains("budget cannot pay for asking again"));
        assertThat(h.engine.nextWakeUp(h.tree)).isEqualTo(T0 + 60_000);

        h.timer(T0 + 60_000);

        final AnswerPublished answer = h.answer();
        assertThat(answer.getAnswer()).isNull();
        assertThat(answer.getDeadlineReached()).isTrue();
        assertThat(answer.getStopCause()).isEqualTo("deadline");
        assertThat(answer.getSummary()).contains("1 reply never came and the budget could not pay for asking again");
    }

    @Test
    void duplicateRepliesAreDroppedButCountedAndRepliesNobodyAskedForAreIgnoredAndNotCounted() {
        final EngineHarness h = beamSearch(2, 2, 10, 0, 400);
        h.step(step(P, "p1/r0", 0, "a"));
        h.verdict(verdict(P, "p1/r0.0", 0.9));
        final int calls = h.tree.callsMade();

        assertThat(h.step(step(P, "p1/r0", 0, "a again")).ignored()).isPresent();
        assertThat(h.verdict(verdict(P, "p1/r0.0", 0.1)).ignored()).isPresent();
        assertThat(h.tree.callsMade()).isEqualTo(calls + 2);

        assertThat(h.step(step(P, "p1/r0", 2, "a third sample nobody asked for")).ignored()).isPresent();
        assertThat(h.step(step(P, "p1/r9", 0, "unknown request")).ignored()).isPresent();
        assertThat(h.verdict(verdict(P, "p1/r9.0", 0.9)).ignored()).isPresent();
        assertThat(h.tree.callsMade()).isEqualTo(calls + 2);
    }

    @Test
    void callsAreCountedPerRoleAsTheirResultsArrive() {
        final EngineHarness h = beamSearch(1, 2, 10, 1, 400);
        h.level(P, "p1/r0", new double[] {0.2, 0.1}, null);
        h.step(StepProposed.newBuilder(step(P, "p1/r1", 0, "revised", true, "5")).setRevisionOf("p1/r0.0").build());
        assertThat(h.tree.callsByRole()).containsEntry("proposer", 2).containsEntry("verifier", 2)
                .containsEntry("reviser", 1);
        h.verdict(verdict(P, "p1/r1.0", 0.9));

        final AnswerPublished answer = h.answer();
        assertThat(answer.getCallsByRole()).containsEntry("proposer", 2).containsEntry("verifier", 3)
                .containsEntry("reviser", 1);
        assertThat(answer.getModelCalls()).isEqualTo(6);
        assertThat(answer.getStopCause()).isEqualTo("enough-finished");
        assertThat(answer.getSummary()).contains("(proposer 2, verifier 3, reviser 1)");
    }

    // ------------------------------------------------------------------ verification plans

    private static EngineHarness probe(final int samples, final int plan, final boolean verifyOutcome, final int calls) {
        final dev.stepwise.schemas.avro.Strategy strategy = ProbeStrategy.REGISTRY.toAvro(ProbeStrategy.REGISTRY.resolve(
                ProbeStrategy.NAME, java.util.Map.of("samples", Integer.toString(samples), "plan", Integer.toString(plan),
                        "verify-outcome", Boolean.toString(verifyOutcome))));
        return new EngineHarness(SETTINGS, ProbeStrategy.REGISTRY, prompt(P, "q", strategy, budget(calls, 1_000_000L, null),
                T0), T0);
    }

    @Test
    void theProposalRequestCarriesItsVerificationPlanAndReservesWhatThePlanCosts() {
        assertThat(probe(2, 0, false, 400).lastRequest().getVerification()).isEqualTo(VerificationPlan.STEP);
        assertThat(probe(2, 0, false, 400).tree.reservedCalls()).isEqualTo(4);
        assertThat(probe(2, 1, false, 400).lastRequest().getVerification()).isEqualTo(VerificationPlan.OUTCOME);
        assertThat(probe(2, 1, false, 400).tree.reservedCalls()).isEqualTo(4);
        assertThat(probe(2, 2, false, 400).lastRequest().getVerification()).isEqualTo(VerificationPlan.NONE);
        assertThat(probe(2, 2, false, 400).tree.reservedCalls()).isEqualTo(2);
    }

    @Test
    void withNoVerificationAStepIsReadyWhenItArrives() {
        final EngineHarness h = probe(2, 2, false, 400);
        h.step(step(P, "p1/r0", 0, "a", true, "7"));
        h.step(step(P, "p1/r0", 1, "b", true, "7"));

        assertThat(h.answer().getAnswer()).isEqualTo("7");
        assertThat(h.answer().getModelCalls()).isEqualTo(2);
        assertThat(h.answer().getCallsByRole()).containsOnlyKeys("proposer");
    }

    @Test
    void withAnOutcomePlanOnlyTerminalStepsWaitForAnOutcomeVerdict() {
        final EngineHarness h = probe(2, 1, false, 400);
        h.step(step(P, "p1/r0", 0, "not done yet"));
        // The non-terminal step needs no verdict: its reserved verification call is given back.
        assertThat(h.tree.reservedCalls()).isEqualTo(3);
        h.step(step(P, "p1/r0", 1, "done", true, "7"));
        assertThat(h.answers).isEmpty();
        // A STEP verdict was not asked for: counted, ignored.
        assertThat(h.verdict(verdict(P, "p1/r0.1", 0.9)).ignored()).isPresent();

        h.verdict(outcomeVerdict(P, "p1/r0.1", 0.4));

        assertThat(h.answer().getAnswer()).isEqualTo("7");
        assertThat(h.answer().getVotes().get(0).getWeight()).isCloseTo(0.4, within(1e-9));
        final ProbeStrategy.State state = (ProbeStrategy.State) h.tree.strategyState();
        assertThat(state).isNull(); // a tombstone keeps no strategy state
    }

    @Test
    void aVerificationTheStrategyAsksForIsSentByTheTopologyAndReportedBack() {
        final EngineHarness h = probe(1, 2, true, 400);
        h.step(step(P, "p1/r0", 0, "done", true, "7"));

        assertThat(h.verifications).singleElement().satisfies(v -> {
            assertThat(v.getKind()).isEqualTo(VerificationKind.OUTCOME);
            assertThat(v.getRequestId()).isEqualTo("p1/r0.0/outcome");
            assertThat(v.getAnswer()).isEqualTo("7");
            assertThat(v.getRetry()).isZero();
        });
        assertThat(h.decisions(SearchAction.VERIFY)).hasSize(1);
        assertThat(h.answers).isEmpty();

        h.verdict(outcomeVerdict(P, "p1/r0.0", 0.75));

        assertThat(h.answer().getVotes().get(0).getWeight()).isCloseTo(0.75, within(1e-9));
        assertThat(h.answer().getModelCalls()).isEqualTo(2);
    }

    @Test
    void workAskedForWhileCatchingUpIsTimedFromWhenItIsSentNotFromTheOldEventThatCausedIt() {
        final EngineHarness h = beamSearch(1, 1, 10, 0, 400);
        h.step(step(P, "p1/r0", 0, "a"));
        // The verdict was written at T0 + 10, but read 40 s later, after a restart: the next level is sent then.
        final long readAt = T0 + 40_000;
        h.absorbed(h.engine.onVerdict(h.tree, verdict(P, "p1/r0.0", 0.9), T0 + 10, readAt));
        assertThat(h.lastRequest().getRequestId()).isEqualTo("p1/r1");

        // The timer written when the topology came back (just before it read the verdict) finds nothing overdue.
        assertThat(h.engine.onTimer(h.tree, readAt - 1).isEmpty()).isTrue();
        assertThat(h.engine.nextWakeUp(h.tree)).isEqualTo(readAt + SETTINGS.proposalTimeoutMs());
    }

    @Test
    void aCancelledSearchStopsAtOnceWithACancelDecisionAndWhatItHas() {
        final EngineHarness h = beamSearch(2, 2, 10, 0, 400);
        h.level(P, "p1/r0", new double[] {0.9, 0.8}, new String[] {"5", null});
        final int requests = h.requests.size();

        h.absorbed(h.engine.onCancel(h.tree, dev.stepwise.schemas.avro.PromptCancelled.newBuilder().setPromptId(P)
                .setReason("the client disconnected").setRequestedBy("gateway-1")
                .setCancelledAt(java.time.Instant.ofEpochMilli(T0 + 5)).build(), T0 + 5, T0 + 5));

        assertThat(h.actions()).endsWith(SearchAction.CANCEL, SearchAction.STOP);
        assertThat(h.decisions(SearchAction.CANCEL).get(0).getReason()).contains("gateway-1").contains("disconnected");
        final AnswerPublished answer = h.answer();
        assertThat(answer.getStopCause()).isEqualTo("cancelled");
        assertThat(answer.getAnswer()).isEqualTo("5");
        assertThat(h.requests).hasSize(requests);
        assertThat(h.step(step(P, "p1/r1", 0, "late")).ignored()).isPresent();
    }

    @Test
    void decisionsCarryTheSearchsProgressInNumbers() {
        final EngineHarness h = beamSearch(1, 2, 10, 1, 400);
        h.level(P, "p1/r0", new double[] {0.2, 0.1}, null);

        final var revise = h.decisions(SearchAction.REVISE).get(0).getProgress();
        assertThat(revise.getDepth()).isEqualTo(1);
        assertThat(revise.getModelCalls()).isEqualTo(4);
        assertThat(revise.getRevisions()).isEqualTo(1);
        assertThat(revise.getChainsAlive()).isEqualTo(1);
        assertThat(revise.getFinishedChains()).isZero();
    }
}
