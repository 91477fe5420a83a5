package dev.stepwise.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stepwise.bench.GridConfig.VerifierSpec;
import dev.stepwise.search.SearchEngine;
import dev.stepwise.search.strategy.StrategyRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The real pipeline (embedded broker and registry, the topology, one agent of each kind) against the in-process runner
 * on the same prompts: strategies that do not depend on the order replies arrive in give the same answer with the
 * same calls per role.
 */
class PipelineCheckIT {

    private static final StrategyRegistry REGISTRY = StrategyRegistry.standard();

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void beamAndSequentialRevisionAgreeWithTheInProcessRunnerInAnswerAndCallsPerRole() throws Exception {
        final long seed = 5L;
        final List<BenchProblem> problems = PipelineCheck.spread(BenchProblem.of(SeedRange.parse("5"), 12, 12), seed, 2);
        final List<PipelineCheck.Case> cases = new ArrayList<>();
        for (final String strategy : List.of("beam", "revise")) {
            for (final BenchProblem problem : problems) {
                cases.add(new PipelineCheck.Case(problem, Prompts.of(REGISTRY, PipelineCheck.promptId(problem, strategy),
                        problem.text(), strategy, Map.of(), 200, PipelineCheck.now()), "max-model-calls=200"));
            }
        }
        final PipelineCheck check = new PipelineCheck(new SearchEngine(BenchSettings.searchSettings(), REGISTRY),
                BackendProfiles.config(BackendProfiles.UNIFORM, new VerifierSpec("noisy", 0.1, 0.1, 0.15), seed),
                Duration.ofMinutes(3));
        final List<PipelineCheck.Comparison> comparisons = check.run(cases, Progress.NONE);
        assertThat(comparisons).hasSize(cases.size());
        for (final PipelineCheck.Comparison c : comparisons) {
            assertThat(c.agrees()).as("%s on %s: %s; %s", c.strategy(), c.problem().promptId(), c.verdict(),
                    c.explanation()).isTrue();
        }
    }
}
