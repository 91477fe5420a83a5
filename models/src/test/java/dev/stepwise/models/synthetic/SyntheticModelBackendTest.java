package dev.stepwise.models.synthetic;

import dev.stepwise.models.Judgement;
import dev.stepwise.models.ProblemNotUnderstoodException;
import dev.stepwise.models.ProposedStep;
import dev.stepwise.models.RevisionTask;
import dev.stepwise.models.StepTask;
import dev.stepwise.models.VerificationTask;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class SyntheticModelBackendTest {

    /** The four families whose answers are not a single bit (see the circuit test below). */
    private static final List<Family> WIDE_ANSWER_FAMILIES = List.of(Family.MODULAR_ARITHMETIC,
            Family.PERMUTATION_COMPOSITION, Family.ITERATED_SQUARING, Family.INTEGER_ARITHMETIC);

    private final SyntheticModelBackend exact = backend(0.0);
    private final SyntheticModelBackend alwaysWrong = backend(1.0);

    private static SyntheticModelBackend backend(final double stepErrorRate) {
        return new SyntheticModelBackend(SyntheticConfig.defaults().withStepErrorRate(stepErrorRate));
    }

    private static StepTask task(final String prompt, final GeneratedProblem problem, final List<String> chain) {
        return new StepTask(prompt, problem.text(), chain, prompt + "/s" + chain.size(), chain.size());
    }

    private static VerificationTask verification(final String prompt, final GeneratedProblem problem,
                                                 final List<String> chain, final String stepText) {
        return new VerificationTask(prompt, problem.text(), chain, prompt + "/v" + chain.size() + "/" + stepText.hashCode(),
                stepText);
    }

    /** Proposes until a terminal step (or a bound), without verifying; returns the chain. */
    private static List<ProposedStep> unverifiedChain(final SyntheticModelBackend backend, final String prompt,
                                                      final GeneratedProblem problem) {
        final List<String> texts = new ArrayList<>();
        final List<ProposedStep> steps = new ArrayList<>();
        while (steps.isEmpty() || !steps.get(steps.size() - 1).terminal()) {
            final ProposedStep step = backend.propose(task(prompt, problem, texts));
            steps.add(step);
            texts.add(step.text());
            assertThat(steps).as("chain for %s did not end", problem.text()).hasSizeLessThanOrEqualTo(problem.difficulty());
        }
        return steps;
    }

    @ParameterizedTest
    @EnumSource(Family.class)
    void errorFreeProposerReachesTheExpectedAnswerInExactlyDifficultySteps(final Family family) {
        for (int steps = 1; steps <= 32; steps++) {
            for (long seed = 0; seed < 3; seed++) {
                final GeneratedProblem problem = SyntheticTaskSuite.generate(family, steps, seed);
                final List<ProposedStep> chain = unverifiedChain(exact, "p-" + steps + "-" + seed, problem);
                assertThat(chain).hasSize(steps);
                assertThat(chain.subList(0, steps - 1)).noneMatch(ProposedStep::terminal);
                final ProposedStep last = chain.get(steps - 1);
                assertThat(last.answer()).as(problem.text()).isEqualTo(problem.expectedAnswer());
                assertThat(last.text()).endsWith("answer: " + problem.expectedAnswer());
            }
        }
    }

    /**
     * With 10% step errors and nothing checking the steps, a 16-step chain is right only if no step went wrong,
     * 0.9^16 = 0.1853, because in these four families one wrong step always (or, for modular arithmetic's dropped
     * terms, almost always) shows in the answer; two errors cancelling is rarer still. 4000 chains give a standard
     * error of sqrt(0.185 * 0.815 / 4000) = 0.0061; the tolerance of 0.025 is four standard errors. The run is
     * deterministic (fixed seeds), so the bound guards the design, not luck.
     */
    @Test
    void unverifiedSixteenStepChainsEndRightAboutNinetyPercentToTheSixteenth() {
        final SyntheticModelBackend fallible = backend(0.10);
        int right = 0;
        int total = 0;
        for (final Family family : WIDE_ANSWER_FAMILIES) {
            for (int i = 0; i < 1000; i++) {
                final GeneratedProblem problem = SyntheticTaskSuite.generate(family, 16, i);
                final List<ProposedStep> chain = unverifiedChain(fallible, family.id() + "-" + i, problem);
                right += problem.expectedAnswer().equals(chain.get(chain.size() - 1).answer()) ? 1 : 0;
                total++;
            }
        }
        assertThat((double) right / total).isCloseTo(Math.pow(0.9, 16), within(0.025));
    }

    /**
     * A circuit's answer is one bit, and a flipped gate is often masked further on (AND with 0, OR with 1, XOR with
     * another flipped gate), so a wrong chain still lands on the right bit most of the time: 0.73 measured over 4000
     * chains. The bounds catch both a proposer whose errors do not change the chain (towards 1.0) and one whose
     * errors always flip the output (towards 0.5). 1000 chains: standard error 0.014.
     */
    @Test
    void unverifiedCircuitChainsEndRightMoreOftenBecauseWrongGatesAreMasked() {
        final SyntheticModelBackend fallible = backend(0.10);
        int right = 0;
        for (int i = 0; i < 1000; i++) {
            final GeneratedProblem problem = SyntheticTaskSuite.generate(Family.BOOLEAN_CIRCUIT, 16, i);
            final List<ProposedStep> chain = unverifiedChain(fallible, "circuit-" + i, problem);
            right += problem.expectedAnswer().equals(chain.get(chain.size() - 1).answer()) ? 1 : 0;
        }
        assertThat(right / 1000.0).isBetween(0.55, 0.9);
    }

    @Test
    void oneWrongStepShowsInTheAnswerOfTheFourWideAnswerFamilies() {
        final Map<Family, Integer> survived = new EnumMap<>(Family.class);
        for (final Family family : WIDE_ANSWER_FAMILIES) {
            for (int i = 0; i < 300; i++) {
                final GeneratedProblem problem = SyntheticTaskSuite.generate(family, 10, i);
                final int wrongAt = i % 10;
                final List<String> chain = new ArrayList<>();
                ProposedStep step = null;
                while (step == null || !step.terminal()) {
                    final SyntheticModelBackend backend = chain.size() == wrongAt ? alwaysWrong : exact;
                    step = backend.propose(task("single-" + i, problem, chain));
                    chain.add(step.text());
                }
                if (problem.expectedAnswer().equals(step.answer())) {
                    survived.merge(family, 1, Integer::sum);
                }
            }
        }
        // Exact for these three; modular arithmetic's dropped terms can, rarely, leave the value unchanged mod p.
        assertThat(survived).doesNotContainKeys(Family.PERMUTATION_COMPOSITION, Family.ITERATED_SQUARING,
                Family.INTEGER_ARITHMETIC);
        assertThat(survived.getOrDefault(Family.MODULAR_ARITHMETIC, 0)).isLessThanOrEqualTo(6);
    }

    @Test
    void exactVerifierAcceptsEveryCorrectStepAndRejectsEveryInjectedError() {
        // Chains with 30% errors, so steps are also checked after wrong steps, continuing from what they say.
        final SyntheticModelBackend fallible = backend(0.30);
        int checked = 0;
        for (final Family family : Family.values()) {
            for (int i = 0; i < 60; i++) {
                final GeneratedProblem problem = SyntheticTaskSuite.generate(family, 1 + i % 20, i);
                final String prompt = "exact-" + family.id() + "-" + i;
                final List<String> chain = new ArrayList<>();
                ProposedStep step = null;
                while (step == null || !step.terminal()) {
                    final ProposedStep right = exact.propose(task(prompt, problem, chain));
                    final ProposedStep wrong = alwaysWrong.propose(task(prompt, problem, chain));
                    assertThat(wrong.text()).isNotEqualTo(right.text());
                    final Judgement onRight = exact.verify(verification(prompt, problem, chain, right.text()));
                    final Judgement onWrong = exact.verify(verification(prompt, problem, chain, wrong.text()));
                    assertThat(onRight.accepted()).as(right.text()).isTrue();
                    assertThat(onRight.score()).isEqualTo(1.0);
                    assertThat(onWrong.accepted()).as(wrong.text()).isFalse();
                    assertThat(onWrong.score()).isEqualTo(0.0);
                    assertThat(onWrong.rationale()).startsWith("expected ").contains("the step says");
                    checked += 2;
                    step = fallible.propose(task(prompt, problem, chain));
                    chain.add(step.text());
                }
            }
        }
        assertThat(checked).isGreaterThan(5000);
    }

    private static final Pattern SQUARING = Pattern.compile("square (\\d+) repeatedly (\\d+) times mod (\\d+)");
    private static final Pattern POWER = Pattern.compile("now x(\\d+) = (\\d+)");

    /** Checks the verifier against arithmetic done here, not through the backend's own step machinery. */
    @Test
    void exactVerifierAgreesWithAnIndependentCheckOfIteratedSquaring() {
        final SyntheticModelBackend fallible = backend(0.40);
        int wrongSeen = 0;
        for (int i = 0; i < 200; i++) {
            final GeneratedProblem problem = SyntheticTaskSuite.generate(Family.ITERATED_SQUARING, 12, i);
            final Matcher spec = SQUARING.matcher(problem.text());
            assertThat(spec.matches()).isTrue();
            final BigInteger modulus = new BigInteger(spec.group(3));
            BigInteger previous = new BigInteger(spec.group(1));
            int previousIndex = 0;
            final List<String> chain = new ArrayList<>();
            ProposedStep step = null;
            while (step == null || !step.terminal()) {
                step = fallible.propose(task("sq-" + i, problem, chain));
                final Matcher claimed = POWER.matcher(step.text());
                assertThat(claimed.find()).isTrue();
                final boolean reallyRight = Integer.parseInt(claimed.group(1)) == previousIndex + 1
                        && new BigInteger(claimed.group(2)).equals(previous.multiply(previous).mod(modulus));
                wrongSeen += reallyRight ? 0 : 1;
                assertThat(exact.verify(verification("sq-" + i, problem, chain, step.text())).accepted())
                        .as(step.text()).isEqualTo(reallyRight);
                previous = new BigInteger(claimed.group(2));
                previousIndex = Integer.parseInt(claimed.group(1));
                chain.add(step.text());
            }
        }
        assertThat(wrongSeen).isGreaterThan(500);
    }

    @Test
    void verifierNoiseRatesAreHonoured() {
        final SyntheticModelBackend noisy = new SyntheticModelBackend(SyntheticConfig.defaults().withVerifierNoise(0.2, 0.1));
        int correctSteps = 0;
        int falselyRejected = 0;
        int wrongSteps = 0;
        int falselyAccepted = 0;
        for (final Family family : Family.values()) {
            for (int i = 0; i < 250; i++) {
                final GeneratedProblem problem = SyntheticTaskSuite.generate(family, 8, i);
                final String prompt = "noise-" + family.id() + "-" + i;
                final List<String> chain = new ArrayList<>();
                for (int depth = 0; depth < problem.difficulty(); depth++) {
                    final ProposedStep right = exact.propose(task(prompt, problem, chain));
                    final ProposedStep wrong = alwaysWrong.propose(task(prompt, problem, chain));
                    final Judgement onRight = noisy.verify(verification(prompt, problem, chain, right.text()));
                    final Judgement onWrong = noisy.verify(verification(prompt, problem, chain, wrong.text()));
                    correctSteps++;
                    wrongSteps++;
                    if (!onRight.accepted()) {
                        falselyRejected++;
                        assertThat(onRight.rationale()).startsWith("rejected by simulated verifier noise");
                    }
                    if (onWrong.accepted()) {
                        falselyAccepted++;
                        assertThat(onWrong.rationale()).startsWith("accepted by simulated verifier noise");
                    }
                    chain.add(right.text());
                }
            }
        }
        // 10000 of each: standard errors 0.003 (p = 0.1) and 0.004 (p = 0.2); tolerance 0.015 is over 3.5 of them.
        assertThat((double) falselyRejected / correctSteps).isCloseTo(0.1, within(0.015));
        assertThat((double) falselyAccepted / wrongSteps).isCloseTo(0.2, within(0.015));
    }

    @Test
    void verifierNoiseDependsOnlyOnSeedPromptAndStep() {
        final SyntheticConfig config = SyntheticConfig.defaults().withVerifierNoise(0.5, 0.5);
        final SyntheticModelBackend one = new SyntheticModelBackend(config);
        final SyntheticModelBackend other = new SyntheticModelBackend(config);
        final GeneratedProblem problem = SyntheticTaskSuite.generate(Family.INTEGER_ARITHMETIC, 6, 3);
        final String step = exact.propose(task("p", problem, List.of())).text();
        final List<Boolean> decisions = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            final VerificationTask verification = new VerificationTask("p", problem.text(), List.of(), "v" + i, step);
            final Judgement first = one.verify(verification);
            assertThat(other.verify(verification)).isEqualTo(first);
            assertThat(one.verify(verification)).isEqualTo(first);
            decisions.add(first.accepted());
        }
        assertThat(decisions).contains(true, false);
    }

    @Test
    void reviserWithoutErrorsAlwaysFixesARejectedStep() {
        final SyntheticModelBackend reviser = new SyntheticModelBackend(SyntheticConfig.defaults().withReviserErrorRate(0.0));
        int fixed = 0;
        for (final Family family : Family.values()) {
            for (int i = 0; i < 100; i++) {
                final GeneratedProblem problem = SyntheticTaskSuite.generate(family, 1 + i % 12, i);
                final String prompt = "revise-" + family.id() + "-" + i;
                final List<String> chain = new ArrayList<>();
                for (int depth = 0; depth < problem.difficulty(); depth++) {
                    final ProposedStep wrong = alwaysWrong.propose(task(prompt, problem, chain));
                    final Judgement verdict = exact.verify(verification(prompt, problem, chain, wrong.text()));
                    assertThat(verdict.accepted()).isFalse();
                    final ProposedStep revised = reviser.revise(new RevisionTask(prompt, problem.text(), chain,
                            wrong.text(), verdict.rationale(), prompt + "/r" + depth, depth, 1));
                    assertThat(exact.verify(verification(prompt, problem, chain, revised.text())).accepted()).isTrue();
                    assertThat(revised.text()).isEqualTo(exact.propose(task(prompt, problem, chain)).text());
                    chain.add(revised.text());
                    fixed++;
                }
            }
        }
        assertThat(fixed).isGreaterThan(3000);
    }

    @Test
    void fallibleReviserIsRightAboutOneMinusItsErrorRateAndFailsDifferently() {
        final SyntheticModelBackend reviser = new SyntheticModelBackend(SyntheticConfig.defaults().withReviserErrorRate(0.3));
        int revisions = 0;
        int fixed = 0;
        int repeated = 0;
        for (final Family family : WIDE_ANSWER_FAMILIES) {
            for (int i = 0; i < 500; i++) {
                final GeneratedProblem problem = SyntheticTaskSuite.generate(family, 6, i);
                final String prompt = "fallible-" + family.id() + "-" + i;
                final ProposedStep wrong = alwaysWrong.propose(task(prompt, problem, List.of()));
                final ProposedStep revised = reviser.revise(new RevisionTask(prompt, problem.text(), List.of(),
                        wrong.text(), "wrong", prompt + "/r", 0, 1));
                revisions++;
                fixed += exact.verify(verification(prompt, problem, List.of(), revised.text())).accepted() ? 1 : 0;
                repeated += revised.text().equals(wrong.text()) ? 1 : 0;
            }
        }
        // 2000 revisions: standard error 0.010; tolerance 0.035.
        assertThat((double) fixed / revisions).isCloseTo(0.7, within(0.035));
        assertThat(repeated).isLessThan(revisions / 50);
    }

    @Test
    void sameSeedPromptStepAndAttemptGiveIdenticalText() {
        final SyntheticConfig config = SyntheticConfig.defaults().withStepErrorRate(0.5).withReviserErrorRate(0.5);
        final SyntheticModelBackend one = new SyntheticModelBackend(config);
        final SyntheticModelBackend other = new SyntheticModelBackend(config);
        final SyntheticModelBackend reseeded = new SyntheticModelBackend(config.withSeed(7));
        final GeneratedProblem problem = SyntheticTaskSuite.generate(Family.MODULAR_ARITHMETIC, 12, 5);
        int differentSeed = 0;
        int differentAttempt = 0;
        for (int i = 0; i < 100; i++) {
            final StepTask step = new StepTask("prompt", problem.text(), List.of(), "step-" + i, 0);
            assertThat(other.propose(step)).isEqualTo(one.propose(step));
            differentSeed += reseeded.propose(step).text().equals(one.propose(step).text()) ? 0 : 1;
            final RevisionTask first = new RevisionTask("prompt", problem.text(), List.of(), "x", "c", "step-" + i, 0, 1);
            final RevisionTask second = new RevisionTask("prompt", problem.text(), List.of(), "x", "c", "step-" + i, 0, 2);
            assertThat(other.revise(first)).isEqualTo(one.revise(first));
            differentAttempt += one.revise(second).text().equals(one.revise(first).text()) ? 0 : 1;
        }
        assertThat(differentSeed).isGreaterThan(20);
        assertThat(differentAttempt).isGreaterThan(20);
    }

    @Test
    void proposerContinuesFromTheChainAsWrittenAfterAWrongStepGotThrough() {
        final String problem = "start at 12, add 7, multiply by 3, subtract 5";
        final List<String> chain = List.of("12 + 3 = 15; now 15 after operation 1 of 3");
        final ProposedStep next = exact.propose(new StepTask("p", problem, chain, "s1", 1));
        assertThat(next.text()).isEqualTo("15 * 3 = 45; now 45 after operation 2 of 3");
        assertThat(exact.verify(new VerificationTask("p", problem, chain, "v1", next.text())).accepted()).isTrue();
    }

    @Test
    void proposerSkipsPriorStepsItCannotReadAndContinuesFromTheLastReadableOne() {
        final String problem = "compute (3*4+5)*2 mod 7";
        final List<String> chain = List.of("3*4 = 12 = 5 (mod 7); now (5+5)*2 mod 7", "I am not sure what to do next.");
        assertThat(exact.propose(new StepTask("p", problem, chain, "s2", 2)).text())
                .isEqualTo("5+5 = 10 = 3 (mod 7); now 3*2 mod 7");
    }

    @Test
    void verifierRejectsUnreadableStepsAndWrongAnswerClausesWithASpecificRationale() {
        final String problem = "compute (3*4+5)*2 mod 7";
        final List<String> chain = List.of("3*4 = 12 = 5 (mod 7); now (5+5)*2 mod 7", "5+5 = 10 = 3 (mod 7); now 3*2 mod 7");
        final String right = "3*2 = 6 (mod 7); now 6 mod 7; answer: 6";
        assertThat(exact.propose(new StepTask("p", problem, chain, "s", 2)).text()).isEqualTo(right);
        assertThat(judge(problem, chain, right)).satisfies(j -> {
            assertThat(j.accepted()).isTrue();
            assertThat(j.rationale()).isEqualTo("correct: 3*2 = 6 (mod 7)");
        });
        assertThat(judge(problem, chain, "The answer is 6.").rationale()).startsWith("cannot read the step:");
        assertThat(judge(problem, chain, "3*2 = 6 (mod 7); now 6 mod 7").rationale())
                .isEqualTo("the step finishes the computation but does not end with 'answer: 6'");
        assertThat(judge(problem, chain, "3*2 = 6 (mod 7); now 6 mod 7; answer: 5").rationale())
                .isEqualTo("the step computes 6 but its answer says 5");
        assertThat(judge(problem, chain.subList(0, 1), "5+5 = 10 = 3 (mod 7); now 3*2 mod 7; answer: 3").rationale())
                .startsWith("the step gives an answer but the computation is not finished");
        assertThat(judge(problem, chain.subList(0, 1), "5+5 = 10 = 4 (mod 7); now 4*2 mod 7").rationale())
                .isEqualTo("expected 5+5 = 10 = 3 (mod 7), now 3*2 mod 7; the step says now 4*2 mod 7");
        assertThat(judge(problem, chain.subList(0, 1), "5+5 = 10 = 3 (mod 7); now 3*2 mod 8").rationale())
                .isEqualTo("cannot read the step: the step works mod 8 but the problem is mod 7");
        assertThat(judge(problem, List.of(), "  3 * 4 = 12 = 5 (MOD 7) ;  NOW ( 5 + 5 ) * 2  mod 7 ").accepted()).isTrue();
        assertThat(judge("compose [2,3,1,5,4] [1,3,2,4,5] [5,4,3,2,1] in S5",
                List.of("compose p2: [2,3,1,5,4] then [1,3,2,4,5] = [3,2,1,5,4]; now p1..p2 = [3,2,1,5,4]"),
                "compose p3: [3,2,1,5,4] then [5,4,3,2,1] = [3,4,5,1,2]; now p1..p3 = [3,4,5,1,2]; answer: [3, 4, 5, 1, 2]")
                .accepted()).isTrue();
    }

    private Judgement judge(final String problem, final List<String> chain, final String step) {
        return exact.verify(new VerificationTask("p", problem, chain, "v", step));
    }

    @Test
    void everyRoleThrowsProblemNotUnderstoodOnTextOutsideTheSuite() {
        final String problem = "Prove that there are infinitely many primes.";
        assertThatThrownBy(() -> exact.propose(new StepTask("p", problem, List.of(), "s", 0)))
                .isInstanceOf(ProblemNotUnderstoodException.class).hasMessageContaining("--model-backend openai");
        assertThatThrownBy(() -> exact.verify(new VerificationTask("p", problem, List.of(), "v", "x")))
                .isInstanceOf(ProblemNotUnderstoodException.class);
        assertThatThrownBy(() -> exact.revise(new RevisionTask("p", problem, List.of(), "x", "c", "r", 0, 1)))
                .isInstanceOf(ProblemNotUnderstoodException.class);
    }

    @Test
    void tokensAreWordsOfTheContextPlusTheOutput() {
        final String problem = "start at 12, add 7, multiply by 3, subtract 5";
        final List<String> chain = List.of("12 + 7 = 19; now 19 after operation 1 of 3");
        final ProposedStep step = exact.propose(new StepTask("p", problem, chain, "s1", 1));
        // 10 words of problem, 12 of the prior step, 12 of "19 * 3 = 57; now 57 after operation 2 of 3".
        assertThat(step.text()).isEqualTo("19 * 3 = 57; now 57 after operation 2 of 3");
        assertThat(step.tokens()).isEqualTo(34);
        final Judgement judgement = exact.verify(new VerificationTask("p", problem, chain, "v1", step.text()));
        assertThat(judgement.tokens()).isEqualTo(34 + judgement.rationale().split("\\s+").length);
    }

    @Test
    void callsFromManyThreadsGiveTheSameStepsAsOneThread() throws Exception {
        final SyntheticModelBackend shared = backend(0.3);
        final List<GeneratedProblem> problems = SyntheticTaskSuite.mixed(40, 12, 11L);
        final List<StepTask> tasks = IntStream.range(0, 2000).mapToObj(i ->
                new StepTask("p" + i % 40, problems.get(i % 40).text(), List.of(), "s" + i, 0)).toList();
        final List<String> sequential = tasks.stream().map(t -> backend(0.3).propose(t).text()).toList();
        final ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            final List<Future<String>> results = new ArrayList<>();
            for (final StepTask t : tasks) {
                results.add(pool.submit(() -> shared.propose(t).text()));
            }
            for (int i = 0; i < tasks.size(); i++) {
                assertThat(results.get(i).get()).isEqualTo(sequential.get(i));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void modelNameSaysItIsSynthetic() {
        assertThat(exact.model()).isEqualTo("synthetic/serial-v1");
    }
}
