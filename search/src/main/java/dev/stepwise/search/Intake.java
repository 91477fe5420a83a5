package dev.stepwise.search;

import dev.stepwise.schemas.avro.StepProposed;
import dev.stepwise.schemas.avro.StepVerified;
import dev.stepwise.schemas.avro.VerificationKind;
import dev.stepwise.schemas.avro.VerificationPlan;
import dev.stepwise.search.SearchTree.RequestKind;

/** How replies enter the tree: steps, verdicts, and verdicts that come before their step. */
final class Intake {

    private Intake() {
    }

    /**
     * Adds a newly arrived step. The request, not the step, says where the step sits: an agent cannot
     * move it in the tree. The verifications its request's plan asked for start pending, timed from now.
     */
    static Step step(final SearchTree tree, final Request request, final StepProposed event, final long now) {
        final Step step = new Step();
        step.id = event.getStepId();
        step.requestId = request.id;
        step.chainId = request.chainId;
        step.parentStepId = request.parentStepId;
        step.depth = request.depth;
        step.lane = request.lane;
        step.revisionOf = request.kind == RequestKind.REVISION ? request.revisionOf : null;
        step.text = event.getText();
        step.terminal = event.getTerminal();
        step.answer = event.getAnswer();
        step.arrivedAt = now;
        step.chainScore = tree.chainScore(request.parentStepId);
        final VerificationKind planned = SearchEngine.plannedCheck(request.verification, step.terminal);
        if (planned != null) {
            final Check check = new Check();
            check.kind = planned;
            check.askedAt = now;
            if (planned == VerificationKind.OUTCOME) {
                step.outcome = check;
            } else {
                step.check = check;
            }
        } else if (request.verification == VerificationPlan.OUTCOME) {
            // Reserved for an outcome check in case the step was terminal; it was not.
            tree.calls.release(1);
        }
        tree.add(step);
        request.arrived.add(step.id);
        tree.touch(request);
        tree.deepest = Math.max(tree.deepest, step.depth + 1);
        if (step.revisionOf != null) {
            tree.stepsRevised++;
        } else {
            tree.stepsProposed++;
        }
        return step;
    }

    /** Applies verdicts that came before {@code step}. */
    static void applyEarlyVerdicts(final SearchTree tree, final Step step, final SearchSettings settings) {
        for (final VerificationKind kind : new VerificationKind[] {VerificationKind.STEP, VerificationKind.OUTCOME}) {
            final EarlyVerdict early = tree.removeEarlyVerdict(earlyKey(step.id, kind));
            final Check check = step.check(kind);
            if (early != null && check != null) {
                judge(tree, step, check, early.score, early.verdict, early.rationale, settings);
            }
        }
    }

    /** A verdict whose step has not arrived: kept until it does, if it is about a step this prompt asked for. */
    static Commands earlyVerdict(final SearchTree tree, final StepVerified event) {
        final String stepId = event.getStepId();
        final int dot = stepId.lastIndexOf('.');
        final Request request = dot < 0 ? null : tree.requests.get(stepId.substring(0, dot));
        if (request == null || !SearchEngine.isSampleOf(stepId, request)) {
            return Commands.ignoring("verdict on " + stepId + " is about no step this prompt asked for");
        }
        tree.calls.count(CallLedger.VERIFIER, event.getCall().getTokens());
        final String key = earlyKey(stepId, event.getKind());
        if (tree.earlyVerdicts.containsKey(key)) {
            tree.duplicates++;
            return Commands.ignoring("step " + stepId + " already has a verdict");
        }
        final EarlyVerdict early = new EarlyVerdict();
        early.score = event.getScore();
        early.verdict = event.getVerdict().name();
        early.rationale = event.getRationale();
        tree.putEarlyVerdict(key, early);
        return Commands.ignoring("verdict on " + stepId + " came before its step; kept until the step arrives");
    }

    /**
     * Records a verdict. The threshold is the topology's policy; an explicit REJECTED from the verifier
     * rejects whatever the score. A step's chain score is the min of its score and its parent's.
     */
    static void judge(final SearchTree tree, final Step step, final Check check, final double rawScore,
                      final String verdict, final String rationale, final SearchSettings settings) {
        final double score = Double.isNaN(rawScore) ? 0.0 : Math.max(0.0, Math.min(1.0, rawScore));
        check.done = true;
        check.score = score;
        check.accepted = score >= settings.acceptThreshold() && !"REJECTED".equals(verdict);
        check.rationale = rationale;
        if (check.kind == VerificationKind.STEP) {
            step.chainScore = Math.min(score, tree.chainScore(step.parentStepId));
            if (!check.accepted) {
                tree.stepsRejected++;
            }
        }
        tree.touch(step);
    }

    private static String earlyKey(final String stepId, final VerificationKind kind) {
        return stepId + "/" + kind.name();
    }
}
