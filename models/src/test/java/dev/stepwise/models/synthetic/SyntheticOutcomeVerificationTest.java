package dev.stepwise.models.synthetic;

import dev.stepwise.models.Judgement;
import dev.stepwise.models.ProblemNotUnderstoodException;
import dev.stepwise.models.ProposedStep;
import dev.stepwise.models.StepTask;
import dev.stepwise.models.VerificationTask;
import dev.stepwise.models.VerificationTask.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The synthetic verifier asked for an outcome: is the finished chain's final answer the problem's answer? */
class SyntheticOutcomeVerificationTest {

    private static final String MODULAR = "compute (3*4+5)*2 mod 7";
    private static final List<String> MODULAR_BEFORE_LAST = List.of("3*4 = 12 = 5 (mod 7); now (5+5)*2 mod 7",
            "5+5 = 10 = 3 (mod 7); now 3*2 mod 7");

    private final SyntheticModelBackend exact = new SyntheticModelBackend(SyntheticConfig.defaults().withStepErrorRate(0.0));

    /** A finished chain with errors at rate {@code stepErrorRate}, unverified: the prior steps, then the terminal one. */
    private record Chain(List<String> prior, ProposedStep last) {
    }

    private static Chain finish(final SyntheticModelBackend proposer, final String prompt, final GeneratedProblem problem) {
        final List<String> texts = new ArrayList<>();
        ProposedStep step = proposer.propose(new StepTask(prompt, problem.text(), texts, prompt + "/s0", 0));
        while (!step.terminal()) {
            texts.add(step.text());
            assertThat(texts).as("chain for %s did not end", problem.text()).hasSizeLessThan(problem.difficulty());
            step = proposer.propose(new StepTask(prompt, problem.text(), texts, prompt + "/s" + texts.size(), texts.size()));
        }
        return new Chain(texts, step);
    }

    private static VerificationTask outcome(final String prompt, final GeneratedProblem problem, final Chain chain) {
        return new VerificationTask(prompt, problem.text(), chain.prior(), prompt + "/last", chain.last().text(), Kind.OUTCOME);
    }

    private Judgement judge(final String lastStep) {
        return exact.verify(new VerificationTask("p", MODULAR, MODULAR_BEFORE_LAST, "p/s2", lastStep, Kind.OUTCOME));
    }

    @ParameterizedTest
    @EnumSource(Family.class)
    void acceptsExactlyTheChainsWhoseFinalAnswerIsTheGroundTruth(final Family family) {
        // A 20% step error rate gives both kinds of chain: right answers and wrong ones.
        final SyntheticModelBackend fallible = new SyntheticModelBackend(SyntheticConfig.defaults().withStepErrorRate(0.2));
        int accepted = 0;
        int rejected = 0;
        for (int i = 0; i < 200; i++) {
            final GeneratedProblem problem = SyntheticTaskSuite.generate(family, 6, i);
            final String prompt = "outcome-" + family.id() + "-" + i;
            final Chain chain = finish(fallible, prompt, problem);
            final Judgement judgement = exact.verify(outcome(prompt, problem, chain));
            final boolean right = problem.expectedAnswer().equals(chain.last().answer());
            assertThat(judgement.accepted()).as("%s ending with %s", problem.text(), chain.last().text()).isEqualTo(right);
            assertThat(judgement.score()).isEqualTo(right ? 1.0 : 0.0);
            if (right) {
                accepted++;
                assertThat(judgement.rationale())
                        .isEqualTo("correct: the chain's answer " + problem.expectedAnswer() + " is the problem's answer");
            } else {
                rejected++;
                assertThat(judgement.rationale()).isEqualTo("the chain's answer is " + chain.last().answer()
                        + " but the problem's answer is " + problem.expectedAnswer());
            }
        }
        assertThat(accepted).isPositive();
        assertThat(rejected).isPositive();
    }

    @Test
    void judgesOnlyTheAnswerClauseAndSaysWhatIsWrongWithIt() {
        assertThat(judge("3*2 = 6 (mod 7); now 6 mod 7; answer: 6")).satisfies(judgement -> {
            assertThat(judgement.accepted()).isTrue();
            assertThat(judgement.rationale()).isEqualTo("correct: the chain's answer 6 is the problem's answer");
        });
        // An outcome check scores the answer, not the work: a wrong last computation with the right answer passes.
        assertThat(judge("3*2 = 5 (mod 7); now 5 mod 7; answer: 6").accepted()).isTrue();
        assertThat(judge("3*2 = 6 (mod 7); now 6 mod 7; answer: 5").rationale())
                .isEqualTo("the chain's answer is 5 but the problem's answer is 6");
        assertThat(judge("3*2 = 6 (mod 7); now 6 mod 7")).satisfies(judgement -> {
            assertThat(judgement.accepted()).isFalse();
            assertThat(judgement.rationale())
                    .isEqualTo("the chain ends without a final answer: its last step has no 'answer: <value>' clause");
        });
        assertThat(judge("3*2 = 6 (mod 7); now 6 mod 7; answer: six").rationale())
                .isEqualTo("cannot read 'six' as an answer of the modular family; the problem's answer is 6");
        assertThat(exact.verify(new VerificationTask("p", "compose [2,3,1,5,4] [1,3,2,4,5] [5,4,3,2,1] in S5",
                List.of("compose p2: [2,3,1,5,4] then [1,3,2,4,5] = [3,2,1,5,4]; now p1..p2 = [3,2,1,5,4]"), "p/s1",
                "compose p3: [3,2,1,5,4] then [5,4,3,2,1] = [3,4,5,1,2]; now p1..p3 = [3,4,5,1,2]; answer: [3, 4, 5, 1, 2]",
                Kind.OUTCOME)).accepted()).as("answers are normalised before comparing").isTrue();
    }

    @Test
    void noiseRatesAreHonouredAndSaidInTheRationale() {
        final SyntheticModelBackend noisy = new SyntheticModelBackend(SyntheticConfig.defaults().withVerifierNoise(0.2, 0.1));
        final SyntheticModelBackend alwaysWrong = new SyntheticModelBackend(SyntheticConfig.defaults().withStepErrorRate(1.0));
        int falselyRejected = 0;
        int falselyAccepted = 0;
        final int chains = 4000;
        for (int i = 0; i < chains; i++) {
            // One squaring: a wrong one is never the right value, so every wrong chain ends with a wrong answer.
            final GeneratedProblem problem = SyntheticTaskSuite.generate(Family.ITERATED_SQUARING, 1, i);
            final String prompt = "outcome-noise-" + i;
            final Judgement onRight = noisy.verify(outcome(prompt, problem, finish(exact, prompt, problem)));
            final Judgement onWrong = noisy.verify(outcome(prompt, problem, finish(alwaysWrong, prompt, problem)));
            if (!onRight.accepted()) {
                falselyRejected++;
                assertThat(onRight.rationale()).startsWith("rejected by simulated verifier noise (false-reject rate 0.1); "
                        + "the exact check found the answer correct: ");
            }
            if (onWrong.accepted()) {
                falselyAccepted++;
                assertThat(onWrong.rationale()).startsWith("accepted by simulated verifier noise (false-accept rate 0.2); "
                        + "the exact check found: the chain's answer is ");
            }
        }
        // 4000 of each: standard errors 0.005 (p = 0.1) and 0.006 (p = 0.2); tolerance 0.025 is over 4 of them.
        assertThat((double) falselyRejected / chains).isCloseTo(0.1, within(0.025));
        assertThat((double) falselyAccepted / chains).isCloseTo(0.2, within(0.025));
    }

    @Test
    void outcomeNoiseIsDrawnApartFromStepNoiseAndReproduces() {
        final SyntheticModelBackend noisy = new SyntheticModelBackend(SyntheticConfig.defaults().withVerifierNoise(0.0, 0.5));
        final SyntheticModelBackend again = new SyntheticModelBackend(SyntheticConfig.defaults().withVerifierNoise(0.0, 0.5));
        int disagreements = 0;
        for (int i = 0; i < 100; i++) {
            final String stepId = "p/s2." + i;
            final VerificationTask step = new VerificationTask("p", MODULAR, MODULAR_BEFORE_LAST, stepId,
                    "3*2 = 6 (mod 7); now 6 mod 7; answer: 6");
            final VerificationTask outcome = new VerificationTask("p", MODULAR, MODULAR_BEFORE_LAST, stepId,
                    "3*2 = 6 (mod 7); now 6 mod 7; answer: 6", Kind.OUTCOME);
            final Judgement outcomeJudgement = noisy.verify(outcome);
            assertThat(again.verify(outcome)).isEqualTo(outcomeJudgement);
            // The step is right and so is its answer: only noise can reject either, and it is drawn for each on its own.
            if (noisy.verify(step).accepted() != outcomeJudgement.accepted()) {
                disagreements++;
            }
        }
        // With two independent draws at rate 0.5 about half disagree; with one shared draw none would.
        assertThat(disagreements).isBetween(25, 75);
    }

    @Test
    void aStepVerificationIsTheDefaultKind() {
        final VerificationTask task = new VerificationTask("p", MODULAR, MODULAR_BEFORE_LAST, "p/s2", "3*2 = 6 (mod 7); now 6 mod 7");
        assertThat(task.kind()).isEqualTo(Kind.STEP);
        assertThat(exact.verify(task).rationale())
                .isEqualTo("the step finishes the computation but does not end with 'answer: 6'");
    }

    @Test
    void tokensAreWordsOfTheChainPlusTheRationale() {
        final Judgement judgement = judge("3*2 = 6 (mod 7); now 6 mod 7; answer: 6");
        // 4 words of problem, 11 + 11 of the prior steps, 11 of the last step.
        assertThat(judgement.tokens()).isEqualTo(4 + 11 + 11 + 11 + judgement.rationale().split("\\s+").length);
    }

    @Test
    void aProblemOutsideTheSuiteIsNotUnderstood() {
        assertThatThrownBy(() -> exact.verify(new VerificationTask("p", "Prove that there are infinitely many primes.",
                List.of(), "p/s0", "answer: yes", Kind.OUTCOME)))
                .isInstanceOf(ProblemNotUnderstoodException.class);
    }
}
