package dev.stepwise.search.testing;

import dev.stepwise.schemas.avro.AgentCall;
import dev.stepwise.schemas.avro.Budget;
import dev.stepwise.schemas.avro.ChainContext;
import dev.stepwise.schemas.avro.PromptSubmitted;
import dev.stepwise.schemas.avro.StepProposed;
import dev.stepwise.schemas.avro.StepVerified;
import dev.stepwise.schemas.avro.Strategy;
import dev.stepwise.schemas.avro.Verdict;
import dev.stepwise.schemas.avro.VerificationKind;
import java.time.Instant;
import java.util.List;

/** Builders for the events agents and users send, with small, explicit defaults (shared with the topology's tests). */
public final class TestEvents {

    /** A fixed base time, so every timestamp in a test is explicit. */
    public static final long T0 = 1_767_225_600_000L;
    public static final int STEP_TOKENS = 10;
    public static final int VERDICT_TOKENS = 5;

    private TestEvents() {
    }

    public static Strategy beam(final int width, final int branching, final int maxDepth, final int maxRevisions) {
        return Strategy.newBuilder().setName("beam").setBeamWidth(width).setBranching(branching).setMaxDepth(maxDepth)
                .setMaxRevisions(maxRevisions).build();
    }

    /** Best-of-n by outcome score with {@code chains} chains. */
    public static Strategy bestOfN(final int chains, final int maxDepth) {
        return strategy("best-of-n", java.util.Map.of("n", Integer.toString(chains), "max-depth", Integer.toString(maxDepth)));
    }

    /** A strategy by name with parameters, as a client writes it (through the registry). */
    public static Strategy strategy(final String name, final java.util.Map<String, String> params) {
        final dev.stepwise.search.strategy.StrategyRegistry registry = dev.stepwise.search.strategy.StrategyRegistry.standard();
        return registry.toAvro(registry.resolve(name, params));
    }

    public static Budget budget(final int maxModelCalls, final long maxTokens, final Long deadline) {
        return Budget.newBuilder().setMaxModelCalls(maxModelCalls).setMaxTokens(maxTokens)
                .setDeadline(deadline == null ? null : Instant.ofEpochMilli(deadline)).build();
    }

    public static PromptSubmitted prompt(final String promptId, final String text, final Strategy strategy,
                                         final Budget budget, final long submittedAt) {
        return PromptSubmitted.newBuilder().setPromptId(promptId).setText(text).setStrategy(strategy).setBudget(budget)
                .setRequester("test").setSubmittedAt(Instant.ofEpochMilli(submittedAt)).build();
    }

    /** A beam prompt with width 2, branching 3, depth 10, 2 revisions, 400 calls. */
    public static PromptSubmitted prompt(final String promptId, final long submittedAt) {
        return prompt(promptId, "What is 6 * 7?", beam(2, 3, 10, 2), budget(400, 1_000_000L, null), submittedAt);
    }

    public static StepProposed step(final String promptId, final String requestId, final int sample, final String text,
                                    final boolean terminal, final String answer) {
        return StepProposed.newBuilder()
                .setPromptId(promptId)
                .setStepId(requestId + "." + sample)
                .setRequestId(requestId)
                .setChainId(promptId)
                .setParentStepId(null)
                .setDepth(0)
                .setText(text)
                .setTerminal(terminal)
                .setAnswer(answer)
                .setRevisionOf(null)
                .setContext(ChainContext.newBuilder().setProblem("p").setPriorSteps(List.of()).build())
                .setCall(call(STEP_TOKENS))
                .setError(null)
                .setProducedAt(Instant.ofEpochMilli(T0))
                .build();
    }

    public static StepProposed step(final String promptId, final String requestId, final int sample, final String text) {
        return step(promptId, requestId, sample, text, false, null);
    }

    public static StepProposed errorStep(final String promptId, final String requestId, final String error) {
        return StepProposed.newBuilder(step(promptId, requestId, 0, "")).setError(error).build();
    }

    public static StepVerified verdict(final String promptId, final String stepId, final double score,
                                       final String rationale) {
        return StepVerified.newBuilder()
                .setPromptId(promptId)
                .setStepId(stepId)
                .setScore(score)
                .setVerdict(score >= 0.5 ? Verdict.ACCEPTED : Verdict.REJECTED)
                .setRationale(rationale)
                .setKind(VerificationKind.STEP)
                .setRequestId(stepId + "/step")
                .setCall(call(VERDICT_TOKENS))
                .setVerifiedAt(Instant.ofEpochMilli(T0))
                .build();
    }

    public static StepVerified verdict(final String promptId, final String stepId, final double score) {
        return verdict(promptId, stepId, score, score >= 0.5 ? "looks right" : "wrong arithmetic in " + stepId);
    }

    /** A score of the answer of the chain that {@code stepId} ends. */
    public static StepVerified outcomeVerdict(final String promptId, final String stepId, final double score) {
        return StepVerified.newBuilder(verdict(promptId, stepId, score, score >= 0.5 ? "right answer" : "wrong answer"))
                .setKind(VerificationKind.OUTCOME).setRequestId(stepId + "/outcome").build();
    }

    public static AgentCall call(final int tokens) {
        return AgentCall.newBuilder().setAgentInstance("test-1").setModel("test/fixed").setTokens(tokens)
                .setLatencyMs(1).build();
    }
}
