package dev.stepwise.search.strategy;

import static dev.stepwise.search.testing.TestEvents.T0;
import static dev.stepwise.search.testing.TestEvents.budget;
import static dev.stepwise.search.testing.TestEvents.prompt;
import static dev.stepwise.search.testing.TestEvents.step;
import static dev.stepwise.search.testing.TestEvents.strategy;
import static dev.stepwise.search.testing.TestEvents.verdict;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stepwise.schemas.avro.SearchAction;
import dev.stepwise.schemas.avro.SearchDecision;
import dev.stepwise.search.SearchSettings;
import dev.stepwise.search.testing.EngineHarness;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link Auto}: the probe, the choice and why, adopting the probe's samples, and escalation. */
class AutoTest {

    private static final String P = "p1";

    /** A calibration of the test's own, so that these tests do not change with the shipped one. */
    static final AutoCalibration CALIBRATION = new AutoCalibration(1, "test", "", Map.of(
            "exact", List.of(new AutoCalibration.Bucket(1.01, "revise", Map.of("attempts", "1"))),
            "graded", List.of(new AutoCalibration.Bucket(0.3, "revise", Map.of("attempts", "1")),
                    new AutoCalibration.Bucket(1.01, "beam", Map.of("beam-width", "3", "branching", "3"), List.of(
                            new AutoCalibration.Tier(64, "revise", Map.of("attempts", "1")))))),
            new AutoCalibration.Choice("beam", Map.of("beam-width", "3", "branching", "3")));
    private static final StrategyRegistry REGISTRY = new StrategyRegistry(List.of(Auto.descriptor(CALIBRATION),
            Revise.DESCRIPTOR, BeamSearch.DESCRIPTOR), Auto.NAME);

    private static EngineHarness run() {
        return run(400);
    }

    private static EngineHarness run(final int maxCalls) {
        return new EngineHarness(SearchSettings.defaults(), REGISTRY, prompt(P, "q", strategy(Auto.NAME, Map.of()),
                budget(maxCalls, 1_000_000L, null), T0), T0);
    }

    private static void probe(final EngineHarness h, final String[] texts, final double[] scores) {
        for (int i = 0; i < texts.length; i++) {
            h.step(step(P, "p1/r0", i, texts[i]));
        }
        for (int i = 0; i < texts.length; i++) {
            h.verdict(verdict(P, "p1/r0." + i, scores[i]));
        }
    }

    @Test
    void theProbeIsOneRequestForFourVerifiedSamplesOfTheFirstStep() {
        final EngineHarness h = run();

        assertThat(h.requests).singleElement().satisfies(r -> {
            assertThat(r.getSamples()).isEqualTo(4);
            assertThat(r.getDepth()).isZero();
        });
    }

    @Test
    void anEasyPromptWithAnExactVerifierGoesOnWithRevisionFromTheBestProbeSample() {
        final EngineHarness h = run();
        probe(h, new String[] {"a", "a", "a", "a"}, new double[] {1, 1, 1, 1});

        final SearchDecision choose = h.decisions(SearchAction.CHOOSE).get(0);
        assertThat(choose.getReason()).startsWith("Chose revise").contains("4 accepted and 4 agreed")
                .contains("estimated difficulty is 0.00").contains("exact-verifier table");
        // The probe's best sample is adopted: the next request extends it with one sample.
        assertThat(h.lastRequest().getParentStepId()).isEqualTo("p1/r0.0");
        assertThat(h.lastRequest().getSamples()).isEqualTo(1);
        h.step(step(P, "p1/r1", 0, "done", true, "8"));
        h.verdict(verdict(P, "p1/r1.0", 1.0));

        assertThat(h.answer().getAnswer()).isEqualTo("8");
        assertThat(h.answer().getModelCalls()).isEqualTo(8 + 2);
        assertThat(((AutoState) h.tree.strategyState())).isNull();
    }

    @Test
    void aHardPromptWithAGradedVerifierGetsTheCalibratedStrongerSearch() {
        final EngineHarness h = run();
        probe(h, new String[] {"a", "b", "c", "d"}, new double[] {0.7, 0.3, 0.2, 0.1});

        assertThat(h.decisions(SearchAction.CHOOSE).get(0).getReason()).startsWith("Chose beam")
                .contains("graded-verifier table");
        // The beam adopts the probe as its first level: the accepted sample is kept and expanded.
        assertThat(h.decisions(SearchAction.KEEP).get(0).getStepIds()).containsExactly("p1/r0.0");
        assertThat(h.lastRequest().getParentStepId()).isEqualTo("p1/r0.0");
    }

    @Test
    void aSmallBudgetGetsWhatFitsInIt() {
        final EngineHarness h = run(100);
        probe(h, new String[] {"a", "b", "c", "d"}, new double[] {0.7, 0.3, 0.2, 0.1});

        assertThat(h.decisions(SearchAction.CHOOSE).get(0).getReason()).startsWith("Chose revise");
        assertThat(CALIBRATION.choose("graded", 0.9, 63)).isEqualTo(new AutoCalibration.Choice("revise",
                Map.of("attempts", "1")));
        assertThat(CALIBRATION.choose("graded", 0.9, 128).strategy()).isEqualTo("beam");
    }

    @Test
    void whenRevisionGivesUpAutoEscalatesAndSaysWhy() {
        final EngineHarness h = run();
        probe(h, new String[] {"a", "a", "a", "a"}, new double[] {1, 1, 1, 1});
        // The next step is wrong, and so are both of its revisions.
        for (final String request : List.of("p1/r1", "p1/r2", "p1/r3")) {
            h.step(step(P, request, 0, "wrong " + request));
            h.verdict(verdict(P, request + ".0", 0.0));
        }

        assertThat(h.decisions(SearchAction.CHOOSE)).hasSize(2);
        assertThat(h.decisions(SearchAction.CHOOSE).get(1).getReason()).startsWith("Escalated to beam")
                .contains("1 chain abandoned");
        assertThat(h.lastRequest().getParentStepId()).isNull();
        assertThat(h.lastRequest().getSamples()).isEqualTo(3);
        assertThat(h.answers).isEmpty();
    }
}
