package dev.stepwise.bench;

import dev.stepwise.bench.GridConfig.ProblemSpec;
import dev.stepwise.bench.GridConfig.StrategySpec;
import dev.stepwise.bench.GridConfig.VerifierSpec;
import dev.stepwise.search.SearchEngine;
import dev.stepwise.search.strategy.AutoCalibration;
import dev.stepwise.search.strategy.StrategyRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/** What {@code bench strategies} does with its options: resolve the grid, run it, write and print the results. */
final class StrategiesRun {

    /** How long the pipeline check waits for all its answers. */
    private static final Duration PIPELINE_TIMEOUT = Duration.ofMinutes(10);

    private StrategiesRun() {
    }

    /** The grid the options describe: the config (default or {@code --grid}) with the quick variant and flags applied. */
    static GridConfig grid(final StrategiesOptions options) {
        final GridConfig base = options.grid == null ? GridConfig.defaults() : GridConfig.read(options.grid);
        final GridConfig.QuickSpec quick = base.quick();
        final ProblemSpec p = base.problems();
        ProblemSpec problems = options.quick
                ? new ProblemSpec(quick.perSeed(), p.maxSteps(), quick.seeds(), quick.calibrationSeeds(), quick.passSamples())
                : p;
        problems = new ProblemSpec(or(options.problems, problems.perSeed()), or(options.maxSteps, problems.maxSteps()),
                or(options.seeds, problems.seeds()), or(options.calibrationSeeds, problems.calibrationSeeds()),
                or(options.passSamples, problems.passSamples()));
        final List<Integer> budgets = options.budgets != null ? options.budgets
                : options.quick ? quick.budgets() : base.budgets();
        return new GridConfig(base.about(), budgets, select(base.strategies(), options.strategies, StrategySpec::name,
                "strategy"), select(base.verifiers(), options.verifiers, VerifierSpec::name, "verifier"),
                options.profiles != null ? options.profiles : base.profiles(), problems, quick, base.headline(),
                base.pipeline());
    }

    /** The plan of a grid. */
    static Plan plan(final GridConfig grid, final boolean quick, final String command, final int threads) {
        final ProblemSpec p = grid.problems();
        // auto must be evaluated on other problems than it was calibrated on.
        final String calibrated = AutoCalibration.shipped().seeds();
        if (calibrated != null && !calibrated.isBlank()) {
            final List<Long> overlap = SeedRange.parse(p.seeds()).overlap(SeedRange.parse(calibrated));
            if (!overlap.isEmpty()) {
                throw new IllegalArgumentException("evaluation seeds " + p.seeds() + " overlap the seeds auto was "
                        + "calibrated on (" + calibrated + "): " + overlap);
            }
        }
        return new Plan(command, quick, grid.budgets(), grid.strategies(), grid.verifiers(), grid.profiles(), p.perSeed(),
                p.maxSteps(), SeedRange.parse(p.seeds()), SeedRange.parse(p.calibrationSeeds()), p.passSamples(),
                grid.headline(), threads, AutoCalibration.shipped().made());
    }

    /** Where the outputs go: {@code --out}, else under the Stepwise home. */
    static Path outputDir(final StrategiesOptions options) {
        if (options.out != null) {
            return options.out;
        }
        final Path base = Path.of(System.getProperty("stepwise.home", "."), "docs", "bench", "strategies");
        return options.quick ? base.resolve("quick") : base;
    }

    /**
     * Runs the bench and writes its outputs.
     *
     * @return the exit code
     */
    static int run(final StrategiesOptions options, final String command, final PrintWriter out, final PrintWriter err)
            throws IOException, InterruptedException {
        final GridConfig grid = grid(options);
        final int threads = options.threads != null ? options.threads : Runtime.getRuntime().availableProcessors();
        final Plan plan = plan(grid, options.quick, command, threads);
        final Path dir = outputDir(options);
        final StrategyRegistry registry = StrategyRegistry.standard();
        out.printf(Locale.ROOT, "bench strategies: %d strategies x %d budgets x %d verifiers x %d profiles on %d problems "
                        + "(seeds %s), %d threads -> %s%n", plan.strategies().size(), plan.budgets().size(),
                plan.verifiers().size(), plan.profiles().size(), plan.problemCount(), plan.seeds(), threads, dir);
        out.flush();
        final Results results;
        List<PipelineCheck.Comparison> pipeline = null;
        try (Progress progress = options.progress ? new TerminalProgress(err) : Progress.NONE) {
            results = new StrategiesBench(registry, progress).run(plan);
            if (options.pipeline > 0) {
                pipeline = pipelineCheck(grid, plan, registry, options.pipeline, progress);
            }
        }
        final StrategiesOutput.Written written = StrategiesOutput.write(results, grid, dir, pipeline);
        results.notes().forEach(note -> out.println("note: " + note));
        if (pipeline != null) {
            out.println(PipelineReport.summary(pipeline) + " (see " + PipelineReport.MARKDOWN + ")");
        }
        out.print(MarkdownReport.summary(written.blocks()));
        out.printf(Locale.ROOT, "%d prompts in %.1f s (%.0f prompts/s on %d threads); %.1f s in all. Wrote %s to %s%n",
                results.stats().prompts(), results.stats().gridSeconds(), results.stats().promptsPerSecond(), threads,
                results.stats().totalSeconds(), String.join(", ", written.files()), dir);
        out.flush();
        return 0;
    }

    /**
     * {@code --pipeline N}: every strategy of the grid at the pipeline budget on N problems of the first seed, spread
     * over its difficulty, through Kafka and in-process.
     */
    static List<PipelineCheck.Comparison> pipelineCheck(final GridConfig grid, final Plan plan,
                                                       final StrategyRegistry registry, final int count,
                                                       final Progress progress) throws InterruptedException {
        final GridConfig.PipelineSpec spec = grid.pipeline();
        BackendProfiles.unavailable(spec.profile()).ifPresent(why -> {
            throw new IllegalArgumentException("--pipeline: " + why);
        });
        final VerifierSpec verifier = grid.verifier(spec.verifier());
        if (verifier == null) {
            throw new IllegalArgumentException("--pipeline: the grid has no verifier '" + spec.verifier() + "'");
        }
        final long seed = plan.seeds().seeds().get(0);
        final List<BenchProblem> problems = PipelineCheck.spread(BenchProblem.of(SeedRange.parse(Long.toString(seed)),
                plan.perSeed(), plan.maxSteps()), seed, count);
        final List<PipelineCheck.Case> cases = new ArrayList<>();
        for (final StrategySpec strategy : plan.strategies()) {
            if (registry.find(strategy.name()).isEmpty()) {
                continue;
            }
            final Map<String, String> params = Knobs.params(strategy, registry.require(strategy.name()), spec.budget());
            final int calls = strategy.maxModelCalls(spec.budget());
            for (final BenchProblem problem : problems) {
                cases.add(new PipelineCheck.Case(problem, Prompts.of(registry, PipelineCheck.promptId(problem,
                        strategy.name()), problem.text(), strategy.name(), params, calls, PipelineCheck.now()),
                        Knobs.text(params, calls)));
            }
        }
        final PipelineCheck check = new PipelineCheck(new SearchEngine(BenchSettings.searchSettings(), registry),
                BackendProfiles.config(spec.profile(), verifier, seed), PIPELINE_TIMEOUT);
        return check.run(cases, progress);
    }

    private static <T> List<T> select(final List<T> all, final List<String> wanted,
                                      final Function<T, String> name, final String what) {
        if (wanted == null) {
            return all;
        }
        for (final String w : wanted) {
            if (all.stream().noneMatch(t -> name.apply(t).equals(w))) {
                throw new IllegalArgumentException("no " + what + " '" + w + "' in the grid; it has "
                        + all.stream().map(name).toList());
            }
        }
        return all.stream().filter(t -> wanted.contains(name.apply(t))).toList();
    }

    private static <T> T or(final T value, final T fallback) {
        return value != null ? value : fallback;
    }
}
