package dev.stepwise.topology;

import static dev.stepwise.search.testing.TestEvents.T0;
import static dev.stepwise.search.testing.TestEvents.budget;
import static dev.stepwise.search.testing.TestEvents.call;
import static dev.stepwise.search.testing.TestEvents.prompt;
import static dev.stepwise.search.testing.TestEvents.strategy;

import dev.stepwise.schemas.avro.ChainContext;
import dev.stepwise.schemas.avro.RevisionRequested;
import dev.stepwise.schemas.avro.SearchTimer;
import dev.stepwise.schemas.avro.StepProposalRequested;
import dev.stepwise.schemas.avro.StepProposed;
import dev.stepwise.schemas.avro.StepVerified;
import dev.stepwise.schemas.avro.Verdict;
import dev.stepwise.schemas.avro.VerificationKind;
import dev.stepwise.schemas.avro.VerificationPlan;
import dev.stepwise.schemas.avro.VerificationRequested;
import dev.stepwise.schemas.ids.EventIds;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Plays proposer, verifier and reviser for several prompts at once, badly on purpose and the same way for
 * the same seed: some steps are rejected (revisions), some samples agree (merges), some verdicts come before
 * their step, some replies come twice, and some never come (the test then writes timers, as the punctuator
 * would, and the search asks again). Everything the topology writes is kept, in order, as text, so that two
 * runs can be compared record for record. The topology it plays against may be swapped between rounds (a
 * restart), and the play goes on where it was.
 */
final class ScriptedAgents {

    /** The prompts played, one per strategy, interleaved (each strategy keeps its tree differently). */
    static final Map<String, String> STRATEGIES = Map.of("beam", "beam", "revise", "revise", "bon", "best-of-n",
            "look", "lookahead", "auto", "auto", "adapt", "adaptive-majority");
    private static final double LOST = 0.08;
    private static final double TWICE = 0.08;
    private static final double EARLY = 0.15;
    private static final double REJECTED = 0.25;
    /** Far beyond every timeout: a timer written this much later finds everything missing overdue. */
    private static final long OUTAGE_MS = 600_000L;

    private final Random random;
    private final List<String> transcript = new ArrayList<>();
    private final Set<String> answered = new LinkedHashSet<>();
    private long now = T0;

    ScriptedAgents(final long seed) {
        this.random = new Random(seed);
    }

    void submitAll(final TopologyFixture fx) {
        for (final String promptId : STRATEGIES.keySet().stream().sorted().toList()) {
            fx.submit(prompt(promptId, "What is 6 * 7?", strategy(STRATEGIES.get(promptId), Map.of()),
                    budget(120, 1_000_000L, T0 + 3_600_000L), now), now);
        }
    }

    /** One round: reads everything the topology wrote and replies to it. Returns false once every prompt is answered. */
    boolean round(final TopologyFixture fx) {
        return round(fx, fx);
    }

    /**
     * One round across a restart: reads what the topology that stopped wrote ({@code from}: in Kafka it stays in
     * the log) and replies to the one that took over ({@code fx}).
     */
    boolean round(final TopologyFixture from, final TopologyFixture fx) {
        final List<StepProposalRequested> requests = from.requests.readValuesToList();
        final List<RevisionRequested> revisions = from.revisions.readValuesToList();
        final List<VerificationRequested> verifications = from.verifications.readValuesToList();
        requests.forEach(r -> transcript.add(r.toString()));
        revisions.forEach(r -> transcript.add(r.toString()));
        verifications.forEach(r -> transcript.add(r.toString()));
        from.decisions.readValuesToList().forEach(d -> transcript.add(d.toString()));
        from.deadLetters.readValuesToList().forEach(d -> transcript.add(d.toString()));
        from.answers.readValuesToList().forEach(a -> {
            transcript.add(a.toString());
            answered.add(a.getPromptId());
        });
        if (answered.size() == STRATEGIES.size()) {
            return false;
        }
        int sent = 0;
        for (final StepProposalRequested request : requests) {
            for (int i = 0; i < request.getSamples(); i++) {
                sent += reply(fx, step(request.getPromptId(), request.getRequestId(), i, request.getChainId(),
                        request.getParentStepId(), request.getDepth(), null, request.getContext()), request.getVerification());
            }
        }
        for (final RevisionRequested revision : revisions) {
            sent += reply(fx, step(revision.getPromptId(), revision.getRequestId(), 0, revision.getChainId(),
                    revision.getParentStepId(), revision.getDepth(), revision.getStepId(), revision.getContext()),
                    revision.getVerification());
        }
        for (final VerificationRequested verification : verifications) {
            sent += send(fx, verdict(verification.getPromptId(), verification.getStepId(), verification.getKind()));
        }
        if (sent == 0) {
            // Everything still awaited was lost: the topology comes back after an outage and its timers fire.
            now += OUTAGE_MS;
            for (final String promptId : STRATEGIES.keySet().stream().sorted().filter(p -> !answered.contains(p)).toList()) {
                fx.timer(SearchTimer.newBuilder().setPromptId(promptId).setDueAt(Instant.ofEpochMilli(now))
                        .setFiredAt(Instant.ofEpochMilli(now)).build(), now);
            }
        }
        return true;
    }

    List<String> transcript() {
        return List.copyOf(transcript);
    }

    /** Sends a step and, as a proposer does, the verdict its plan asks for: maybe lost, maybe twice, maybe first. */
    private int reply(final TopologyFixture fx, final StepProposed step, final VerificationPlan plan) {
        final boolean verified = plan == VerificationPlan.STEP || plan == VerificationPlan.OUTCOME && step.getTerminal();
        final StepVerified verdict = verified ? verdict(step.getPromptId(), step.getStepId(),
                plan == VerificationPlan.OUTCOME ? VerificationKind.OUTCOME : VerificationKind.STEP) : null;
        int sent = 0;
        if (verdict != null && random.nextDouble() < EARLY) {
            sent += send(fx, verdict);
            return sent + send(fx, step);
        }
        sent += send(fx, step);
        return verdict == null ? sent : sent + send(fx, verdict);
    }

    private int send(final TopologyFixture fx, final Object record) {
        if (random.nextDouble() < LOST) {
            return 0;
        }
        final int copies = random.nextDouble() < TWICE ? 2 : 1;
        for (int i = 0; i < copies; i++) {
            now++;
            if (record instanceof StepProposed step) {
                fx.propose(step, now);
            } else {
                fx.verify((StepVerified) record, now);
            }
        }
        return copies;
    }

    private StepProposed step(final String promptId, final String requestId, final int sample, final String chainId,
                              final String parentStepId, final int depth, final String revisionOf,
                              final ChainContext context) {
        final boolean terminal = depth >= 2 + random.nextInt(3);
        // Few distinct texts, so that identical samples are merged.
        final String text = terminal ? "So the answer is " + (41 + random.nextInt(2)) + "." : "6 * 7 = " + (40 + random.nextInt(3));
        return StepProposed.newBuilder().setPromptId(promptId).setStepId(requestId + "." + sample)
                .setRequestId(requestId).setChainId(chainId).setParentStepId(parentStepId).setDepth(depth)
                .setText(text).setTerminal(terminal).setAnswer(terminal ? text.substring(17, 19) : null)
                .setRevisionOf(revisionOf).setContext(context).setCall(call(10)).setError(null)
                .setProducedAt(Instant.ofEpochMilli(T0)).build();
    }

    private StepVerified verdict(final String promptId, final String stepId, final VerificationKind kind) {
        final boolean accepted = random.nextDouble() >= REJECTED;
        final double score = accepted ? 0.6 + 0.4 * random.nextDouble() : 0.4 * random.nextDouble();
        return StepVerified.newBuilder().setPromptId(promptId).setStepId(stepId).setScore(score)
                .setVerdict(accepted ? Verdict.ACCEPTED : Verdict.REJECTED)
                .setRationale(accepted ? "checks out" : "wrong product in " + stepId).setKind(kind)
                .setRequestId(EventIds.verificationId(stepId, kind)).setCall(call(5))
                .setVerifiedAt(Instant.ofEpochMilli(T0)).build();
    }
}
