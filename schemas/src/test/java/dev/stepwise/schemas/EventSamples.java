package dev.stepwise.schemas;

import dev.stepwise.schemas.avro.AgentCall;
import dev.stepwise.schemas.avro.AnswerPublished;
import dev.stepwise.schemas.avro.Budget;
import dev.stepwise.schemas.avro.ChainContext;
import dev.stepwise.schemas.avro.DeadLetter;
import dev.stepwise.schemas.avro.PromptCancelled;
import dev.stepwise.schemas.avro.PromptSubmitted;
import dev.stepwise.schemas.avro.RevisionRequested;
import dev.stepwise.schemas.avro.SearchAction;
import dev.stepwise.schemas.avro.SearchDecision;
import dev.stepwise.schemas.avro.SearchProgress;
import dev.stepwise.schemas.avro.SearchTimer;
import dev.stepwise.schemas.avro.StepProposalRequested;
import dev.stepwise.schemas.avro.StepProposed;
import dev.stepwise.schemas.avro.StepVerified;
import dev.stepwise.schemas.avro.Strategy;
import dev.stepwise.schemas.avro.Verdict;
import dev.stepwise.schemas.avro.VerificationKind;
import dev.stepwise.schemas.avro.VerificationPlan;
import dev.stepwise.schemas.avro.VerificationRequested;
import dev.stepwise.schemas.avro.Vote;
import dev.stepwise.schemas.topics.Topic;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;

/**
 * One fully populated, valid sample of every Stepwise event: every optional field set, every array
 * non-empty, every timestamp at millisecond precision (what {@code timestamp-millis} keeps), so that
 * a sample read back after a round trip through a serde, a broker or a registry equals the one
 * written. Published in the test-jar for other modules' tests.
 *
 * <p>Nullable fields that a valid event of that shape leaves null ({@code StepProposed.error},
 * {@code AnswerPublished.error}) are set in the failure variants {@link #stepProposedFailed()} and
 * {@link #answerPublishedFailed()} instead.
 *
 * <p>The samples tell one consistent story about prompt {@link #PROMPT_ID}: its first proposal
 * request, a step answering it, the step's rejection, the revision request, a search decision and
 * the final answer. Each call returns a fresh instance, since Avro records are mutable.
 */
public final class EventSamples {

    public static final String PROMPT_ID = "prompt-0001";
    public static final String PROBLEM = "What is 17 * 23?";
    /** The time of the prompt; every other event is a few milliseconds later. */
    public static final Instant SUBMITTED_AT = Instant.parse("2025-06-01T12:00:00.123Z");

    /** Depth 0: the first step of the chain, already accepted. */
    private static final String FIRST_STEP_ID = PROMPT_ID + ".r0.0";
    /** Depth 1: four candidates were asked for; candidate 2 is the one rejected and revised. */
    private static final String DEPTH1_REQUEST_ID = PROMPT_ID + ".r1";
    private static final String REJECTED_STEP_ID = DEPTH1_REQUEST_ID + ".2";
    private static final String REVISION_REQUEST_ID = PROMPT_ID + ".v1";
    private static final String REVISED_STEP_ID = REVISION_REQUEST_ID + ".0";
    private static final String FIRST_STEP = "17 * 23 = 17 * 20 + 17 * 3 = 340 + 51.";
    private static final String WRONG_STEP = "340 + 51 = 381.";

    private EventSamples() {
    }

    public static PromptSubmitted promptSubmitted() {
        return PromptSubmitted.newBuilder()
                .setPromptId(PROMPT_ID)
                .setText(PROBLEM)
                .setStrategy(Strategy.newBuilder()
                        .setName("beam").setBeamWidth(3).setBranching(4).setMaxDepth(12).setMaxRevisions(1)
                        .setParams(Map.of("beam-width", "3", "branching", "4")).build())
                .setBudget(Budget.newBuilder()
                        .setMaxModelCalls(120).setMaxTokens(50_000).setDeadline(at(60_000)).build())
                .setRequester("sample-user")
                .setSubmittedAt(at(0))
                .build();
    }

    /** The client that asked went away before the answer. */
    public static PromptCancelled promptCancelled() {
        return PromptCancelled.newBuilder()
                .setPromptId(PROMPT_ID)
                .setReason("the client disconnected")
                .setRequestedBy("gateway-1")
                .setCancelledAt(at(12))
                .build();
    }

    public static StepProposalRequested stepProposalRequested() {
        return StepProposalRequested.newBuilder()
                .setPromptId(PROMPT_ID)
                .setRequestId(DEPTH1_REQUEST_ID)
                .setChainId(FIRST_STEP_ID)
                .setParentStepId(FIRST_STEP_ID)
                .setDepth(1)
                .setSamples(4)
                .setContext(context(FIRST_STEP))
                .setVerification(VerificationPlan.STEP)
                .setRetry(1)
                .setRequestedAt(at(5))
                .build();
    }

    /** A revised, terminal step with its answer; {@code error} is null, as it is for every real step. */
    public static StepProposed stepProposed() {
        return StepProposed.newBuilder()
                .setPromptId(PROMPT_ID)
                .setStepId(REVISED_STEP_ID)
                .setRequestId(REVISION_REQUEST_ID)
                .setChainId(FIRST_STEP_ID)
                .setParentStepId(FIRST_STEP_ID)
                .setDepth(1)
                .setText("340 + 51 = 391. The answer is 391.")
                .setTerminal(true)
                .setAnswer("391")
                .setRevisionOf(REJECTED_STEP_ID)
                .setContext(context(FIRST_STEP))
                .setCall(call("reviser-1", 31, 16, 3))
                .setProducedAt(at(20))
                .build();
    }

    /** The other shape of a proposal: the backend could not produce a step, so the text is empty and {@code error} says why. */
    public static StepProposed stepProposedFailed() {
        return StepProposed.newBuilder(stepProposed())
                .setStepId(DEPTH1_REQUEST_ID + ".3")
                .setRequestId(DEPTH1_REQUEST_ID)
                .setText("")
                .setTerminal(false)
                .setAnswer(null)
                .setRevisionOf(null)
                .setCall(call("proposer-1", 0, 6, 3))
                .setError("The synthetic backend cannot parse 'What is 17 * 23?' as a problem it knows")
                .build();
    }

    public static StepVerified stepVerified() {
        return StepVerified.newBuilder()
                .setPromptId(PROMPT_ID)
                .setStepId(REJECTED_STEP_ID)
                .setScore(0.125)
                .setVerdict(Verdict.REJECTED)
                .setRationale("340 + 51 is 391, not 381.")
                .setCall(call("verifier-1", 48, 9, 1))
                .setKind(VerificationKind.STEP)
                .setRequestId(REJECTED_STEP_ID + "/step")
                .setVerifiedAt(at(10))
                .build();
    }

    /** The verification the proposer asked for together with the rejected step. */
    public static VerificationRequested verificationRequested() {
        return VerificationRequested.newBuilder()
                .setPromptId(PROMPT_ID)
                .setRequestId(REJECTED_STEP_ID + "/step")
                .setKind(VerificationKind.STEP)
                .setStepId(REJECTED_STEP_ID)
                .setText(WRONG_STEP)
                .setTerminal(true)
                .setAnswer("381")
                .setContext(context(FIRST_STEP))
                .setRetry(0)
                .setRequestedBy("proposer-1")
                .setRequestedAt(at(8))
                .build();
    }

    /** The topology's wake-up call for the sample prompt, at its deadline. */
    public static SearchTimer searchTimer() {
        return SearchTimer.newBuilder()
                .setPromptId(PROMPT_ID)
                .setDueAt(at(60_000))
                .setFiredAt(at(60_250))
                .build();
    }

    public static RevisionRequested revisionRequested() {
        return RevisionRequested.newBuilder()
                .setPromptId(PROMPT_ID)
                .setRequestId(REVISION_REQUEST_ID)
                .setChainId(FIRST_STEP_ID)
                .setStepId(REJECTED_STEP_ID)
                .setParentStepId(FIRST_STEP_ID)
                .setDepth(1)
                .setRejectedText(WRONG_STEP)
                .setCritique("340 + 51 is 391, not 381.")
                .setAttempt(1)
                .setContext(context(FIRST_STEP))
                .setVerification(VerificationPlan.STEP)
                .setRetry(0)
                .setRequestedAt(at(15))
                .build();
    }

    public static SearchDecision searchDecision() {
        return SearchDecision.newBuilder()
                .setPromptId(PROMPT_ID)
                .setSequence(4)
                .setAction(SearchAction.REVISE)
                .setStepIds(List.of(REJECTED_STEP_ID, DEPTH1_REQUEST_ID + ".3"))
                .setDepth(1)
                .setReason("Every candidate at depth 1 was rejected; asking for revision 1 of 1.")
                .setModelCalls(9)
                .setTokens(612)
                .setProgress(SearchProgress.newBuilder().setDepth(2).setChainsAlive(1).setFinishedChains(0)
                        .setModelCalls(9).setTokens(612).setRevisions(1).setRetries(0).build())
                .setDecidedAt(at(14))
                .build();
    }

    public static AnswerPublished answerPublished() {
        return AnswerPublished.newBuilder()
                .setPromptId(PROMPT_ID)
                .setAnswer("391")
                .setSummary("391, from 2 finished chains after 11 model calls.")
                .setConfidence(0.875)
                .setVotes(List.of(
                        Vote.newBuilder().setAnswer("391").setWeight(1.75).setChains(2).build(),
                        Vote.newBuilder().setAnswer("381").setWeight(0.25).setChains(1).build()))
                .setWinningChain(List.of(FIRST_STEP_ID, REVISED_STEP_ID))
                .setModelCalls(11)
                .setTokens(734)
                .setLatencyMs(25)
                .setStrategy("beam")
                .setBudgetExhausted(true)
                .setDeadlineReached(true)
                .setCallsByRole(Map.of("proposer", 6, "verifier", 4, "reviser", 1))
                .setStopCause("deadline")
                .setAnsweredAt(at(25))
                .build();
    }

    /** The other shape of an answer: the prompt could not be answered, so {@code answer} is null and {@code error} says why. */
    public static AnswerPublished answerPublishedFailed() {
        return AnswerPublished.newBuilder(answerPublished())
                .setAnswer(null)
                .setSummary("No answer: the proposers could not parse the problem.")
                .setConfidence(0.0)
                .setVotes(List.of())
                .setWinningChain(List.of())
                .setBudgetExhausted(false)
                .setDeadlineReached(false)
                .setError("The synthetic backend cannot parse 'What is 17 * 23?' as a problem it knows")
                .build();
    }

    public static DeadLetter deadLetter() {
        return DeadLetter.newBuilder()
                .setSourceTopic("stepwise.prompts")
                .setPartition(2)
                .setOffset(17)
                .setError("Rejected stepwise.prompts[2]@17: Unknown magic byte 0x7b on topic stepwise.prompts: expected 0x00")
                .setErrorType("wrong-magic-byte")
                .setComponent("topology")
                .setKey(ByteBuffer.wrap(PROMPT_ID.getBytes(StandardCharsets.UTF_8)))
                .setValue(ByteBuffer.wrap("{\"text\":\"What is 17 * 23?\"}".getBytes(StandardCharsets.UTF_8)))
                .setRejectedAt(at(1))
                .build();
    }

    /**
     * A fresh sample of every event type, keyed by its class, in the order of the flow. Together with
     * {@link #stepProposedFailed()} and {@link #answerPublishedFailed()} they set every field of every
     * schema at least once.
     */
    public static Map<Class<? extends SpecificRecord>, SpecificRecord> byType() {
        final Map<Class<? extends SpecificRecord>, SpecificRecord> samples = new LinkedHashMap<>();
        samples.put(PromptSubmitted.class, promptSubmitted());
        samples.put(PromptCancelled.class, promptCancelled());
        samples.put(StepProposalRequested.class, stepProposalRequested());
        samples.put(StepProposed.class, stepProposed());
        samples.put(VerificationRequested.class, verificationRequested());
        samples.put(StepVerified.class, stepVerified());
        samples.put(RevisionRequested.class, revisionRequested());
        samples.put(SearchTimer.class, searchTimer());
        samples.put(SearchDecision.class, searchDecision());
        samples.put(AnswerPublished.class, answerPublished());
        samples.put(DeadLetter.class, deadLetter());
        return samples;
    }

    /**
     * A fresh sample of the value type of an Avro topic of {@code Topics}.
     *
     * @throws IllegalArgumentException for a plain-text topic or a type without a sample
     */
    public static <V> V sampleFor(final Topic<V> topic) {
        final SpecificRecord sample = byType().get(topic.valueType());
        if (sample == null) {
            throw new IllegalArgumentException("No sample event for topic " + topic.name() + " with values of type "
                    + topic.valueType().getName() + "; EventSamples covers the Avro topics of Topics");
        }
        return topic.valueType().cast(sample);
    }

    private static ChainContext context(final String... priorSteps) {
        return ChainContext.newBuilder().setProblem(PROBLEM).setPriorSteps(List.of(priorSteps)).build();
    }

    /** A model call that began {@code startedAt} ms after submission, between its request and the event it produced. */
    private static AgentCall call(final String agentInstance, final int tokens, final long startedAt, final long latencyMs) {
        return AgentCall.newBuilder()
                .setAgentInstance(agentInstance)
                .setModel("synthetic/serial-v1")
                .setTokens(tokens)
                .setLatencyMs(latencyMs)
                .setStartedAt(at(startedAt))
                .build();
    }

    private static Instant at(final long millisAfterSubmission) {
        return SUBMITTED_AT.plusMillis(millisAfterSubmission).truncatedTo(ChronoUnit.MILLIS);
    }
}
