package dev.stepwise.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stepwise.cli.StepTimings.Column;
import dev.stepwise.cli.StepTimings.Summary;
import dev.stepwise.cli.StepTimings.Timing;
import dev.stepwise.schemas.EventSamples;
import dev.stepwise.schemas.avro.AgentCall;
import dev.stepwise.schemas.avro.AnswerPublished;
import dev.stepwise.schemas.avro.RevisionRequested;
import dev.stepwise.schemas.avro.SearchAction;
import dev.stepwise.schemas.avro.SearchDecision;
import dev.stepwise.schemas.avro.StepProposalRequested;
import dev.stepwise.schemas.avro.StepProposed;
import dev.stepwise.schemas.avro.StepVerified;
import dev.stepwise.schemas.avro.VerificationKind;
import dev.stepwise.schemas.avro.VerificationRequested;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The timing figures of {@code explain --timings} from hand-built events. The story, in ms after {@link #T0}: a
 * verified first step (asked again after it was answered), an unverified second step whose reaction is the request
 * extending it, and a terminal third step written before agents stamped their calls.
 */
class StepTimingsTest {

    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
    private static final String FIRST = "p.r0.0";
    private static final String SIBLING = "p.r0.1";
    private static final String SECOND = "p.r1.0";
    private static final String THIRD = "p.r2.0";

    private static Instant at(final long millis) {
        return T0.plusMillis(millis);
    }

    private static StepProposalRequested request(final String requestId, final String parent, final int depth,
                                                 final int retry, final long requestedAt) {
        return StepProposalRequested.newBuilder(EventSamples.stepProposalRequested()).setRequestId(requestId)
                .setChainId(parent == null ? "p" : parent).setParentStepId(parent).setDepth(depth).setRetry(retry)
                .setRequestedAt(at(requestedAt)).build();
    }

    /** A model call that began at {@code startedAt} ms (null: an event from before the stamp) and took {@code latency}. */
    private static AgentCall call(final Long startedAt, final long latency) {
        return AgentCall.newBuilder().setAgentInstance("agent-1").setModel("test/fixed").setTokens(3)
                .setLatencyMs(latency).setStartedAt(startedAt == null ? null : at(startedAt)).build();
    }

    private static StepProposed step(final String stepId, final String requestId, final int depth, final AgentCall call,
                                     final long producedAt) {
        return StepProposed.newBuilder(EventSamples.stepProposed()).setStepId(stepId).setRequestId(requestId)
                .setDepth(depth).setRevisionOf(null).setCall(call).setProducedAt(at(producedAt)).build();
    }

    private static VerificationRequested check(final String stepId, final VerificationKind kind, final long requestedAt) {
        return VerificationRequested.newBuilder(EventSamples.verificationRequested()).setStepId(stepId).setKind(kind)
                .setRequestId(stepId + "/" + kind.name()).setRequestedAt(at(requestedAt)).build();
    }

    private static StepVerified verdict(final String stepId, final VerificationKind kind, final AgentCall call,
                                        final long verifiedAt) {
        return StepVerified.newBuilder(EventSamples.stepVerified()).setStepId(stepId).setKind(kind)
                .setRequestId(stepId + "/" + kind.name()).setCall(call).setVerifiedAt(at(verifiedAt)).build();
    }

    private static SearchDecision decision(final SearchAction action, final Integer depth, final long decidedAt,
                                           final String... stepIds) {
        return SearchDecision.newBuilder(EventSamples.searchDecision()).setAction(action).setDepth(depth)
                .setStepIds(List.of(stepIds)).setDecidedAt(at(decidedAt)).build();
    }

    private static AnswerPublished answer(final String... chain) {
        return AnswerPublished.newBuilder(EventSamples.answerPublished()).setWinningChain(List.of(chain)).build();
    }

    private static ExplainCommand.Replay replay(final List<AnswerPublished> answers) {
        final StepProposed first = step(FIRST, "p.r0", 0, call(40L, 100), 142);
        return new ExplainCommand.Replay(EventSamples.promptSubmitted(),
                List.of(decision(SearchAction.VERIFY, 0, 150, FIRST),
                        decision(SearchAction.EXPAND, 1, 192, FIRST),
                        decision(SearchAction.KEEP, 0, 195, FIRST),
                        decision(SearchAction.FINISH_CHAIN, 2, 352, FIRST, SECOND, THIRD)),
                List.of(request("p.r0", null, 0, 0, 0), request("p.r0", null, 0, 1, 500),
                        request("p.r1", FIRST, 1, 0, 195), request("p.r2", SECOND, 2, 0, 290)),
                List.of(),
                List.of(first, step(SIBLING, "p.r0", 0, call(40L, 100), 142), step(SECOND, "p.r1", 1, call(230L, 50), 281),
                        step(THIRD, "p.r2", 2, call(null, 20), 330), StepProposed.newBuilder(first).setProducedAt(at(600)).build()),
                List.of(check(FIRST, VerificationKind.STEP, 143), check(THIRD, VerificationKind.OUTCOME, 331)),
                List.of(verdict(FIRST, VerificationKind.STEP, call(160L, 30), 191),
                        verdict(THIRD, VerificationKind.OUTCOME, call(null, 5), 350)),
                answers);
    }

    private static Timing timingOf(final List<Timing> timings, final String stepId) {
        return timings.stream().filter(t -> t.step().getStepId().equals(stepId)).findFirst().orElseThrow();
    }

    @Test
    void aVerifiedStepIsCutAtEveryStampFromItsRequestToTheDecisionOnIt() {
        final Timing first = timingOf(StepTimings.of(replay(List.of())), FIRST);

        assertThat(first.millis()).containsExactly(
                entry(Column.QUEUED, 40L),         // the first sending at 0, not the retry at 500 after the call began
                entry(Column.MODEL, 100L),
                entry(Column.HOP, 2L),             // the call ended at 140, the step was stamped at 142
                entry(Column.VERIFY_QUEUED, 17L),  // asked at 143, the verifier's call began at 160
                entry(Column.VERIFY_MODEL, 30L),
                entry(Column.VERIFY_HOP, 1L),      // ended at 190, stamped at 191
                entry(Column.DECISION, 4L),        // KEEP at its depth at 195; not VERIFY (before), not EXPAND (depth 1)
                entry(Column.TOTAL, 195L));
    }

    @Test
    void aStepWithoutAVerdictReactsWithTheRequestExtendingIt() {
        final Timing second = timingOf(StepTimings.of(replay(List.of())), SECOND);

        assertThat(second.millis()).containsExactly(
                entry(Column.QUEUED, 35L), entry(Column.MODEL, 50L), entry(Column.HOP, 1L),
                entry(Column.DECISION, 9L), entry(Column.TOTAL, 95L));
    }

    @Test
    void anEventFromBeforeTheCallStampHasNoQueueOrHopButKeepsWhatItCanTell() {
        final Timing third = timingOf(StepTimings.of(replay(List.of())), THIRD);

        assertThat(third.millis()).containsExactly(
                entry(Column.MODEL, 20L), entry(Column.VERIFY_MODEL, 5L),
                entry(Column.DECISION, 2L),        // its outcome verdict at 350 to FINISH_CHAIN at 352
                entry(Column.TOTAL, 62L));
        assertThat(third.of(Column.QUEUED)).isNull();
    }

    @Test
    void everyStepIsListedOnceInLogOrderAndOneNoDecisionNamesHasNoDecisionFigure() {
        final List<Timing> timings = StepTimings.of(replay(List.of()));

        assertThat(timings).extracting(t -> t.step().getStepId()).containsExactly(FIRST, SIBLING, SECOND, THIRD);
        assertThat(timingOf(timings, FIRST).step().getProducedAt()).as("the first of a duplicate counts").isEqualTo(at(142));
        assertThat(timingOf(timings, SIBLING).millis()).containsOnlyKeys(Column.QUEUED, Column.MODEL, Column.HOP);
    }

    @Test
    void aRevisedStepIsQueuedFromItsRevisionRequest() {
        final StepProposed revised = StepProposed.newBuilder(step("p.v1.0", "p.v1", 0, call(70L, 10), 81))
                .setRevisionOf(SIBLING).build();
        final RevisionRequested asked = RevisionRequested.newBuilder(EventSamples.revisionRequested()).setRequestId("p.v1")
                .setRequestedAt(at(60)).build();
        final ExplainCommand.Replay replay = new ExplainCommand.Replay(EventSamples.promptSubmitted(), List.of(), List.of(),
                List.of(asked), List.of(revised), List.of(), List.of(), List.of());

        assertThat(StepTimings.of(replay).getFirst().millis())
                .containsExactly(entry(Column.QUEUED, 10L), entry(Column.MODEL, 10L), entry(Column.HOP, 1L));
    }

    @Test
    void theSummaryTakesMediansAndSumsOverTheAnswersChainOnly() {
        final ExplainCommand.Replay replay = replay(List.of(answer(FIRST, SECOND, THIRD)));

        final Summary summary = StepTimings.summary(StepTimings.of(replay), replay.answers()).orElseThrow();

        assertThat(summary.steps()).isEqualTo(3);
        assertThat(summary.medians()).containsExactly(
                entry(Column.QUEUED, 37.5), entry(Column.MODEL, 50.0), entry(Column.HOP, 1.5),
                entry(Column.VERIFY_QUEUED, 17.0), entry(Column.VERIFY_MODEL, 17.5), entry(Column.VERIFY_HOP, 1.0),
                entry(Column.DECISION, 4.0), entry(Column.TOTAL, 95.0));
        assertThat(summary.sums()).as("a sum only where every step of the chain tells it").isEqualTo(Map.of(
                Column.MODEL, 170L, Column.DECISION, 15L, Column.TOTAL, 352L));
    }

    @Test
    void thereIsNoSummaryWithoutAnAnswerOrAChain() {
        final List<Timing> timings = StepTimings.of(replay(List.of()));

        assertThat(StepTimings.summary(timings, List.of())).isEmpty();
        assertThat(StepTimings.summary(timings, List.of(answer()))).isEmpty();
    }

    @Test
    void theMedianOfAnEvenCountIsTheMeanOfTheMiddleTwo() {
        assertThat(StepTimings.median(List.of(7L))).isEqualTo(7.0);
        assertThat(StepTimings.median(List.of(1L, 2L, 9L))).isEqualTo(2.0);
        assertThat(StepTimings.median(List.of(1L, 2L, 4L, 9L))).isEqualTo(3.0);
    }

    // --- What explain --timings prints (TimingsReport) --------------------------------------------------------

    private static String explainWithTimings(final boolean json, final ExplainCommand.Replay replay) {
        final ExplainCommand command = new ExplainCommand();
        command.timings = true;
        command.json = json;
        final StringWriter text = new StringWriter();
        command.print(new PrintWriter(text), replay);
        return text.toString();
    }

    private static List<String> columnsOfStep(final String out, final String stepId) {
        final String line = out.lines().filter(l -> l.endsWith("  " + stepId)).findFirst().orElseThrow();
        return Arrays.asList(line.strip().split("\\s+"));
    }

    @Test
    void asTextEachStepIsOneRowWithNaWhereTheEventsDoNotTellThenOneSummaryLine() {
        final String out = explainWithTimings(false, replay(List.of(answer(FIRST, SECOND, THIRD))));

        assertThat(out).contains("  depth queued  model    hop v.queued v.model  v.hop decision  total  step");
        assertThat(columnsOfStep(out, FIRST)).containsExactly("0", "40", "100", "2", "17", "30", "1", "4", "195", FIRST);
        assertThat(columnsOfStep(out, THIRD)).containsExactly("2", "n/a", "20", "n/a", "n/a", "5", "n/a", "2", "62", THIRD);
        assertThat(out).contains("the answer's chain, 3 serial steps: median per step queued 37.5, model 50, hop 1.5, "
                + "v.queued 17, v.model 17.5, v.hop 1, decision 4, total 95; sum queued n/a, model 170, hop n/a, "
                + "v.queued n/a, v.model n/a, v.hop n/a, decision 15, total 352" + System.lineSeparator());
    }

    @Test
    void asJsonEachStepAndTheSummaryIsOneObjectWithNullWhereTheEventsDoNotTellAndTheAnswerStaysLast() throws IOException {
        final List<JsonNode> lines = new ArrayList<>();
        for (final String line : explainWithTimings(true, replay(List.of(answer(FIRST, SECOND, THIRD)))).lines().toList()) {
            lines.add(Json.MAPPER.readTree(line));
        }

        final JsonNode first = lines.stream().filter(l -> FIRST.equals(l.path("step_id").asText())).findFirst().orElseThrow();
        assertThat(first.get("type").asText()).isEqualTo("timing");
        assertThat(first.get("queued_ms").asLong()).isEqualTo(40);
        assertThat(first.get("verify_queued_ms").asLong()).isEqualTo(17);
        assertThat(first.get("decision_ms").asLong()).isEqualTo(4);
        final JsonNode third = lines.stream().filter(l -> THIRD.equals(l.path("step_id").asText())).findFirst().orElseThrow();
        assertThat(third.get("queued_ms").isNull()).isTrue();
        assertThat(third.get("model_ms").asLong()).isEqualTo(20);
        final JsonNode summary = lines.get(lines.size() - 2);
        assertThat(summary.get("type").asText()).isEqualTo("timings_summary");
        assertThat(summary.get("steps").asInt()).isEqualTo(3);
        assertThat(summary.get("median").get("queued_ms").asDouble()).isEqualTo(37.5);
        assertThat(summary.get("sum").get("queued_ms").isNull()).isTrue();
        assertThat(summary.get("sum").get("total_ms").asLong()).isEqualTo(352);
        assertThat(lines.get(lines.size() - 1).get("type").asText()).isEqualTo("answer");
    }

    @Test
    void withoutAnAnswerTheTextSaysThereIsNoSummaryYet() {
        assertThat(explainWithTimings(false, replay(List.of()))).contains("no summary: no answer with a chain yet");
    }
}
