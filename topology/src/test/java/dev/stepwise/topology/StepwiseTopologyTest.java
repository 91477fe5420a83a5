package dev.stepwise.topology;

import static dev.stepwise.search.testing.TestEvents.T0;
import static dev.stepwise.search.testing.TestEvents.beam;
import static dev.stepwise.search.testing.TestEvents.budget;
import static dev.stepwise.search.testing.TestEvents.errorStep;
import static dev.stepwise.search.testing.TestEvents.prompt;
import static dev.stepwise.search.testing.TestEvents.step;
import static dev.stepwise.search.testing.TestEvents.verdict;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.stepwise.schemas.avro.AnswerPublished;
import dev.stepwise.schemas.avro.DeadLetter;
import dev.stepwise.schemas.avro.PromptCancelled;
import dev.stepwise.schemas.avro.PromptSubmitted;
import dev.stepwise.schemas.avro.RevisionRequested;
import dev.stepwise.schemas.avro.SearchAction;
import dev.stepwise.schemas.avro.SearchDecision;
import dev.stepwise.schemas.avro.SearchTimer;
import dev.stepwise.schemas.avro.StepProposalRequested;
import dev.stepwise.schemas.avro.StepProposed;
import dev.stepwise.schemas.avro.VerificationKind;
import dev.stepwise.schemas.avro.VerificationPlan;
import dev.stepwise.schemas.avro.VerificationRequested;
import dev.stepwise.search.SearchTree;
import dev.stepwise.search.strategy.StrategyRegistry;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StepwiseTopologyTest {

    @TempDir
    Path stateDir;

    private TopologyFixture fx;

    @BeforeEach
    void start() {
        fx = new TopologyFixture(stateDir);
    }

    @AfterEach
    void stop() {
        fx.close();
    }

    private static byte[] bytes(final ByteBuffer buffer) {
        final ByteBuffer copy = buffer.duplicate();
        final byte[] out = new byte[copy.remaining()];
        copy.get(out);
        return out;
    }

    /** Plays proposer and verifier for one request: sample i gets text, score and (if terminal) answer. */
    private void answerRequest(final String promptId, final String requestId, final double[] scores,
                               final String[] answers, final long at) {
        for (int i = 0; i < scores.length; i++) {
            final boolean terminal = answers != null && answers[i] != null;
            fx.propose(step(promptId, requestId, i, "work " + requestId + "." + i, terminal, terminal ? answers[i] : null), at);
        }
        for (int i = 0; i < scores.length; i++) {
            fx.verify(verdict(promptId, requestId + "." + i, scores[i]), at + 1);
        }
    }

    @Test
    void everyNodeAndStoreHasAPinnedName() {
        final TopologyDescription description = StepwiseTopology.build(fx.config, fx.serdes).describe();
        final Set<String> nodes = new TreeSet<>();
        final Set<String> stores = new TreeSet<>();
        for (final TopologyDescription.Subtopology sub : description.subtopologies()) {
            for (final TopologyDescription.Node node : sub.nodes()) {
                nodes.add(node.name());
                if (node instanceof TopologyDescription.Processor processor) {
                    stores.addAll(processor.stores());
                }
            }
        }

        assertThat(description.subtopologies()).hasSize(2);
        assertThat(nodes).containsExactlyInAnyOrder(
                "prompts-text-source", "text-ingress", "prompts-sink", "text-dead-letter-sink", "text-answers-sink",
                "prompts-source", "steps-proposed-source", "steps-verified-source", "search-timers-source",
                "prompts-cancelled-source", "search",
                "steps-requested-sink", "revisions-requested-sink", "verifications-requested-sink", "search-timers-sink",
                "decisions-sink", "answers-sink", "search-dead-letter-sink");
        assertThat(stores).containsExactlyInAnyOrder("search-tree-store", "search-entry-store", "search-timer-store");
        assertThat(description.toString())
                .contains("topics: [stepwise.prompts.text]")
                .contains("topics: [stepwise.prompts]")
                .contains("topics: [stepwise.steps.proposed]")
                .contains("topics: [stepwise.steps.verified]")
                .contains("topics: [stepwise.search.timers]")
                .contains("topics: [stepwise.prompts.cancelled]")
                .contains("topic: stepwise.search.timers")
                .contains("topic: stepwise.verifications.requested")
                .contains("topic: stepwise.answers")
                .contains("topic: stepwise.dead-letter");
    }

    @Test
    void aPromptIsSearchedLevelByLevelAndAnsweredExactlyOnceWithTheVote() {
        fx.submit(prompt("p1", "What is 6 * 7?", beam(3, 3, 10, 2), budget(400, 1_000_000, null), T0), T0);

        final StepProposalRequested first = fx.requests.readValue();
        assertThat(first.getRequestId()).isEqualTo("p1/r0");
        assertThat(first.getSamples()).isEqualTo(3);
        assertThat(first.getParentStepId()).isNull();
        assertThat(first.getChainId()).isEqualTo("p1");
        assertThat(first.getContext().getProblem()).isEqualTo("What is 6 * 7?");
        assertThat(fx.trees().get("p1").status()).isEqualTo(SearchTree.Status.SEARCHING);

        // Depth 0: two accepted, one rejected.
        answerRequest("p1", "p1/r0", new double[] {0.9, 0.8, 0.1}, null, T0 + 100);
        final List<StepProposalRequested> level1 = fx.requests.readValuesToList();
        assertThat(level1).extracting(StepProposalRequested::getParentStepId).containsExactly("p1/r0.0", "p1/r0.1");
        assertThat(level1).allSatisfy(r -> assertThat(r.getDepth()).isEqualTo(1));
        assertThat(level1.get(0).getContext().getPriorSteps()).containsExactly("work p1/r0.0");

        // Depth 1: three terminal steps accepted (beam width 3 reached), the rest rejected.
        answerRequest("p1", "p1/r1", new double[] {0.95, 0.7, 0.2}, new String[] {"42", "42", "41"}, T0 + 200);
        assertThat(fx.answers.isEmpty()).isTrue();
        answerRequest("p1", "p1/r2", new double[] {0.9, 0.3, 0.1}, new String[] {"41", "40", "40"}, T0 + 300);

        final List<TestRecord<String, AnswerPublished>> answers = fx.answers.readRecordsToList();
        assertThat(answers).hasSize(1);
        final AnswerPublished answer = answers.get(0).value();
        assertThat(answers.get(0).key()).isEqualTo("p1");
        assertThat(answer.getAnswer()).isEqualTo("42");
        assertThat(answer.getVotes()).extracting(v -> v.getAnswer() + ":" + v.getChains()).containsExactly("42:2", "41:1");
        assertThat(answer.getConfidence()).isCloseTo((0.9 + 0.7) / (0.9 + 0.7 + 0.8), within(1e-9));
        assertThat(answer.getWinningChain()).containsExactly("p1/r0.0", "p1/r1.0");
        assertThat(answer.getModelCalls()).isEqualTo(18);
        assertThat(answer.getLatencyMs()).isEqualTo(301);
        assertThat(answer.getSummary()).contains("Answer: 42").contains("18 of 400 model calls");

        final List<SearchDecision> decisions = fx.drainDecisions();
        assertThat(decisions).extracting(SearchDecision::getSequence)
                .containsExactlyElementsOf(java.util.stream.IntStream.range(0, decisions.size()).boxed().toList());
        assertThat(decisions.get(0).getAction()).isEqualTo(SearchAction.START);
        assertThat(decisions.get(decisions.size() - 1).getAction()).isEqualTo(SearchAction.STOP);
        assertThat(decisions).filteredOn(d -> d.getAction() == SearchAction.PRUNE)
                .extracting(d -> d.getStepIds().get(0))
                .contains("p1/r0.2", "p1/r1.2", "p1/r2.1", "p1/r2.2");
        assertThat(decisions).filteredOn(d -> d.getAction() == SearchAction.FINISH_CHAIN).hasSize(3);

        final SearchTree tombstone = fx.trees().get("p1");
        assertThat(tombstone.status()).isEqualTo(SearchTree.Status.ANSWERED);
        assertThat(tombstone.stepCount()).isZero();
        assertThat(fx.deadLetters.isEmpty()).isTrue();
    }

    @Test
    void aVerdictThatArrivesBeforeItsStepIsMergedWithIt() {
        fx.submit(prompt("p1", "q", beam(1, 1, 10, 0), budget(400, 1_000_000, null), T0), T0);
        fx.verify(verdict("p1", "p1/r0.0", 0.9), T0 + 1);
        assertThat(fx.trees().get("p1").status()).isEqualTo(SearchTree.Status.SEARCHING);
        fx.propose(step("p1", "p1/r0", 0, "the answer is 7", true, "7"), T0 + 2);

        assertThat(fx.answers.readValue().getAnswer()).isEqualTo("7");
    }

    @Test
    void candidatesBeyondTheBeamWidthAndRejectedOnesArePruned() {
        fx.submit(prompt("p1", "q", beam(2, 4, 10, 0), budget(400, 1_000_000, null), T0), T0);
        answerRequest("p1", "p1/r0", new double[] {0.6, 0.9, 0.7, 0.3}, null, T0 + 10);

        final List<SearchDecision> decisions = fx.drainDecisions();
        assertThat(decisions).filteredOn(d -> d.getAction() == SearchAction.KEEP).singleElement()
                .satisfies(d -> assertThat(d.getStepIds()).containsExactly("p1/r0.1", "p1/r0.2"));
        final List<SearchDecision> prunes = decisions.stream().filter(d -> d.getAction() == SearchAction.PRUNE).toList();
        assertThat(prunes).extracting(SearchDecision::getStepIds)
                .containsExactly(List.of("p1/r0.0"), List.of("p1/r0.3"));
        assertThat(prunes.get(0).getReason()).contains("below the beam of 2");
        assertThat(prunes.get(1).getReason()).contains("Rejected by the verifier").contains("wrong arithmetic in p1/r0.3");
        assertThat(fx.requests.readValuesToList()).extracting(StepProposalRequested::getParentStepId)
                .containsExactly(null, "p1/r0.1", "p1/r0.2");
    }

    @Test
    void aChainWithEveryCandidateRejectedIsRevisedAndTheSearchContinues() {
        fx.submit(prompt("p1", "q", beam(1, 2, 10, 2), budget(400, 1_000_000, null), T0), T0);
        answerRequest("p1", "p1/r0", new double[] {0.3, 0.1}, null, T0 + 10);

        final RevisionRequested revision = fx.revisions.readValue();
        assertThat(revision.getStepId()).isEqualTo("p1/r0.0");
        assertThat(revision.getCritique()).isEqualTo("wrong arithmetic in p1/r0.0");
        assertThat(revision.getRejectedText()).isEqualTo("work p1/r0.0");
        assertThat(revision.getAttempt()).isEqualTo(1);
        assertThat(fx.drainDecisions()).extracting(SearchDecision::getAction).contains(SearchAction.REVISE)
                .doesNotContain(SearchAction.KEEP, SearchAction.EXPAND);

        fx.propose(StepProposed.newBuilder(step("p1", revision.getRequestId(), 0, "fixed step"))
                .setRevisionOf(revision.getStepId()).build(), T0 + 20);
        fx.verify(verdict("p1", revision.getRequestId() + ".0", 0.8), T0 + 21);

        final List<StepProposalRequested> requests = fx.requests.readValuesToList();
        assertThat(requests).last().satisfies(r -> {
            assertThat(r.getParentStepId()).isEqualTo(revision.getRequestId() + ".0");
            assertThat(r.getContext().getPriorSteps()).containsExactly("fixed step");
            assertThat(r.getDepth()).isEqualTo(1);
        });
        final StepProposalRequested next = requests.get(requests.size() - 1);
        answerRequest("p1", next.getRequestId(), new double[] {0.9, 0.4}, new String[] {"12", "13"}, T0 + 30);

        final AnswerPublished answer = fx.answers.readValue();
        assertThat(answer.getAnswer()).isEqualTo("12");
        assertThat(answer.getWinningChain()).containsExactly(revision.getRequestId() + ".0", next.getRequestId() + ".0");
        assertThat(answer.getSummary()).contains("1 revised");
    }

    @Test
    void anExhaustedBudgetStopsTheSearchWithinTheCallLimit() {
        fx.submit(prompt("p1", "q", beam(2, 3, 10, 0), budget(10, 1_000_000, null), T0), T0);
        answerRequest("p1", "p1/r0", new double[] {0.9, 0.8, 0.7}, null, T0 + 10);
        final List<StepProposalRequested> requests = fx.requests.readValuesToList();
        // 10 calls: 3 samples (6), then 2 more samples (4) split as 2 + 0 between the two kept chains.
        assertThat(requests).extracting(StepProposalRequested::getSamples).containsExactly(3, 2);
        answerRequest("p1", requests.get(1).getRequestId(), new double[] {0.9, 0.9}, null, T0 + 20);

        final AnswerPublished answer = fx.answers.readValue();
        assertThat(answer.getBudgetExhausted()).isTrue();
        assertThat(answer.getModelCalls()).isEqualTo(10).isLessThanOrEqualTo(10);
        assertThat(answer.getAnswer()).isNull();
        assertThat(answer.getSummary()).contains("model calls could not pay for another step");
    }

    @Test
    void theDeadlineAnswersWithTheBestSoFar() {
        fx.submit(prompt("p1", "q", beam(2, 2, 10, 0), budget(400, 1_000_000, T0 + 5_000), T0), T0);
        answerRequest("p1", "p1/r0", new double[] {0.9, 0.8}, new String[] {null, "17"}, T0 + 10);
        assertThat(fx.answers.isEmpty()).isTrue();

        fx.wallClockTo(T0 + 4_000);
        assertThat(fx.answers.isEmpty()).isTrue();
        fx.wallClockTo(T0 + 5_500);

        final TestRecord<String, AnswerPublished> record = fx.answers.readRecord();
        assertThat(record.value().getDeadlineReached()).isTrue();
        assertThat(record.value().getAnswer()).isEqualTo("17");
        assertThat(record.value().getLatencyMs()).isGreaterThanOrEqualTo(5_000);
        assertThat(record.timestamp()).isGreaterThanOrEqualTo(T0 + 5_000);
        assertThat(fx.answers.isEmpty()).isTrue();
        assertThat(fx.trees().get("p1").status()).isEqualTo(SearchTree.Status.ANSWERED);
    }

    @Test
    void proposalRequestsSayTheirSamplesAreToBeVerifiedStepByStep() {
        fx.submit(prompt("p1", "q", beam(1, 2, 10, 0), budget(400, 1_000_000, null), T0), T0);

        final StepProposalRequested request = fx.requests.readValue();
        assertThat(request.getVerification()).isEqualTo(VerificationPlan.STEP);
        assertThat(request.getRetry()).isZero();
        // The proposer asks for those verifications with the steps: the topology sends none itself.
        answerRequest("p1", "p1/r0", new double[] {0.9, 0.8}, new String[] {"5", "6"}, T0 + 10);
        assertThat(fx.verifications.isEmpty()).isTrue();
        assertThat(fx.answers.readValue().getAnswer()).isEqualTo("5");
    }

    @Test
    void aLostVerdictIsAskedForAgainThroughTheLogAndThePromptWaitsForIt() {
        fx.submit(prompt("p1", "q", beam(1, 2, 10, 0), budget(400, 1_000_000, null), T0), T0);
        fx.propose(step("p1", "p1/r0", 0, "a", true, "5"), T0 + 10);
        fx.propose(step("p1", "p1/r0", 1, "b", true, "6"), T0 + 10);
        fx.verify(verdict("p1", "p1/r0.1", 0.8), T0 + 11);

        fx.wallClockTo(T0 + 10 + 15_000 + 500);

        // The punctuator wrote a timer; the search acted when it read the timer back.
        final TestRecord<String, SearchTimer> timer = fx.timersOut.readRecord();
        assertThat(timer.key()).isEqualTo("p1");
        assertThat(timer.value().getDueAt().toEpochMilli()).isEqualTo(T0 + 10 + 15_000);
        final VerificationRequested again = fx.verifications.readValue();
        assertThat(again.getStepId()).isEqualTo("p1/r0.0");
        assertThat(again.getRequestId()).isEqualTo("p1/r0.0/step");
        assertThat(again.getKind()).isEqualTo(VerificationKind.STEP);
        assertThat(again.getRetry()).isEqualTo(1);
        assertThat(again.getContext().getProblem()).isEqualTo("q");
        assertThat(fx.answers.isEmpty()).isTrue();
        assertThat(fx.drainDecisions()).extracting(SearchDecision::getAction)
                .contains(SearchAction.RETRY).doesNotContain(SearchAction.VERDICT_TIMEOUT);

        fx.verify(verdict("p1", "p1/r0.0", 0.9), T0 + 16_000);

        assertThat(fx.answers.readValue().getAnswer()).isEqualTo("5");
    }

    @Test
    void aReplyReadBeforeATimerIsUsedAndTheTimerAsksOnlyForWhatIsStillMissing() {
        fx.submit(prompt("p1", "q", beam(1, 3, 10, 0), budget(400, 1_000_000, null), T0), T0);
        for (int i = 0; i < 3; i++) {
            fx.propose(step("p1", "p1/r0", i, "s" + i, true, Integer.toString(i)), T0 + 10);
        }
        // The topology comes back after 40 s: the verdict written before its timer is read first.
        fx.verify(verdict("p1", "p1/r0.0", 0.9), T0 + 40_000);
        fx.timer(SearchTimer.newBuilder().setPromptId("p1").setDueAt(Instant.ofEpochMilli(T0 + 15_010))
                .setFiredAt(Instant.ofEpochMilli(T0 + 40_001)).build(), T0 + 40_001);

        assertThat(fx.verifications.readValuesToList()).extracting(VerificationRequested::getStepId)
                .containsExactly("p1/r0.1", "p1/r0.2");
        assertThat(fx.answers.isEmpty()).isTrue();
    }

    @Test
    void aTimerReadBeforeAnythingIsDueChangesNothing() {
        fx.submit(prompt("p1", "q", beam(1, 1, 10, 0), budget(400, 1_000_000, null), T0), T0);
        fx.drainDecisions();
        fx.requests.readValuesToList();

        fx.timer(SearchTimer.newBuilder().setPromptId("p1").setDueAt(Instant.ofEpochMilli(T0 + 1))
                .setFiredAt(Instant.ofEpochMilli(T0 + 2)).build(), T0 + 2);

        assertThat(fx.requests.isEmpty()).isTrue();
        assertThat(fx.decisions.isEmpty()).isTrue();
        assertThat(fx.verifications.isEmpty()).isTrue();
        assertThat(fx.deadLetters.isEmpty()).isTrue();
    }

    @Test
    void anUndecodableTimerIsDeadLettered() {
        fx.timerRaw("p1", new byte[] {9, 9}, T0);

        assertThat(fx.deadLetters.readValue().getSourceTopic()).isEqualTo("stepwise.search.timers");
    }

    @Test
    void aCancelledPromptStopsSpendingCallsAndIsAnsweredWithWhatItHas() {
        fx.submit(prompt("p1", "q", beam(1, 2, 10, 0), budget(400, 1_000_000, null), T0), T0);
        answerRequest("p1", "p1/r0", new double[] {0.9, 0.8}, null, T0 + 10);
        fx.requests.readValuesToList();

        fx.cancel(PromptCancelled.newBuilder().setPromptId("p1").setReason("the client disconnected")
                .setRequestedBy("gateway-1").setCancelledAt(Instant.ofEpochMilli(T0 + 20)).build(), T0 + 20);

        final AnswerPublished answer = fx.answers.readValue();
        assertThat(answer.getStopCause()).isEqualTo("cancelled");
        assertThat(answer.getAnswer()).isNull();
        assertThat(fx.drainDecisions()).extracting(SearchDecision::getAction).endsWith(SearchAction.CANCEL, SearchAction.STOP);
        // Replies still in flight change nothing.
        answerRequest("p1", "p1/r1", new double[] {0.9, 0.9}, new String[] {"5", "5"}, T0 + 30);
        assertThat(fx.answers.isEmpty()).isTrue();
        assertThat(fx.requests.isEmpty()).isTrue();
    }

    @Test
    void everyDecisionSaysWhereTheSearchStandsInNumbersOnly() {
        fx.submit(prompt("p1", "q", beam(1, 2, 10, 0), budget(400, 1_000_000, null), T0), T0);
        answerRequest("p1", "p1/r0", new double[] {0.9, 0.8}, null, T0 + 10);

        final List<SearchDecision> decisions = fx.drainDecisions();
        assertThat(decisions).allSatisfy(d -> assertThat(d.getProgress()).isNotNull());
        final SearchDecision expand = decisions.stream().filter(d -> d.getAction() == SearchAction.EXPAND).findFirst()
                .orElseThrow();
        assertThat(expand.getProgress().getDepth()).isEqualTo(1);
        assertThat(expand.getProgress().getModelCalls()).isEqualTo(4);
        assertThat(expand.getProgress().getChainsAlive()).isEqualTo(1);
    }

    @Test
    void aProposerErrorAnswersAtOnceWithTheError() {
        fx.submit(prompt("p1", "Tell me a joke", beam(2, 3, 10, 0), budget(400, 1_000_000, null), T0), T0);
        fx.propose(errorStep("p1", "p1/r0", "The synthetic backend solves serial tasks only"), T0 + 5);

        final AnswerPublished answer = fx.answers.readValue();
        assertThat(answer.getAnswer()).isNull();
        assertThat(answer.getError()).isEqualTo("The synthetic backend solves serial tasks only");
        assertThat(answer.getSummary()).contains("could not work on this problem");
        assertThat(fx.answers.isEmpty()).isTrue();
    }

    @Test
    void aSecondSubmissionOfAPromptIsIgnored() {
        final PromptSubmitted prompt = prompt("p1", "q", beam(1, 1, 10, 0), budget(400, 1_000_000, null), T0);
        fx.submit(prompt, T0);
        fx.submit(prompt, T0 + 1);
        assertThat(fx.requests.readValuesToList()).hasSize(1);

        answerRequest("p1", "p1/r0", new double[] {0.9}, new String[] {"1"}, T0 + 10);
        fx.submit(prompt, T0 + 20);

        assertThat(fx.answers.readValuesToList()).hasSize(1);
        assertThat(fx.requests.isEmpty()).isTrue();
    }

    @Test
    void stepsAndVerdictsAfterTheAnswerAreIgnored() {
        fx.submit(prompt("p1", "q", beam(1, 2, 10, 0), budget(400, 1_000_000, null), T0), T0);
        answerRequest("p1", "p1/r0", new double[] {0.9, 0.8}, new String[] {"1", "2"}, T0 + 10);
        assertThat(fx.answers.readValuesToList()).hasSize(1);
        fx.drainDecisions();
        fx.requests.readValuesToList();

        fx.propose(step("p1", "p1/r0", 1, "late", true, "3"), T0 + 20);
        fx.verify(verdict("p1", "p1/r0.1", 0.99), T0 + 21);
        fx.wallClockTo(T0 + 60_000);

        assertThat(fx.answers.isEmpty()).isTrue();
        assertThat(fx.decisions.isEmpty()).isTrue();
        assertThat(fx.requests.isEmpty()).isTrue();
        assertThat(fx.deadLetters.isEmpty()).isTrue();
    }

    @Test
    void theTombstoneIsPurgedAfterItsRetention() {
        fx.submit(prompt("p1", "q", beam(1, 1, 10, 0), budget(400, 1_000_000, null), T0), T0);
        answerRequest("p1", "p1/r0", new double[] {0.9}, new String[] {"1"}, T0 + 10);
        assertThat(fx.trees().get("p1")).isNotNull();

        fx.wallClockTo(T0 + 3_600_000 + 1_000);

        assertThat(fx.trees().get("p1")).isNull();
        try (var all = fx.timers().all()) {
            assertThat(all.hasNext()).isFalse();
        }
    }

    @Test
    void theTimerIndexHoldsOneEntryPerSearchAtItsNextWakeUp() {
        fx.submit(prompt("p1", "q", beam(1, 1, 10, 0), budget(400, 1_000_000, null), T0), T0);
        fx.submit(prompt("p2", "q", beam(1, 1, 10, 0), budget(400, 1_000_000, null), T0 + 5), T0 + 5);

        assertThat(fx.timers().get(WakeUps.key(T0 + 30_000, "p1"))).isEqualTo("p1");
        assertThat(fx.timers().get(WakeUps.key(T0 + 5 + 30_000, "p2"))).isEqualTo("p2");
        fx.propose(step("p1", "p1/r0", 0, "a", true, "1"), T0 + 10);

        assertThat(fx.timers().get(WakeUps.key(T0 + 30_000, "p1"))).isNull();
        assertThat(fx.timers().get(WakeUps.key(T0 + 10 + 15_000, "p1"))).isEqualTo("p1");
        assertThat(fx.trees().get("p1").wakeAt()).isEqualTo(T0 + 10 + 15_000);
    }

    @Test
    void plainTextWithAKeyBecomesAPromptWithThatIdAndIsSearched() {
        fx.submitText("my-question", "What is 2 + 2?", T0);

        final TestRecord<String, PromptSubmitted> prompt = fx.promptsOut.readRecord();
        assertThat(prompt.key()).isEqualTo("my-question");
        assertThat(prompt.value().getText()).isEqualTo("What is 2 + 2?");
        assertThat(prompt.value().getStrategy()).isEqualTo(StrategyRegistry.standard().toAvro(fx.config.defaultStrategy()));
        assertThat(prompt.value().getBudget()).isEqualTo(fx.config.defaultBudget());
        assertThat(prompt.value().getSubmittedAt().toEpochMilli()).isEqualTo(T0);
        final StepProposalRequested request = fx.requests.readValue();
        assertThat(request.getPromptId()).isEqualTo("my-question");
        // The default strategy, auto, first probes the first step with four samples.
        assertThat(request.getSamples()).isEqualTo(4);
    }

    @Test
    void plainTextWithoutAKeyGetsAnIdFromPartitionAndOffset() {
        fx.submitText(null, "first", T0);
        fx.submitText(null, "second", T0 + 1);

        assertThat(fx.promptsOut.readKeyValuesToList()).extracting(kv -> kv.key)
                .containsExactly("text-0-0", "text-0-1");
        assertThat(fx.trees().get("text-0-1")).isNotNull();
    }

    @Test
    void jsonTextSetsStrategyAndBudget() {
        fx.submitText("j1", """
                {"text": "Compose (1 2)(2 3)", "strategy": {"name": "best-of-n", "beam_width": 4, "max_depth": 8},
                 "budget": {"max_model_calls": 50, "max_tokens": 9000, "deadline_ms": 20000}, "requester": "bob"}""", T0);

        final PromptSubmitted prompt = fx.promptsOut.readValue();
        assertThat(prompt.getStrategy().getName()).isEqualTo("best-of-n");
        assertThat(prompt.getStrategy().getMaxDepth()).isEqualTo(8);
        assertThat(prompt.getStrategy().getParams()).containsEntry("n", "4").containsEntry("max-depth", "8");
        assertThat(prompt.getBudget().getMaxModelCalls()).isEqualTo(50);
        assertThat(prompt.getBudget().getMaxTokens()).isEqualTo(9000);
        assertThat(prompt.getBudget().getDeadline().toEpochMilli()).isEqualTo(T0 + 20_000);
        assertThat(prompt.getRequester()).isEqualTo("bob");
        // best-of-n: one request of one sample per chain
        assertThat(fx.requests.readValuesToList()).hasSize(4).allSatisfy(r -> assertThat(r.getSamples()).isEqualTo(1));
        assertThat(fx.trees().get("j1").deadlineAt()).isEqualTo(T0 + 20_000);
    }

    @Test
    void badTextPromptsAreDeadLetteredWithTheirCodeAndBytesAndAValidOneIsStillAnswered() {
        final Map<String, String> bad = new java.util.LinkedHashMap<>();
        bad.put("empty", "   ");
        bad.put("json", "{\"text\": \"x\",");
        bad.put("strategy", "{\"text\": \"x\", \"strategy\": \"mcts\"}");
        bad.put("budget", "{\"text\": \"x\", \"budget\": {\"max_model_calls\": 1000000}}");
        bad.put("numbers", "{\"text\": \"x\", \"strategy\": {\"beam_width\": 99}}");
        long at = T0;
        for (final Map.Entry<String, String> e : bad.entrySet()) {
            fx.submitText(e.getKey(), e.getValue(), at++);
        }
        final byte[] notUtf8 = {(byte) 0xC3, (byte) 0x28};
        fx.submitTextRaw("encoding", notUtf8, at++);
        fx.submitText("good", "What is 1 + 1?", at);

        final List<DeadLetter> letters = fx.deadLetters.readValuesToList();
        assertThat(letters).extracting(DeadLetter::getErrorType).containsExactly(
                "empty-text", "malformed-json", "unknown-strategy", "invalid-budget", "invalid-strategy", "invalid-encoding");
        assertThat(letters).allSatisfy(l -> {
            assertThat(l.getSourceTopic()).isEqualTo("stepwise.prompts.text");
            assertThat(l.getComponent()).isEqualTo("topology");
            assertThat(l.getError()).startsWith("Rejected stepwise.prompts.text[0]@");
        });
        assertThat(bytes(letters.get(1).getValue())).isEqualTo(bad.get("json").getBytes(StandardCharsets.UTF_8));
        assertThat(bytes(letters.get(1).getKey())).isEqualTo("json".getBytes(StandardCharsets.UTF_8));
        assertThat(bytes(letters.get(5).getValue())).isEqualTo(notUtf8);
        assertThat(letters.get(1).getOffset()).isEqualTo(1);
        assertThat(fx.promptsOut.readValuesToList()).extracting(PromptSubmitted::getPromptId).containsExactly("good");

        // Every rejected prompt is answered with its reason, so its sender need not read the dead letters.
        final List<AnswerPublished> rejected = fx.answers.readValuesToList();
        assertThat(rejected).extracting(AnswerPublished::getPromptId)
                .containsExactly("empty", "json", "strategy", "budget", "numbers", "encoding");
        assertThat(rejected).allSatisfy(a -> {
            assertThat(a.getAnswer()).isNull();
            assertThat(a.getStopCause()).isEqualTo("rejected");
            assertThat(a.getError()).isNotBlank();
        });
        assertThat(rejected.get(2).getError()).contains("Unknown strategy 'mcts'");

        final StepProposalRequested request = fx.requests.readValue();
        answerRequest("good", request.getRequestId(), new double[] {0.9, 0.9, 0.9, 0.9}, new String[] {"2", "2", "2", "2"},
                at + 10);
        assertThat(fx.answers.readValue().getAnswer()).isEqualTo("2");
    }

    @Test
    void badAvroPromptsAreDeadLetteredWithTheirCodeAndBytesAndAValidOneIsStillAnswered() {
        final PromptSubmitted valid = prompt("good", "q", beam(1, 1, 10, 0), budget(400, 1_000_000, null), T0);
        final byte[] encoded = fx.encode(fx.topics.prompts(), valid);
        final byte[] wrongMagic = encoded.clone();
        wrongMagic[0] = 7;
        final byte[] unknownId = encoded.clone();
        unknownId[4] = 99;
        final byte[] truncated = Arrays.copyOf(encoded, encoded.length / 2);
        final PromptSubmitted empty = PromptSubmitted.newBuilder(valid).setPromptId("e").setText(" ").build();
        final PromptSubmitted overBudget = PromptSubmitted.newBuilder(valid).setPromptId("b")
                .setBudget(budget(1_000_000, 1_000_000, null)).build();
        final PromptSubmitted unknownStrategy = PromptSubmitted.newBuilder(valid).setPromptId("s")
                .setStrategy(dev.stepwise.schemas.avro.Strategy.newBuilder(valid.getStrategy()).setName("mcts").build()).build();

        fx.submitRaw("good", wrongMagic, T0);
        fx.submitRaw("good", unknownId, T0 + 1);
        fx.submitRaw("good", truncated, T0 + 2);
        fx.submit(empty, T0 + 3);
        fx.submit(overBudget, T0 + 4);
        fx.submit(unknownStrategy, T0 + 5);
        fx.submitRaw("other-key", encoded, T0 + 6);
        fx.submit(valid, T0 + 7);

        final List<DeadLetter> letters = fx.deadLetters.readValuesToList();
        assertThat(letters).extracting(DeadLetter::getErrorType).containsExactly("wrong-magic-byte", "unknown-schema-id",
                "truncated", "empty-text", "invalid-budget", "unknown-strategy", "key-mismatch");
        assertThat(letters).extracting(DeadLetter::getOffset).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L);
        assertThat(bytes(letters.get(0).getValue())).isEqualTo(wrongMagic);
        assertThat(bytes(letters.get(2).getValue())).isEqualTo(truncated);
        assertThat(letters.get(0).getError()).startsWith("Rejected stepwise.prompts[0]@0: ");

        answerRequest("good", "good/r0", new double[] {0.9}, new String[] {"x"}, T0 + 10);
        // Prompts that decoded are answered with why they were rejected, under their prompt id; undecodable bytes
        // name no prompt, and a record under another key is not answered: its prompt id is another submission's.
        final List<AnswerPublished> answers = fx.answers.readValuesToList();
        assertThat(answers).extracting(AnswerPublished::getPromptId).containsExactly("e", "b", "s", "good");
        assertThat(answers.subList(0, 3)).allSatisfy(a -> assertThat(a.getStopCause()).isEqualTo("rejected"));
        assertThat(answers.get(3).getAnswer()).isEqualTo("x");
    }

    @Test
    void anUndecodableStepIsDeadLetteredAndTheSearchCarriesOn() {
        fx.submit(prompt("p1", "q", beam(1, 1, 10, 0), budget(400, 1_000_000, null), T0), T0);
        fx.proposeRaw("p1", "not avro".getBytes(StandardCharsets.UTF_8), T0 + 1);

        assertThat(fx.deadLetters.readValue().getSourceTopic()).isEqualTo("stepwise.steps.proposed");
        answerRequest("p1", "p1/r0", new double[] {0.9}, new String[] {"1"}, T0 + 10);
        assertThat(fx.answers.readValue().getAnswer()).isEqualTo("1");
    }

    @Test
    void theSearchStateSurvivesARoundTripThroughTheStore() {
        fx.submit(prompt("p1", "q", beam(2, 2, 10, 1), budget(400, 1_000_000, null), T0), T0);
        fx.propose(step("p1", "p1/r0", 0, "a"), T0 + 1);
        fx.verify(verdict("p1", "p1/r0.1", 0.7), T0 + 2);

        final SearchTree tree = fx.tree("p1");
        assertThat(tree.promptId()).isEqualTo("p1");
        assertThat(tree.stepCount()).isEqualTo(1);
        assertThat(tree.callsMade()).isEqualTo(2);
        assertThat(tree.reservedCalls()).isEqualTo(4);
        assertThat(tree.openRequests()).isEqualTo(1);
    }
}
