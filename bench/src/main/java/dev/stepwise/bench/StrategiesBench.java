package dev.stepwise.bench;

import dev.stepwise.bench.GridConfig.StrategySpec;
import dev.stepwise.bench.GridConfig.VerifierSpec;
import dev.stepwise.bench.Results.BinSummary;
import dev.stepwise.models.synthetic.SyntheticConfig;
import dev.stepwise.models.synthetic.SyntheticModelBackend;
import dev.stepwise.schemas.avro.PromptSubmitted;
import dev.stepwise.schemas.topics.Topics;
import dev.stepwise.search.SearchEngine;
import dev.stepwise.search.strategy.StrategyDescriptor;
import dev.stepwise.search.strategy.StrategyRegistry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

/**
 * The strategy benchmark: every strategy x budget x verifier x profile of a {@link Plan} on the same problems, run
 * in-process ({@link InProcessRunner}) on a fixed pool of threads, summarised per difficulty bin.
 *
 * <p>Per profile it first estimates each problem's pass@1 ({@link Difficulty}; bins for reporting only) and runs the
 * oracle ({@link Oracle}) on it. Then each task runs one problem through every strategy and budget of one profile and
 * verifier, so the problem stays in the backend's cache. Everything is a pure function of the plan: the same plan
 * gives the same numbers on any machine, whatever the number of threads.
 */
public final class StrategiesBench {

    private final StrategyRegistry registry;
    private final Progress progress;

    public StrategiesBench(final StrategyRegistry registry, final Progress progress) {
        this.registry = registry;
        this.progress = progress;
    }

    /** A strategy of the plan that the registry has, with its parameters at each budget. */
    private record StrategyRun(StrategySpec spec, List<Map<String, String>> params) {
    }

    /**
     * Runs the plan.
     *
     * @throws InterruptedException when interrupted
     */
    public Results run(final Plan plan) throws InterruptedException {
        final long t0 = System.nanoTime();
        final List<String> notes = new ArrayList<>();
        final List<StrategyRun> strategies = runnable(plan, notes);
        final List<String> profiles = new ArrayList<>();
        for (final String profile : plan.profiles()) {
            BackendProfiles.unavailable(profile).ifPresentOrElse(
                    why -> notes.add("profile " + profile + " left out: " + why), () -> profiles.add(profile));
        }
        final List<BenchProblem> problems = BenchProblem.of(plan.seeds(), plan.perSeed(), plan.maxSteps());
        final SearchEngine engine = new SearchEngine(BenchSettings.searchSettings(), registry);
        final List<CellSummary> cells = new ArrayList<>();
        final List<BinSummary> bins = new ArrayList<>();
        final int budgets = plan.budgets().size();
        final long prompts = (long) profiles.size() * plan.verifiers().size() * problems.size() * strategies.size() * budgets;
        double gridSeconds = 0;
        final ExecutorService pool = Executors.newFixedThreadPool(plan.threads(), Thread.ofPlatform()
                .name("stepwise-bench-", 0).daemon(true).factory());
        try {
            for (final String profile : profiles) {
                progress.phase("difficulty " + profile, problems.size());
                final List<Estimate> estimates = all(pool, problems.stream().map(p -> (Callable<Estimate>) () -> {
                    final Estimate estimate = estimate(plan, profile, p);
                    progress.step();
                    return estimate;
                }).toList());
                final int[] binOf = Difficulty.bins(estimates.stream().mapToDouble(Estimate::passAtOne).toArray());
                bins.addAll(binSummaries(profile, problems, estimates, binOf));

                for (final VerifierSpec verifier : plan.verifiers()) {
                    progress.phase(profile + "/" + verifier.name(), (long) problems.size() * strategies.size() * budgets);
                    final long g0 = System.nanoTime();
                    final Map<Long, InProcessRunner> runners = new HashMap<>();
                    for (final long seed : plan.seeds().seeds()) {
                        runners.put(seed, new InProcessRunner(engine, AgentHandlers.over(
                                new SyntheticModelBackend(BackendProfiles.config(profile, verifier, seed)), Topics.defaults())));
                    }
                    final List<Outcome[][]> outcomes = all(pool, problems.stream().map(p -> (Callable<Outcome[][]>) () ->
                            runProblem(runners.get(p.seed()), p, strategies, plan.budgets())).toList());
                    gridSeconds += (System.nanoTime() - g0) / 1e9;
                    for (int s = 0; s < strategies.size(); s++) {
                        for (int b = 0; b < budgets; b++) {
                            cells.addAll(summaries(profile, verifier.name(), strategies.get(s), plan.budgets().get(b),
                                    b, s, outcomes, binOf));
                        }
                    }
                }
            }
        } finally {
            pool.shutdownNow();
        }
        return new Results(plan, cells, bins, notes,
                new Results.RunStats(prompts, gridSeconds, (System.nanoTime() - t0) / 1e9, plan.threads()));
    }

    /** The plan's strategies that this build can run; the others are noted. */
    private List<StrategyRun> runnable(final Plan plan, final List<String> notes) {
        final List<StrategyRun> runnable = new ArrayList<>();
        for (final StrategySpec spec : plan.strategies()) {
            final Optional<StrategyDescriptor> descriptor = registry.find(spec.name());
            if (descriptor.isEmpty()) {
                notes.add("strategy " + spec.name() + " left out: not in the strategy registry of this build");
                continue;
            }
            try {
                final List<Map<String, String>> params = new ArrayList<>();
                for (final int budget : plan.budgets()) {
                    final Map<String, String> p = Knobs.params(spec, descriptor.get(), budget);
                    registry.resolve(spec.name(), p);
                    params.add(p);
                }
                runnable.add(new StrategyRun(spec, params));
            } catch (final RuntimeException e) {
                notes.add("strategy " + spec.name() + " left out: its grid parameters are invalid: " + e.getMessage());
            }
        }
        return runnable;
    }

    /** A problem's estimated pass@1, its hidden difficulty and the oracle's run on it. */
    private record Estimate(double passAtOne, double latent, Oracle.Run oracle) {
    }

    private static Estimate estimate(final Plan plan, final String profile, final BenchProblem problem) {
        final SyntheticConfig exact = BackendProfiles.exact(profile, problem.seed());
        return new Estimate(Difficulty.passAtOne(exact, problem, plan.passSamples()), Difficulty.latent(exact, problem),
                Oracle.run(new SyntheticModelBackend(exact), problem));
    }

    /** One problem through every strategy and budget: outcomes by strategy, then budget. */
    private Outcome[][] runProblem(final InProcessRunner runner, final BenchProblem problem, final List<StrategyRun> strategies,
                                   final List<Integer> budgets) throws InterruptedException {
        final Outcome[][] outcomes = new Outcome[strategies.size()][budgets.size()];
        for (int s = 0; s < strategies.size(); s++) {
            for (int b = 0; b < budgets.size(); b++) {
                final PromptSubmitted prompt = Prompts.of(registry, problem.promptId(), problem.text(),
                        strategies.get(s).spec().name(), strategies.get(s).params().get(b),
                        strategies.get(s).spec().maxModelCalls(budgets.get(b)),
                        Instant.ofEpochMilli(Prompts.EPOCH_MS));
                outcomes[s][b] = Outcome.of(problem, runner.run(prompt, false));
                progress.step();
            }
        }
        return outcomes;
    }

    private static List<CellSummary> summaries(final String profile, final String verifier, final StrategyRun strategy,
                                               final int budget, final int b, final int s, final List<Outcome[][]> outcomes,
                                               final int[] binOf) {
        final String params = Knobs.text(strategy.params().get(b), strategy.spec().maxModelCalls(budget));
        final List<CellSummary> cells = new ArrayList<>();
        for (int bin = 0; bin < Difficulty.BINS; bin++) {
            final int wanted = bin;
            final List<Outcome> inBin = IntStream.range(0, outcomes.size()).filter(i -> binOf[i] == wanted)
                    .mapToObj(i -> outcomes.get(i)[s][b]).toList();
            cells.add(CellSummary.of(profile, verifier, strategy.spec().name(), budget, params, bin, inBin));
        }
        cells.add(CellSummary.of(profile, verifier, strategy.spec().name(), budget, params, CellSummary.ALL,
                outcomes.stream().map(o -> o[s][b]).toList()));
        return cells;
    }

    private static List<BinSummary> binSummaries(final String profile, final List<BenchProblem> problems,
                                                 final List<Estimate> estimates, final int[] binOf) {
        final List<BinSummary> bins = new ArrayList<>();
        for (int bin = CellSummary.ALL; bin < Difficulty.BINS; bin++) {
            final int wanted = bin;
            final List<Integer> members = IntStream.range(0, problems.size())
                    .filter(i -> wanted == CellSummary.ALL || binOf[i] == wanted).boxed().toList();
            bins.add(new BinSummary(profile, bin, members.size(),
                    members.stream().mapToDouble(i -> estimates.get(i).passAtOne()).min().orElse(0),
                    members.stream().mapToDouble(i -> estimates.get(i).passAtOne()).max().orElse(0),
                    members.stream().mapToDouble(i -> estimates.get(i).passAtOne()).average().orElse(0),
                    members.stream().mapToInt(i -> problems.get(i).steps()).average().orElse(0),
                    members.stream().mapToDouble(i -> estimates.get(i).latent()).average().orElse(0),
                    members.stream().mapToInt(i -> estimates.get(i).oracle().calls()).average().orElse(0),
                    (int) members.stream().filter(i -> estimates.get(i).oracle().correct()).count()));
        }
        return bins;
    }

    /** Runs {@code tasks} on {@code pool} and returns their results in order; the first failure is rethrown. */
    private static <T> List<T> all(final ExecutorService pool, final List<Callable<T>> tasks) throws InterruptedException {
        final List<Future<T>> futures = new ArrayList<>(tasks.size());
        tasks.forEach(task -> futures.add(pool.submit(task)));
        final List<T> results = new ArrayList<>(tasks.size());
        try {
            for (final Future<T> future : futures) {
                results.add(future.get());
            }
        } catch (final ExecutionException e) {
            futures.forEach(f -> f.cancel(true));
            final Throwable cause = e.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof InterruptedException interrupted) {
                throw interrupted;
            }
            throw new IllegalStateException("a bench task failed: " + cause, cause);
        }
        return results;
    }
}
