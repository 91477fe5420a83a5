package dev.stepwise.search;

import dev.stepwise.schemas.avro.ChainContext;
import dev.stepwise.schemas.avro.RevisionRequested;
import dev.stepwise.schemas.avro.StepProposalRequested;
import dev.stepwise.schemas.avro.VerificationKind;
import dev.stepwise.schemas.avro.VerificationPlan;
import dev.stepwise.schemas.avro.VerificationRequested;
import dev.stepwise.schemas.ids.EventIds;
import java.time.Instant;

/**
 * The request events the search sends, built from the tree. A request sent again is built from the
 * same tree entry, so it has the same id and asks for the same thing: agents answer it with the
 * same step ids and verdict ids, and the search keeps the first reply it gets.
 */
final class Requests {

    /** Who asks, on verifications the topology sends itself. */
    static final String TOPOLOGY = "topology";

    private Requests() {
    }

    /** Model calls one sample costs: the call, and its verification when the plan asks for one. */
    static int callsPerSample(final VerificationPlan plan) {
        return plan == VerificationPlan.NONE ? 1 : 2;
    }

    static StepProposalRequested proposal(final SearchTree tree, final Request request, final long now) {
        return StepProposalRequested.newBuilder()
                .setPromptId(tree.promptId)
                .setRequestId(request.id)
                .setChainId(request.chainId)
                .setParentStepId(request.parentStepId)
                .setDepth(request.depth)
                .setSamples(request.samples)
                .setContext(context(tree, request.parentStepId))
                .setVerification(request.verification)
                .setRetry(request.retries)
                .setRequestedAt(Instant.ofEpochMilli(now))
                .build();
    }

    static RevisionRequested revision(final SearchTree tree, final Request request, final long now) {
        return RevisionRequested.newBuilder()
                .setPromptId(tree.promptId)
                .setRequestId(request.id)
                .setChainId(request.chainId)
                .setStepId(request.revisionOf)
                .setParentStepId(request.parentStepId)
                .setDepth(request.depth)
                .setRejectedText(request.rejectedText == null ? "" : request.rejectedText)
                .setCritique(request.critique == null ? "" : request.critique)
                .setAttempt(request.attempt)
                .setContext(context(tree, request.parentStepId))
                .setVerification(request.verification)
                .setRetry(request.retries)
                .setRequestedAt(Instant.ofEpochMilli(now))
                .build();
    }

    static VerificationRequested verification(final SearchTree tree, final Step step, final VerificationKind kind,
                                              final int retry, final long now) {
        return VerificationRequested.newBuilder()
                .setPromptId(tree.promptId)
                .setRequestId(EventIds.verificationId(step.id, kind))
                .setKind(kind)
                .setStepId(step.id)
                .setText(step.text == null ? "" : step.text)
                .setTerminal(step.terminal)
                .setAnswer(step.terminal ? step.answer() : null)
                .setContext(context(tree, step.parentStepId))
                .setRetry(retry)
                .setRequestedBy(TOPOLOGY)
                .setRequestedAt(Instant.ofEpochMilli(now))
                .build();
    }

    private static ChainContext context(final SearchTree tree, final String parentStepId) {
        return ChainContext.newBuilder().setProblem(tree.problem).setPriorSteps(tree.chainTexts(parentStepId)).build();
    }
}
