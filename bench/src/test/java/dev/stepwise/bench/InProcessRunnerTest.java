package dev.stepwise.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stepwise.models.synthetic.GeneratedProblem;
import dev.stepwise.models.synthetic.SyntheticConfig;
import dev.stepwise.models.synthetic.SyntheticModelBackend;
import dev.stepwise.models.synthetic.SyntheticTaskSuite;
import dev.stepwise.schemas.avro.PromptSubmitted;
import dev.stepwise.schemas.topics.Topics;
import dev.stepwise.search.SearchEngine;
import dev.stepwise.search.strategy.StrategyRegistry;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InProcessRunnerTest {

    private static final StrategyRegistry REGISTRY = StrategyRegistry.standard();

    private static InProcessRunner runner(final SyntheticConfig config) {
        return new InProcessRunner(new SearchEngine(BenchSettings.searchSettings(), REGISTRY),
                AgentHandlers.over(new SyntheticModelBackend(config), Topics.defaults()));
    }

    private static PromptSubmitted prompt(final String id, final GeneratedProblem problem, final String strategy,
                                          final Map<String, String> params, final int budget) {
        return Prompts.of(REGISTRY, id, problem.text(), strategy, params, budget, Instant.ofEpochMilli(Prompts.EPOCH_MS));
    }

    @Test
    void beamAnswersSyntheticProblemsRightWithAnExactVerifierAndCountsCallsAsTheEngineDoes() throws Exception {
        final InProcessRunner runner = runner(SyntheticConfig.defaults());
        final List<GeneratedProblem> problems = SyntheticTaskSuite.mixed(20, 12, 3L);
        int right = 0;
        for (int i = 0; i < problems.size(); i++) {
            final RunResult run = runner.run(prompt("beam-" + i, problems.get(i), "beam",
                    Map.of("beam-width", "2", "branching", "3"), 400), false);
            assertThat(run.countsAgree()).as("runner's count vs the answer's for problem %d: %s vs %s", i,
                    run.counted(), run.answer().getCallsByRole()).isTrue();
            assertThat(run.modelCalls()).isLessThanOrEqualTo(400);
            assertThat(run.stalled()).isFalse();
            if (SyntheticTaskSuite.isCorrect(problems.get(i).text(), run.answer().getAnswer())) {
                right++;
            }
        }
        assertThat(right).isEqualTo(problems.size());
    }

    @Test
    void everyStrategyOfTheRegistryIsCountedAsTheEngineCountsItWithANoisyVerifier() throws Exception {
        final InProcessRunner runner = runner(SyntheticConfig.defaults().withVerifierNoise(0.1, 0.1));
        final List<GeneratedProblem> problems = SyntheticTaskSuite.mixed(5, 12, 11L);
        for (final String strategy : REGISTRY.names()) {
            for (int i = 0; i < problems.size(); i++) {
                final RunResult run = runner.run(prompt(strategy + "-" + i, problems.get(i), strategy, Map.of(), 96), false);
                assertThat(run.countsAgree()).as("%s on problem %d: %s vs %s", strategy, i, run.counted(),
                        run.answer().getCallsByRole()).isTrue();
                assertThat(run.modelCalls()).as(strategy).isLessThanOrEqualTo(96);
            }
        }
    }

    @Test
    void aRunIsAPureFunctionOfThePromptAndTheBackendSeed() throws Exception {
        final GeneratedProblem problem = SyntheticTaskSuite.mixed(1, 10, 5L).get(0);
        final SyntheticConfig noisy = SyntheticConfig.defaults().withSeed(9L).withVerifierNoise(0.1, 0.1);
        final RunResult first = runner(noisy).run(prompt("same", problem, "beam", Map.of(), 200), true);
        final RunResult second = runner(noisy).run(prompt("same", problem, "beam", Map.of(), 200), true);
        assertThat(second.answer().getAnswer()).isEqualTo(first.answer().getAnswer());
        assertThat(second.answer().getCallsByRole()).isEqualTo(first.answer().getCallsByRole());
        assertThat(second.decisions()).extracting(d -> d.getReason()).isEqualTo(
                first.decisions().stream().map(d -> d.getReason()).toList());
    }

    @Test
    void aBudgetTooSmallForAnyChainStillGetsAnAnswerRecordWithinTheBudget() throws Exception {
        final GeneratedProblem problem = SyntheticTaskSuite.mixed(1, 16, 5L).get(0);
        final RunResult run = runner(SyntheticConfig.defaults()).run(prompt("tiny", problem, "beam", Map.of(), 4), false);
        assertThat(run.modelCalls()).isLessThanOrEqualTo(4);
        assertThat(run.countsAgree()).isTrue();
    }
}
