package dev.stepwise.models.openai;

import dev.stepwise.models.Judgement;
import dev.stepwise.models.ProposedStep;
import dev.stepwise.models.VerificationTask;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ChatPromptsTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "SCORE: 0.9\\nThe step is right.|0.9|true",
        "score = 1|1.0|true",
        "**Score:** 0.25 — the carry is lost.|0.25|false",
        "SCORE: 85%|0.85|true",
        "SCORE: 3/10. Wrong sign.|0.3|false",
        "SCORE: 7|0.7|true",
        "SCORE: 40|0.4|false",
        "SCORE: 0.5|0.5|true",
        "Yes, the step follows.|1.0|true",
        "No. 17 * 3 is 51.|0.0|false",
        "Incorrect: the sum is off by ten.|0.0|false",
        "<think>score: 0.1 maybe</think>SCORE: 0.8 fine.|0.8|true"
    })
    void readsScoresInTheFormsModelsWriteThem(final String reply, final double score, final boolean accepted) {
        final Judgement judgement = ChatPrompts.parseJudgement(reply.replace("\\n", "\n"), 7);
        assertThat(judgement.score()).isEqualTo(score);
        assertThat(judgement.accepted()).isEqualTo(accepted);
        assertThat(judgement.tokens()).isEqualTo(7);
        assertThat(judgement.rationale()).isNotBlank();
    }

    @Test
    void rationaleIsTheFirstSentenceAfterTheScore() {
        assertThat(ChatPrompts.parseJudgement("SCORE: 0.2\nThe product is 51, not 41. Everything else is fine.", 1)
                .rationale()).isEqualTo("The product is 51, not 41.");
        assertThat(ChatPrompts.parseJudgement("SCORE: 0.9", 1).rationale())
                .isEqualTo("the verifier gave score 0.9 without a reason");
    }

    @Test
    void unreadableReplyScoresOneHalfIsNotAcceptedAndSaysWhy() {
        final Judgement judgement = ChatPrompts.parseJudgement("I think it might be fine, hard to say.", 3);
        assertThat(judgement.score()).isEqualTo(0.5);
        assertThat(judgement.accepted()).isFalse();
        assertThat(judgement.rationale())
                .isEqualTo("could not read a score in the verifier's reply: 'I think it might be fine, hard to say.'");
        assertThat(ChatPrompts.parseJudgement("SCORE: 250", 3).rationale()).startsWith("could not read a score");
    }

    @Test
    void aStepVerificationShowsTheStepsBeforeAndTheStepToJudge() {
        final List<ChatPrompts.Message> messages = ChatPrompts.verify(new VerificationTask("p", "What is 2 + 3 * 4?",
                List.of("3 * 4 = 12."), "s1", "2 + 12 = 14."));
        assertThat(messages.get(0).content()).isEqualTo(ChatPrompts.VERIFIER_SYSTEM);
        assertThat(messages.get(1).content()).isEqualTo("""
                Problem:
                What is 2 + 3 * 4?

                Steps before:
                Step 1: 3 * 4 = 12.

                Step to judge:
                2 + 12 = 14.""");
    }

    @Test
    void anOutcomeVerificationShowsTheWholeSolutionAndNamesItsFinalAnswer() {
        final List<ChatPrompts.Message> messages = ChatPrompts.verify(new VerificationTask("p", "What is 2 + 3 * 4?",
                List.of("3 * 4 = 12."), "s1", "2 + 12 = 14.\n**ANSWER:** $14$.", VerificationTask.Kind.OUTCOME));
        assertThat(messages.get(0).content()).isEqualTo(ChatPrompts.OUTCOME_VERIFIER_SYSTEM);
        assertThat(messages.get(1).content()).isEqualTo("""
                Problem:
                What is 2 + 3 * 4?

                Solution:
                Step 1: 3 * 4 = 12.
                Step 2: 2 + 12 = 14.
                **ANSWER:** $14$.

                Final answer to judge: 14
                Is the final answer of this solution correct?""");
    }

    @Test
    void anOutcomeVerificationOfAChainWithoutAnAnswerLineStillAsks() {
        final List<ChatPrompts.Message> messages = ChatPrompts.verify(new VerificationTask("p", "What is 2 + 3 * 4?",
                List.of(), "s0", "It is 14.", VerificationTask.Kind.OUTCOME));
        assertThat(messages.get(1).content()).doesNotContain("Final answer to judge")
                .endsWith("Step 1: It is 14.\n\nIs the final answer of this solution correct?");
    }

    @Test
    void stepWithoutAnswerLineIsNotTerminal() {
        assertThat(ChatPrompts.parseStep("Step 1: 17 * 20 = 340.", 5))
                .isEqualTo(new ProposedStep("17 * 20 = 340.", false, null, 5));
    }

    @Test
    void lastAnswerLineCountsAndIsCleaned() {
        final ProposedStep step = ChatPrompts.parseStep("So x = 3.\nFinal answer: `x = 3`.", 5);
        assertThat(step.terminal()).isTrue();
        assertThat(step.answer()).isEqualTo("x = 3");
        assertThat(ChatPrompts.parseStep("ANSWER: 12\nANSWER: 13", 1).answer()).isEqualTo("13");
        assertThat(ChatPrompts.parseStep("ANSWER: $14$.", 1).answer()).isEqualTo("14");
        assertThat(ChatPrompts.parseStep("ANSWER:", 1).terminal()).isFalse();
        assertThat(ChatPrompts.parseStep("<think>all of it</think>  ", 1)).isNull();
    }
}
