package dev.stepwise.modelserver;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RolePromptTest {

    private static final String S1 = "We compute 3*4 = 12 = 5 (mod 7), and so the state is: now (5+5)*2 mod 7.";
    private static final String S2 = "We compute 5+5 = 10 = 3 (mod 7), and so the state is: now 3*2 mod 7.";
    private static final String S3 = "We compute 3*2 = 6 (mod 7), and so the state is: now 6 mod 7.\nANSWER: 6";

    @Test
    void aProposerPromptGivesTheProblemAndTheStepsInTheSuitesForm() {
        assertThat(RolePrompt.read(ChatRequests.PROPOSER, ChatRequests.proposeMessage("compute (3*4+5)*2 mod 7",
                List.of(S1, S2)))).contains(new RolePrompt(RolePrompt.Role.PROPOSE, "compute (3*4+5)*2 mod 7",
                List.of("3*4 = 12 = 5 (mod 7); now (5+5)*2 mod 7", "5+5 = 10 = 3 (mod 7); now 3*2 mod 7"), null, null));
        assertThat(RolePrompt.read(ChatRequests.PROPOSER, ChatRequests.proposeMessage("p", List.of())))
                .hasValueSatisfying(prompt -> assertThat(prompt.prior()).isEmpty());
    }

    @Test
    void aStepVerifierPromptGivesTheStepToJudge() {
        assertThat(RolePrompt.read(ChatRequests.VERIFIER, ChatRequests.verifyMessage("p", List.of(S1), S2)))
                .contains(new RolePrompt(RolePrompt.Role.VERIFY_STEP, "p", List.of("3*4 = 12 = 5 (mod 7); now (5+5)*2 mod 7"),
                        "5+5 = 10 = 3 (mod 7); now 3*2 mod 7", null));
    }

    @Test
    void anOutcomePromptGivesTheSolutionWithItsLastStepApart() {
        final String user = "Problem:\np\n\nSolution:\nStep 1: " + S1 + "\nStep 2: " + S3
                + "\n\nFinal answer to judge: 6\nIs the final answer of this solution correct?";
        assertThat(RolePrompt.read("You are the verifier ... complete solution", user))
                .contains(new RolePrompt(RolePrompt.Role.VERIFY_OUTCOME, "p",
                        List.of("3*4 = 12 = 5 (mod 7); now (5+5)*2 mod 7"), "3*2 = 6 (mod 7); now 6 mod 7; answer: 6", null));
    }

    @Test
    void aReviserPromptGivesTheRejectedStepAndTheCritique() {
        final String user = "Problem:\np\n\nSteps before:\nStep 1: " + S1 + "\n\nRejected step:\n" + S2
                + "\n\nCritique:\nexpected 5+5 = 10\n\nWrite the corrected step 2.";
        assertThat(RolePrompt.read("You are the reviser in a step-by-step reasoning search.", user))
                .contains(new RolePrompt(RolePrompt.Role.REVISE, "p", List.of("3*4 = 12 = 5 (mod 7); now (5+5)*2 mod 7"),
                        "5+5 = 10 = 3 (mod 7); now 3*2 mod 7", "expected 5+5 = 10"));
    }

    @Test
    void anythingElseIsNotAPrompt() {
        assertThat(RolePrompt.read("You are a helpful assistant.", "Hello")).isEmpty();
        assertThat(RolePrompt.read(null, ChatRequests.proposeMessage("p", List.of()))).isEmpty();
        assertThat(RolePrompt.read("You are a helpful assistant.", ChatRequests.proposeMessage("p", List.of()))).isEmpty();
    }
}
