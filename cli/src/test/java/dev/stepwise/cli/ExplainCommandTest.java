package dev.stepwise.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stepwise.schemas.EventSamples;
import dev.stepwise.schemas.avro.AnswerPublished;
import dev.stepwise.schemas.avro.PromptSubmitted;
import dev.stepwise.schemas.avro.SearchAction;
import dev.stepwise.schemas.avro.SearchDecision;
import dev.stepwise.schemas.avro.StepProposed;
import dev.stepwise.schemas.avro.StepVerified;
import dev.stepwise.schemas.avro.Strategy;
import dev.stepwise.schemas.avro.Verdict;
import dev.stepwise.schemas.avro.VerificationKind;
import dev.stepwise.schemas.avro.VerificationRequested;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What {@code explain} prints for a replay of the log (the reading from Kafka is covered by UpIT). */
class ExplainCommandTest {

    /** The terminal step of the samples: verified as a step (asked twice) and as an outcome. */
    private static final StepProposed STEP = EventSamples.stepProposed();

    private static ExplainCommand explain(final boolean steps, final boolean json) {
        final ExplainCommand command = new ExplainCommand();
        command.steps = steps;
        command.json = json;
        return command;
    }

    private static String print(final ExplainCommand command, final ExplainCommand.Replay replay) {
        final StringWriter text = new StringWriter();
        command.print(new PrintWriter(text), replay);
        return text.toString();
    }

    private static ExplainCommand.Replay replay(final PromptSubmitted prompt, final List<AnswerPublished> answers) {
        final SearchDecision verify = decision(5, SearchAction.VERIFY, "Asking for the outcome of the finished chain.");
        final SearchDecision retry = decision(6, SearchAction.RETRY, "No verdict within 15 s; asking again (retry 1).");
        final SearchDecision wait = decision(7, SearchAction.WAIT, "The budget cannot pay for asking again; waiting.");
        return new ExplainCommand.Replay(prompt, List.of(EventSamples.searchDecision(), verify, retry, wait),
                List.of(), List.of(), List.of(STEP, EventSamples.stepProposedFailed()),
                List.of(request(VerificationKind.STEP, 0, "reviser-1"), request(VerificationKind.STEP, 1, "topology"),
                        request(VerificationKind.OUTCOME, 0, "topology")),
                List.of(verdict(VerificationKind.OUTCOME, Verdict.ACCEPTED, 0.9),
                        verdict(VerificationKind.STEP, Verdict.ACCEPTED, 0.75),
                        verdict(VerificationKind.STEP, Verdict.REJECTED, 0.1)),
                answers);
    }

    private static SearchDecision decision(final int sequence, final SearchAction action, final String reason) {
        return SearchDecision.newBuilder(EventSamples.searchDecision()).setSequence(sequence).setAction(action)
                .setStepIds(List.of(STEP.getStepId())).setReason(reason).build();
    }

    private static VerificationRequested request(final VerificationKind kind, final int retry, final String by) {
        return VerificationRequested.newBuilder(EventSamples.verificationRequested())
                .setStepId(STEP.getStepId()).setKind(kind).setRetry(retry).setRequestedBy(by)
                .setRequestId(STEP.getStepId() + "/" + kind.name().toLowerCase(Locale.ROOT)).build();
    }

    private static StepVerified verdict(final VerificationKind kind, final Verdict verdict, final double score) {
        return StepVerified.newBuilder(EventSamples.stepVerified())
                .setStepId(STEP.getStepId()).setKind(kind).setVerdict(verdict).setScore(score)
                .setRequestId(STEP.getStepId() + "/" + kind.name().toLowerCase(Locale.ROOT)).build();
    }

    @Test
    void thePromptLineShowsTheStrategyWithEveryResolvedParameter() {
        final String out = print(explain(false, false), replay(EventSamples.promptSubmitted(), List.of()));

        assertThat(out).contains("strategy beam (beam-width 3, branching 4, max-depth 12, max-revisions 1); "
                + "budget 120 model calls, 50000 tokens, deadline ");
        assertThat(out).endsWith("no answer yet" + System.lineSeparator());
    }

    @Test
    void parametersAMapDoesNotNameComeFromTheFixedFieldsOrTheDefaults() {
        final Strategy old = Strategy.newBuilder().setName("beam").setBeamWidth(5).setParams(Map.of()).build();

        assertThat(ExplainCommand.strategy(old)).isEqualTo("beam (beam-width 5, branching 3, max-depth 40, max-revisions 2)");
    }

    @Test
    void aStrategyThisVersionDoesNotKnowIsShownAsWritten() {
        final Strategy unknown = Strategy.newBuilder().setName("tree-of-thought").setParams(Map.of("breadth", "3")).build();

        assertThat(ExplainCommand.strategy(unknown)).startsWith("tree-of-thought (as written: width 2, branching 3, "
                + "max depth 40, max revisions 2, params {breadth=3}; Unknown strategy 'tree-of-thought'");
    }

    @Test
    void everyDecisionIsPrintedWithItsActionIncludingVerifyRetryAndWait() {
        final String out = print(explain(false, false), replay(EventSamples.promptSubmitted(), List.of()));

        assertThat(out).contains("#4   REVISE          depth 1   Every candidate at depth 1 was rejected")
                .contains("#5   VERIFY          depth 1   Asking for the outcome")
                .contains("#6   RETRY           depth 1   No verdict within 15 s")
                .contains("#7   WAIT            depth 1   The budget cannot pay");
    }

    @Test
    void withStepsEachStepShowsItsVerdictsByKindHowOftenTheyWereAskedForAndByWhom() {
        final String out = print(explain(true, false), replay(EventSamples.promptSubmitted(), List.of()));
        final List<String> lines = out.lines().toList();
        final int at = lines.indexOf(lines.stream().filter(l -> l.contains(STEP.getText())).findFirst().orElseThrow());

        assertThat(lines.get(at)).as("the first STEP verdict counts; a later duplicate does not")
                .contains(STEP.getStepId()).contains("ACCEPTED").contains("[revises ");
        assertThat(lines.get(at + 1).strip()).isEqualTo(
                "step ACCEPTED 0.75, asked 2x (1 retry) by reviser-1, topology; outcome ACCEPTED 0.90, asked 1x by topology");
        assertThat(out).contains("(no verdict)");
    }

    @Test
    void stepsWithOnlyAnOldStyleVerdictKeepTheOneLineFormat() {
        final StepVerified old = StepVerified.newBuilder(EventSamples.stepVerified()).setStepId(STEP.getStepId())
                .setRequestId(null).build();
        final ExplainCommand.Replay replay = new ExplainCommand.Replay(EventSamples.promptSubmitted(), List.of(),
                List.of(), List.of(), List.of(STEP), List.of(), List.of(old), List.of());

        final List<String> lines = print(explain(true, false), replay).lines().toList();

        final int at = lines.indexOf("steps:");
        assertThat(lines.get(at + 1)).contains(STEP.getStepId()).contains("REJECTED");
        assertThat(lines.get(at + 2)).isEqualTo("no answer yet");
    }

    @Test
    void theAnswerShowsCallsByRoleAndTheStopCause() {
        final String out = print(explain(false, false),
                replay(EventSamples.promptSubmitted(), List.of(EventSamples.answerPublished())));

        assertThat(out).contains(EventSamples.answerPublished().getSummary() + System.lineSeparator()
                + "model calls by role: proposer 6, verifier 4, reviser 1; stop cause: deadline");
    }

    @Test
    void jsonLinesCarryVerificationsCallsByRoleAndStopCause() throws IOException {
        final String out = print(explain(true, true),
                replay(EventSamples.promptSubmitted(), List.of(EventSamples.answerPublished())));
        final List<JsonNode> lines = new ArrayList<>();
        for (String line : out.lines().toList()) {
            lines.add(Json.MAPPER.readTree(line));
        }

        assertThat(lines.get(0).get("action").asText()).as("decisions first, as before").isEqualTo("REVISE");
        assertThat(lines).extracting(l -> l.path("action").asText()).contains("VERIFY", "RETRY", "WAIT");
        final JsonNode step = lines.stream().filter(l -> STEP.getStepId().equals(l.path("step_id").asText()))
                .findFirst().orElseThrow();
        assertThat(step.get("verdict").asText()).isEqualTo("ACCEPTED");
        assertThat(step.get("verifications")).hasSize(2);
        final JsonNode stepKind = step.get("verifications").get(0);
        assertThat(stepKind.get("kind").asText()).isEqualTo("STEP");
        assertThat(stepKind.get("asked").asInt()).isEqualTo(2);
        assertThat(stepKind.get("retries").asInt()).isEqualTo(1);
        assertThat(stepKind.get("requested_by")).extracting(JsonNode::asText).containsExactly("reviser-1", "topology");
        assertThat(stepKind.get("request_id").asText()).isEqualTo(STEP.getStepId() + "/step");
        final JsonNode outcome = step.get("verifications").get(1);
        assertThat(outcome.get("kind").asText()).isEqualTo("OUTCOME");
        assertThat(outcome.get("score").asDouble()).isEqualTo(0.9);

        final JsonNode answer = lines.get(lines.size() - 1);
        assertThat(answer.get("type").asText()).isEqualTo("answer");
        assertThat(answer.get("stop_cause").asText()).isEqualTo("deadline");
        assertThat(answer.get("calls_by_role").get("verifier").asInt()).isEqualTo(4);
    }
}
