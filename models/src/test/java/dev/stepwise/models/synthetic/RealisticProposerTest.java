package dev.stepwise.models.synthetic;

import dev.stepwise.models.ProposedStep;
import dev.stepwise.models.StepTask;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.DoublePredicate;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The realistic profile's proposer: difficulty that differs per problem, and traps where wrong samples agree. */
class RealisticProposerTest {

    private static final SyntheticConfig REALISTIC = SyntheticConfig.realisticDefaults();
    private static final int SAMPLES = 16;

    private final SyntheticModelBackend backend = new SyntheticModelBackend(REALISTIC);

    /** {@code count} samples of the step at a site, each with its own step id, as a search would draw them. */
    private List<String> samples(final RealisticSite site, final int count) {
        final String prompt = "samples-" + site.problem().text().hashCode();
        final List<String> texts = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            texts.add(backend.propose(new StepTask(prompt, site.problem().text(), site.prior(),
                    prompt + "/d" + site.prior().size() + "/" + i, site.prior().size())).text());
        }
        return texts;
    }

    /**
     * pass@1 of one unverified chain, sampled (40 chains each) over 300 problems: it must run from near 1 to near 0,
     * in short and long problems alike, and in every family. Measured with the defaults: quantiles 0, 10, 25, 50, 75,
     * 90 and 100% at 0.000, 0.000, 0.025, 0.400, 0.775, 0.975 and 1.000; circuits alone run from 0.250 to 1.000,
     * because a one-bit answer is right half the time even when the work is wrong.
     */
    @Test
    void unverifiedPassAtOneRunsFromNearOneToNearZeroAcrossProblemsOfEveryLength() {
        final Map<Family, List<Double>> byFamily = new EnumMap<>(Family.class);
        final Map<Integer, List<Double>> byLength = new HashMap<>();
        final List<Double> all = new ArrayList<>();
        for (final GeneratedProblem problem : RealisticSite.PROBLEMS) {
            final double passAtOne = SyntheticDifficulty.sampledPassAtOne(REALISTIC, problem.text(), 40);
            all.add(passAtOne);
            byFamily.computeIfAbsent(problem.family(), f -> new ArrayList<>()).add(passAtOne);
            // Three bands of length: 4-7, 8-11 and 12-16 steps.
            byLength.computeIfAbsent(Math.min(2, (problem.difficulty() - 4) / 4), b -> new ArrayList<>()).add(passAtOne);
        }
        assertThat(share(all, p -> p > 0.9)).isGreaterThan(0.15);
        assertThat(share(all, p -> p < 0.1)).isGreaterThan(0.15);
        assertThat(share(all, p -> p >= 0.1 && p <= 0.9)).as("problems in between").isGreaterThan(0.4);
        assertThat(quantile(all, 0.5)).isBetween(0.25, 0.6);
        assertThat(byLength).hasSize(3);
        byLength.forEach((band, values) -> {
            assertThat(share(values, p -> p > 0.9)).as("easy share, length band %d", band).isGreaterThan(0.1);
            assertThat(share(values, p -> p < 0.1)).as("hard share, length band %d", band).isGreaterThan(0.1);
        });
        byFamily.forEach((family, values) -> {
            assertThat(Collections.max(values)).as(family.id()).isGreaterThan(0.9);
            assertThat(Collections.min(values)).as(family.id()).isLessThan(family == Family.BOOLEAN_CIRCUIT ? 0.3 : 0.1);
        });
    }

    @Test
    void atATrapEveryWrongSampleTakesTheSamePlausibleValueAndElsewhereWrongSamplesDiffer() {
        int trapsWithErrors = 0;
        int ordinaryWithErrors = 0;
        int ordinaryAllAlike = 0;
        for (final RealisticSite site : RealisticSite.along(REALISTIC, RealisticSite.PROBLEMS)) {
            final List<String> wrong = samples(site, SAMPLES).stream().filter(t -> !t.equals(site.right())).toList();
            if (wrong.size() < 3) {
                continue;
            }
            if (site.trap()) {
                trapsWithErrors++;
                assertThat(Set.copyOf(wrong)).as("wrong samples at a trap").containsExactly(site.plausible());
            } else {
                ordinaryWithErrors++;
                ordinaryAllAlike += Set.copyOf(wrong).size() == 1 ? 1 : 0;
            }
        }
        assertThat(trapsWithErrors).isGreaterThan(50);
        assertThat(ordinaryWithErrors).isGreaterThan(50);
        // Three or more independent slips rarely agree (a family has three kinds of slip, some with several values).
        assertThat((double) ordinaryAllAlike / ordinaryWithErrors).isLessThan(0.2);
    }

    @Test
    void theMajorityOfSixteenSamplesOfAStepCanBeConfidentlyWrong() {
        int wrongMajorities = 0;
        for (final RealisticSite site : RealisticSite.along(REALISTIC, RealisticSite.PROBLEMS)) {
            final Map<String, Long> votes = samples(site, SAMPLES).stream()
                    .collect(Collectors.groupingBy(t -> t, Collectors.counting()));
            final Map.Entry<String, Long> top = Collections.max(votes.entrySet(), Map.Entry.comparingByValue());
            if (top.getValue() > SAMPLES / 2 && !top.getKey().equals(site.right())) {
                if (site.trap()) {
                    wrongMajorities++;
                    assertThat(top.getKey()).isEqualTo(site.plausible());
                } else {
                    // A gate has one wrong value, and a circuit's slips often write it alike: at a hard problem's
                    // error rate (up to 0.4) chance alone can then make a wrong majority.
                    assertThat(site.problem().family()).as("wrong majority away from a trap").isEqualTo(Family.BOOLEAN_CIRCUIT);
                }
            }
        }
        // Hard problems often have a trap on their path that most samples fall into.
        assertThat(wrongMajorities).isGreaterThan(20);
    }

    /**
     * Self-consistency over whole chains fails the same way: on some problems the most common final answer of 16
     * unverified chains is wrong and held by most of them.
     */
    @Test
    void majorityVoteOverSixteenChainsIsSometimesConfidentlyWrong() {
        int confidentlyWrong = 0;
        for (final GeneratedProblem problem : RealisticSite.PROBLEMS.subList(0, 100)) {
            final Map<String, Long> votes = new HashMap<>();
            for (int i = 0; i < SAMPLES; i++) {
                votes.merge(String.valueOf(finalAnswer(problem, "vote-" + i)), 1L, Long::sum);
            }
            final Map.Entry<String, Long> top = Collections.max(votes.entrySet(), Map.Entry.comparingByValue());
            confidentlyWrong += top.getValue() > SAMPLES / 2 && !top.getKey().equals(problem.expectedAnswer()) ? 1 : 0;
        }
        assertThat(confidentlyWrong).isGreaterThan(3);
    }

    @Test
    void aTrapIsAPropertyOfTheStateSoEveryPromptMeetsTheSameOne() {
        final List<RealisticSite> traps = RealisticSite.along(REALISTIC, RealisticSite.PROBLEMS).stream()
                .filter(RealisticSite::trap).filter(s -> s.difficulty() > 0.6).limit(20).toList();
        assertThat(traps).hasSize(20);
        for (final RealisticSite site : traps) {
            final Set<String> wrong = new HashSet<>();
            for (int prompt = 0; prompt < 8; prompt++) {
                for (int i = 0; i < 4; i++) {
                    final String id = "prompt-" + prompt;
                    final String text = backend.propose(new StepTask(id, site.problem().text(), site.prior(),
                            id + "/" + i, site.prior().size())).text();
                    if (!text.equals(site.right())) {
                        wrong.add(text);
                    }
                }
            }
            assertThat(wrong).containsExactly(site.plausible());
        }
    }

    @Test
    void difficultyIsSpreadOverZeroToOneIndependentlyOfLengthAndFamily() {
        final List<Double> short4to7 = new ArrayList<>();
        final List<Double> long12to16 = new ArrayList<>();
        final List<Double> all = new ArrayList<>();
        for (final GeneratedProblem problem : RealisticSite.PROBLEMS) {
            final double d = RealisticSite.difficulty(REALISTIC, problem);
            assertThat(d).isBetween(0.0, 1.0).isLessThan(1.0);
            all.add(d);
            if (problem.difficulty() <= 7) {
                short4to7.add(d);
            } else if (problem.difficulty() >= 12) {
                long12to16.add(d);
            }
        }
        assertThat(mean(all)).isCloseTo(0.5, within(0.05));
        assertThat(mean(short4to7)).isCloseTo(mean(long12to16), within(0.1));
        assertThat(quantile(all, 0.1)).isLessThan(0.15);
        assertThat(quantile(all, 0.9)).isGreaterThan(0.85);
    }

    @Test
    void theSameProblemWithAnotherSeedHasAnotherDifficulty() {
        final GeneratedProblem problem = RealisticSite.PROBLEMS.get(0);
        final Set<Double> seen = new HashSet<>();
        for (long seed = 0; seed < 10; seed++) {
            seen.add(RealisticSite.difficulty(REALISTIC.withSeed(seed), problem));
        }
        assertThat(seen).hasSize(10);
        // Case and spacing do not change the problem, so they do not change its difficulty.
        final GeneratedProblem shouted = new GeneratedProblem(problem.family(), problem.difficulty(),
                "  " + problem.text().toUpperCase(Locale.ROOT).replace(" ", "   ") + " ", problem.expectedAnswer());
        assertThat(RealisticSite.difficulty(REALISTIC, shouted)).isEqualTo(RealisticSite.difficulty(REALISTIC, problem));
    }

    private String finalAnswer(final GeneratedProblem problem, final String prompt) {
        final List<String> texts = new ArrayList<>();
        ProposedStep step = null;
        while (step == null || !step.terminal()) {
            step = backend.propose(new StepTask(prompt, problem.text(), texts, prompt + "/s" + texts.size(), texts.size()));
            texts.add(step.text());
            assertThat(texts).hasSizeLessThanOrEqualTo(problem.difficulty());
        }
        return step.answer();
    }

    private static double share(final List<Double> values, final DoublePredicate test) {
        return (double) values.stream().filter(test::test).count() / values.size();
    }

    static double quantile(final List<Double> values, final double q) {
        final List<Double> sorted = values.stream().sorted().toList();
        return sorted.get((int) Math.round(q * (sorted.size() - 1)));
    }

    private static double mean(final List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
    }
}
