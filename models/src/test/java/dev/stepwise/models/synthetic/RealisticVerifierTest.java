package dev.stepwise.models.synthetic;

import dev.stepwise.models.Judgement;
import dev.stepwise.models.ProposedStep;
import dev.stepwise.models.StepTask;
import dev.stepwise.models.VerificationTask;
import dev.stepwise.models.VerificationTask.Kind;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The realistic profile's verifier: graded, noisy scores, fooled by plausible errors more than by random ones, for a
 * step (a process reward) and for a finished chain's answer (an outcome reward).
 */
class RealisticVerifierTest {

    private static final SyntheticConfig REALISTIC = SyntheticConfig.realisticDefaults();
    private static final List<RealisticSite> SITES = RealisticSite.along(REALISTIC, RealisticSite.PROBLEMS);

    private final SyntheticModelBackend backend = new SyntheticModelBackend(REALISTIC);

    /** Scores and decisions of one kind of step or answer. */
    private static final class Tally {
        private final List<Double> scores = new ArrayList<>();
        private int accepted;

        void add(final Judgement judgement) {
            scores.add(judgement.score());
            accepted += judgement.accepted() ? 1 : 0;
        }

        double mean() {
            return scores.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        }

        double acceptance() {
            return (double) accepted / scores.size();
        }
    }

    private static VerificationTask step(final RealisticSite site, final String stepText, final String stepId) {
        return new VerificationTask("verify", site.problem().text(), site.prior(), stepId, stepText);
    }

    private Judgement judge(final RealisticSite site, final String stepText, final String stepId) {
        return backend.verify(step(site, stepText, stepId));
    }

    /**
     * Right steps score about 0.85, plausible wrong steps (a trap's value) about 0.55 and other wrong steps about
     * 0.15, with noise of 0.15 (clamped to [0,1], which pulls the outer means in by about 0.0125). So a plausible error
     * is accepted about 63% of the time, a random one about 1%, and a right step is rejected about 1% of the time.
     */
    @Test
    void stepScoresAreGradedAndOrderedRightOverPlausibleOverRandom() {
        final Tally right = new Tally();
        final Tally plausible = new Tally();
        final Tally random = new Tally();
        final Set<Double> distinct = new HashSet<>();
        for (int i = 0; i < SITES.size(); i++) {
            final RealisticSite site = SITES.get(i);
            right.add(judge(site, site.right(), "right-" + i));
            if (site.trap()) {
                plausible.add(judge(site, site.plausible(), "plausible-" + i));
            }
            if (site.random() != null) {
                random.add(judge(site, site.random(), "random-" + i));
            }
        }
        distinct.addAll(right.scores);
        distinct.addAll(random.scores);
        assertThat(plausible.scores).hasSizeGreaterThan(200);
        assertThat(distinct).as("graded scores").hasSizeGreaterThan(1000);
        assertThat(right.mean()).isCloseTo(0.8375, within(0.02));
        assertThat(plausible.mean()).isCloseTo(0.55, within(0.03));
        assertThat(random.mean()).isCloseTo(0.1625, within(0.02));
        assertThat(right.acceptance()).isGreaterThan(0.97);
        assertThat(plausible.acceptance()).isBetween(0.5, 0.75);
        assertThat(random.acceptance()).isLessThan(0.03);
        assertThat(plausible.acceptance()).isGreaterThan(10 * random.acceptance());
    }

    @Test
    void aRetriedVerificationGivesTheSameVerdictAndAnotherStepIdAnotherDraw() {
        final RealisticSite site = SITES.get(5);
        final Judgement first = judge(site, site.right(), "retry");
        assertThat(judge(site, site.right(), "retry")).isEqualTo(first);
        assertThat(new SyntheticModelBackend(REALISTIC).verify(step(site, site.right(), "retry"))).isEqualTo(first);
        final Set<Double> scores = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            scores.add(judge(site, site.right(), "other-" + i).score());
        }
        assertThat(scores).hasSizeGreaterThan(15);
    }

    /**
     * The rationale names what the step should have computed only when the verifier is sure a wrong step is wrong
     * (score under 0.35); when it is unsure, or wrongly rejects a right step, its critique is vague; an accepted step
     * is described by what it claims, the same words whether it is right or not, so nothing leaks the right step.
     */
    @Test
    void rationalesNameTheExpectedStepOnlyWhenTheVerifierIsSureAWrongStepIsWrong() {
        int sure = 0;
        int vague = 0;
        for (int i = 0; i < SITES.size(); i++) {
            final RealisticSite site = SITES.get(i);
            final String exactRationale = exactRationale(site, site.plausible());
            for (final String text : new String[] {site.right(), site.plausible(), site.random()}) {
                if (text == null) {
                    continue;
                }
                final Judgement judgement = judge(site, text, "rationale-" + i + "-" + text.hashCode());
                final boolean wrong = !text.equals(site.right());
                if (judgement.accepted()) {
                    assertThat(judgement.rationale()).startsWith("looks right: ");
                    assertThat(text).contains(judgement.rationale().substring("looks right: ".length()));
                } else if (wrong && judgement.score() < RealisticModel.SURE_BELOW) {
                    sure++;
                    assertThat(judgement.rationale()).startsWith("expected ").isEqualTo(exactRationale(site, text));
                } else {
                    vague++;
                    assertThat(judgement.rationale()).isEqualTo(RealisticModel.DOUBTFUL_STEP);
                }
            }
            assertThat(exactRationale).startsWith("expected ");
        }
        assertThat(sure).isGreaterThan(1000);
        assertThat(vague).isGreaterThan(100);
    }

    @Test
    void zeroNoiseMakesTheVerifierExactWithTheUniformProfilesRationales() {
        final SyntheticConfig exactConfig = REALISTIC.withRealistic(REALISTIC.realistic().withVerifierNoise(0.0));
        final SyntheticModelBackend exact = new SyntheticModelBackend(exactConfig);
        final SyntheticModelBackend uniform = new SyntheticModelBackend(SyntheticConfig.defaults());
        for (int i = 0; i < SITES.size(); i += 7) {
            final RealisticSite site = SITES.get(i);
            for (final String text : new String[] {site.right(), site.plausible()}) {
                final VerificationTask task = step(site, text, "exact-" + i);
                final Judgement judgement = exact.verify(task);
                assertThat(judgement.score()).isEqualTo(text.equals(site.right()) ? 1.0 : 0.0);
                assertThat(judgement).isEqualTo(uniform.verify(task));
            }
        }
    }

    /**
     * The outcome verifier scores a right answer about 0.8, a wrong answer reached only through traps about 0.5, and
     * any other wrong answer about 0.2. Chains are built here: the correct chain; the correct chain up to its last
     * trap, the trap's plausible value there, then every step right from what that step says; and the same with a
     * random slip instead.
     */
    @Test
    void outcomeScoresAreGradedAndOrderedRightOverPlausibleOverOtherWrong() {
        final SyntheticModelBackend finisher = new SyntheticModelBackend(SyntheticConfig.defaults().withStepErrorRate(0.0));
        final Tally right = new Tally();
        final Tally plausible = new Tally();
        final Tally other = new Tally();
        for (int i = 0; i < SITES.size(); i++) {
            final RealisticSite site = SITES.get(i);
            final boolean lastOfItsProblem = i + 1 == SITES.size() || SITES.get(i + 1).prior().isEmpty();
            if (lastOfItsProblem) {
                final List<String> chain = new ArrayList<>(site.prior());
                chain.add(site.right());
                right.add(outcome(site.problem(), chain, "right-" + i));
            }
            if (site.trap()) {
                final List<String> chain = finish(finisher, site, site.plausible());
                if (!SyntheticTaskSuite.isCorrect(site.problem().text(), answerOf(chain))) {
                    plausible.add(outcome(site.problem(), chain, "plausible-" + i));
                }
            }
            if (site.random() != null && i % 3 == 0) {
                final List<String> chain = finish(finisher, site, site.random());
                if (!SyntheticTaskSuite.isCorrect(site.problem().text(), answerOf(chain))) {
                    other.add(outcome(site.problem(), chain, "other-" + i));
                }
            }
        }
        assertThat(plausible.scores).hasSizeGreaterThan(150);
        assertThat(right.mean()).isCloseTo(0.79, within(0.03));
        assertThat(plausible.mean()).isCloseTo(0.5, within(0.03));
        assertThat(other.mean()).isCloseTo(0.205, within(0.03));
        assertThat(right.acceptance()).isGreaterThan(0.93);
        assertThat(plausible.acceptance()).isBetween(0.35, 0.65);
        assertThat(other.acceptance()).isLessThan(0.06);
    }

    @Test
    void anOutcomeRationaleNeverNamesTheRightAnswer() {
        final SyntheticModelBackend finisher = new SyntheticModelBackend(SyntheticConfig.defaults().withStepErrorRate(0.0));
        for (int i = 0; i < SITES.size(); i += 3) {
            final RealisticSite site = SITES.get(i);
            final List<String> chain = finish(finisher, site, site.plausible());
            final String answer = answerOf(chain);
            final Judgement judgement = outcome(site.problem(), chain, "rationale-" + i);
            assertThat(judgement.rationale()).isIn("the chain's answer " + answer + " looks right",
                    "the chain's answer " + answer + " looks doubtful", "the chain's answer " + answer + " is wrong");
            if (judgement.rationale().endsWith("is wrong")) {
                assertThat(SyntheticTaskSuite.isCorrect(site.problem().text(), answer)).isFalse();
            }
        }
    }

    private Judgement outcome(final GeneratedProblem problem, final List<String> chain, final String stepId) {
        return backend.verify(new VerificationTask("outcome", problem.text(), chain.subList(0, chain.size() - 1), stepId,
                chain.get(chain.size() - 1), Kind.OUTCOME));
    }

    /** The site's prior steps, then {@code step}, then every step right from there (by an error-free proposer). */
    private static List<String> finish(final SyntheticModelBackend finisher, final RealisticSite site, final String step) {
        final List<String> chain = new ArrayList<>(site.prior());
        chain.add(step);
        while (!chain.get(chain.size() - 1).contains("answer: ")) {
            final ProposedStep next = finisher.propose(new StepTask("finish", site.problem().text(), chain,
                    "finish/" + chain.size(), chain.size()));
            chain.add(next.text());
        }
        return chain;
    }

    private static String answerOf(final List<String> chain) {
        return Chains.answerClause(chain.get(chain.size() - 1));
    }

    private static String exactRationale(final RealisticSite site, final String text) {
        return Chains.check(SyntheticTaskSuite.parse(site.problem().text()), site.prior(), text).rationale();
    }
}
