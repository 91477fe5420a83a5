package dev.stepwise.bench;

import dev.stepwise.agents.AgentKind;
import dev.stepwise.models.ModelBackend;
import dev.stepwise.models.synthetic.Family;
import dev.stepwise.models.synthetic.GeneratedProblem;
import dev.stepwise.models.synthetic.SyntheticTaskSuite;
import dev.stepwise.schemas.avro.AnswerPublished;
import dev.stepwise.schemas.avro.PromptSubmitted;
import dev.stepwise.search.SearchEngine;
import dev.stepwise.search.strategy.StrategyRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The four measurements of {@code bench pipeline}, each on a pipeline of its own ({@link PipelineRig}) over the
 * synthetic backend with simulated latency. Results are rows for {@link PipelineBenchReport}.
 */
final class PipelineScenarios {

    /** One measured figure: which part, which setting, which quantity, its value and unit. */
    record Row(String part, String setting, String quantity, double value, String unit) {
    }

    private static final Duration ANSWER_TIMEOUT = Duration.ofMinutes(10);
    private static final long SCALING_MEDIAN_MS = 500;
    /** How long the overhead part warms each pipeline up before it measures (at least one prompt). */
    private static final Duration OVERHEAD_WARM_UP = Duration.ofSeconds(10);
    /** Topology to proposer, proposer to verifier, verifier to topology. */
    private static final int HOPS_PER_STEP = 3;
    private static final StrategyRegistry STRATEGIES = StrategyRegistry.standard();

    private final long seed;
    private final boolean processes;
    private final Map<String, String> extra;
    private final Progress progress;

    /** @param extra configuration keys for every pipeline (topology, agents), applied after the scenario's own */
    PipelineScenarios(final long seed, final boolean processes, final Map<String, String> extra, final Progress progress) {
        this.seed = seed;
        this.processes = processes;
        this.extra = Map.copyOf(extra);
        this.progress = progress;
    }

    private Map<String, String> latency(final String kind, final long medianMs, final long p99Ms) {
        final Map<String, String> s = new LinkedHashMap<>();
        s.put("synthetic.seed", Long.toString(seed));
        s.put("synthetic.latency", kind);
        if ("constant".equals(kind)) {
            s.put("synthetic.latency.ms", Long.toString(medianMs));
        } else {
            s.put("synthetic.latency.median.ms", Long.toString(medianMs));
            s.put("synthetic.latency.p99.ms", Long.toString(p99Ms));
        }
        s.putAll(extra);
        return s;
    }

    private static Map<AgentKind, Integer> instances(final int proposers, final int verifiers) {
        final Map<AgentKind, Integer> n = new EnumMap<>(AgentKind.class);
        n.put(AgentKind.PROPOSER, proposers);
        n.put(AgentKind.VERIFIER, verifiers);
        n.put(AgentKind.REVISER, 1);
        return n;
    }

    /** A chain of one: one sample per step, each verified. Every serial step costs exactly three hops. */
    private PromptSubmitted chainPrompt(final String id, final String text) {
        return Prompts.of(STRATEGIES, id, text, "beam", Map.of("beam-width", "1", "branching", "1"), 400, Instant.now());
    }

    /**
     * 1. Orchestration overhead: the same 16-step prompts, one at a time, through Kafka and in-process, with a
     * constant model latency; the ratio of their wall times and the overhead per serial step.
     */
    List<Row> overhead(final List<Long> mediansMs, final int prompts) throws InterruptedException {
        final List<Row> rows = new ArrayList<>();
        TransactionalHops.Result floor = null;
        for (final long median : mediansMs) {
            final Map<String, String> settings = latency("constant", median, median);
            progress.phase("overhead at " + median + " ms: pipeline", prompts * 2);
            long pipelineMs = 0;
            long localMs = 0;
            long pipelineCalls = 0;
            long localCalls = 0;
            int steps = 0;
            try (PipelineRig rig = new PipelineRig(settings, instances(1, 1), false);
                 ModelBackend model = PipelineRig.backend(settings)) {
                final InProcessRunner runner = new InProcessRunner(
                        new SearchEngine(BenchSettings.searchSettings(), STRATEGIES), AgentHandlers.over(model, rig.topics()));
                // Warm up: the first schema lookups and transactions, and a JVM's first seconds of interpreted and
                // C1 code, are not what this measures (with one short warm-up prompt, whichever latency ran first
                // measured ~1.5x the overhead it measured after another). Other problems than the measured ones.
                final long warmUntil = System.nanoTime() + OVERHEAD_WARM_UP.toNanos();
                int warm = 0;
                do {
                    awaitAll(rig, List.of(chainPrompt("warm-" + median + "-" + warm, problem(prompts + warm, 16).text())));
                    runner.run(chainPrompt("warm-" + median + "-" + warm, problem(prompts + warm, 16).text()), false);
                    warm++;
                } while (System.nanoTime() < warmUntil);
                for (int i = 0; i < prompts; i++) {
                    final GeneratedProblem problem = problem(i, 16);
                    final long t0 = System.nanoTime();
                    // One prompt id for both: the synthetic backend seeds each call from the ids, so both make the same
                    // calls and the ratio compares the same work.
                    final String id = "overhead-" + median + "-" + i;
                    pipelineCalls += awaitAll(rig, List.of(chainPrompt(id, problem.text())));
                    pipelineMs += (System.nanoTime() - t0) / 1_000_000;
                    progress.step();
                    final long t1 = System.nanoTime();
                    localCalls += runner.run(chainPrompt(id, problem.text()), false).modelCalls();
                    localMs += (System.nanoTime() - t1) / 1_000_000;
                    steps += problem.difficulty();
                    progress.step();
                }
                if (floor == null) {
                    floor = TransactionalHops.measure(rig.bootstrapServers(), HOPS_PER_STEP, 40);
                }
            }
            final String setting = "model " + median + " ms";
            rows.add(new Row("overhead", setting, "pipeline wall per prompt", (double) pipelineMs / prompts, "ms"));
            rows.add(new Row("overhead", setting, "in-process wall per prompt", (double) localMs / prompts, "ms"));
            rows.add(new Row("overhead", setting, "ratio", (double) pipelineMs / Math.max(1, localMs), "x"));
            rows.add(new Row("overhead", setting, "overhead per serial step", (double) (pipelineMs - localMs) / steps, "ms"));
            rows.add(new Row("overhead", setting, "model calls per prompt, pipeline", (double) pipelineCalls / prompts, ""));
            rows.add(new Row("overhead", setting, "model calls per prompt, in-process", (double) localCalls / prompts, ""));
        }
        if (floor != null) {
            // What Kafka alone costs a serial step here: its three transactional hops, with nothing else to do.
            final String setting = "raw broker, " + floor.hops() + " transactional read-process-write hops";
            rows.add(new Row("overhead", setting, "p50 latency", floor.p50Ms(), "ms"));
            rows.add(new Row("overhead", setting, "p90 latency", floor.p90Ms(), "ms"));
        }
        return rows;
    }

    /**
     * 2. Horizontal scaling: verified steps per second with n proposers and n verifiers, model-bound (lognormal latency,
     * a small in-flight cap per instance), under a flood of prompts, counted over a fixed window. The latency is that of
     * a real model's step (median 500 ms, p99 5 s), so that with 8 instances of each kind the pipeline itself needs a
     * fraction of this machine's two cores and the figure measures how agents scale, not how the cores are shared.
     */
    List<Row> scaling(final List<Integer> counts, final Duration window) throws InterruptedException {
        final List<Row> rows = new ArrayList<>();
        for (final int n : counts) {
            final Map<String, String> settings = latency("lognormal", SCALING_MEDIAN_MS, SCALING_MEDIAN_MS * 10);
            settings.put("agent.max.in.flight", "2");
            progress.phase("scaling: " + n + " proposers and " + n + " verifiers" + (processes ? " (processes)" : ""), 1);
            try (PipelineRig rig = new PipelineRig(settings, instances(n, n), processes)) {
                final double rate = verifiedStepsPerSecond(rig, 60 * n + 60, window);
                rows.add(new Row("scaling", n + (processes ? " processes" : " instances") + " per kind",
                        "verified steps per second", rate, "1/s"));
                progress.step();
            }
        }
        return rows;
    }

    /**
     * 3. Heavy tails: p50 and p99 of prompt latency with lognormal model latency (p99 = 10x median), mixed
     * problems with the default strategy, all submitted at once.
     */
    List<Row> tails(final int prompts, final long medianMs) throws InterruptedException {
        final Map<String, String> settings = latency("lognormal", medianMs, medianMs * 10);
        progress.phase("heavy tails: " + prompts + " prompts", prompts);
        final List<Long> latencies = new ArrayList<>();
        try (PipelineRig rig = new PipelineRig(settings, instances(1, 1), false)) {
            awaitAll(rig, List.of(Prompts.of(STRATEGIES, "warm-tails", problem(0, 4).text(), "auto", Map.of(), 400,
                    Instant.now())));
            final List<PromptSubmitted> batch = new ArrayList<>();
            final List<GeneratedProblem> problems = SyntheticTaskSuite.mixed(prompts, 12, seed);
            for (int i = 0; i < problems.size(); i++) {
                batch.add(Prompts.of(STRATEGIES, "tails-" + i, problems.get(i).text(), "auto", Map.of(), 400, Instant.now()));
            }
            final Map<String, Long> started = new ConcurrentHashMap<>();
            final List<CompletableFuture<AnswerPublished>> answers = new ArrayList<>();
            for (final PromptSubmitted prompt : batch) {
                started.put(prompt.getPromptId(), System.nanoTime());
                answers.add(rig.client().submit(prompt).whenComplete((a, e) -> {
                    if (a != null) {
                        synchronized (latencies) {
                            latencies.add((System.nanoTime() - started.get(a.getPromptId())) / 1_000_000);
                        }
                    }
                    progress.step();
                }));
            }
            await(answers);
        }
        final List<Long> sorted = latencies.stream().sorted().toList();
        final String setting = String.format(Locale.ROOT, "lognormal median %d ms, p99 %d ms", medianMs, medianMs * 10);
        return List.of(new Row("tails", setting, "p50 prompt latency", percentile(sorted, 0.50), "ms"),
                new Row("tails", setting, "p99 prompt latency", percentile(sorted, 0.99), "ms"),
                new Row("tails", setting, "prompts answered", sorted.size(), ""));
    }

    /**
     * 4. Ceiling: verified steps per second with an instant model, next to the broker's raw rate for such records. A
     * fast pipeline finishes any fixed flood early, so a fixed window after a warm-up can count nothing (the first runs
     * did); this counts every verdict from the first prompt sent to the last answer, over that time.
     *
     * <p>Three floods of the same size, other problems each: the first meets a cold JVM and is reported as such, the
     * third is the ceiling. On two cores the JIT compilers took 16-25 s of CPU during a first flood, 4-10 s during the
     * second and 1-3 s by the third, so the cold figure is mostly the warm-up; a service that runs for hours runs
     * at the warm one.
     */
    List<Row> ceiling(final int prompts) throws InterruptedException {
        final Map<String, String> settings = latency("constant", 0, 0);
        progress.phase("ceiling: three floods of " + prompts + " prompts with an instant model, then the raw broker", 4);
        try (PipelineRig rig = new PipelineRig(settings, instances(1, 1), false)) {
            awaitAll(rig, List.of(Prompts.of(STRATEGIES, "warm-ceiling", problem(0, 4).text(), "beam", Map.of(), 2000,
                    Instant.now())));
            final FloodRate cold = flood(rig, "ceiling-cold-", SyntheticTaskSuite.mixed(prompts, 16, seed + 1));
            progress.step();
            flood(rig, "ceiling-warming-", SyntheticTaskSuite.mixed(prompts, 16, seed + 2));
            progress.step();
            final FloodRate warm = flood(rig, "ceiling-", SyntheticTaskSuite.mixed(prompts, 16, seed));
            progress.step();
            final BrokerRate.Result raw = BrokerRate.measure(rig.bootstrapServers(), 400, 200_000);
            progress.step();
            // The first flood keeps the setting's old name: the baselines measured it so, with one flood on a cold JVM.
            final String cold1 = "instant model, 1 agent of each kind, " + prompts + " beam prompts at once";
            final String warm3 = cold1 + ", third flood (warm JVM)";
            return List.of(new Row("ceiling", cold1, "verified steps per second", cold.verifiedSteps(), "1/s"),
                    new Row("ceiling", cold1, "prompts answered per second", cold.prompts(), "1/s"),
                    new Row("ceiling", warm3, "verified steps per second", warm.verifiedSteps(), "1/s"),
                    new Row("ceiling", warm3, "prompts answered per second", warm.prompts(), "1/s"),
                    new Row("ceiling", "raw broker, " + raw.recordBytes() + "-byte records, produce + consume",
                            "records per second", raw.recordsPerSecond(), "1/s"));
        }
    }

    /** Verdicts committed and prompts answered per second during one flood. */
    private record FloodRate(double verifiedSteps, double prompts) {
    }

    /** Sends every problem at once, awaits every answer, and returns the verdicts committed per second meanwhile. */
    private FloodRate flood(final PipelineRig rig, final String idPrefix, final List<GeneratedProblem> problems)
            throws InterruptedException {
        final long from = System.currentTimeMillis();
        awaitAll(rig, beamFlood(idPrefix, problems));
        final long to = System.currentTimeMillis() + 1;
        final long verdicts = VerdictCounter.count(rig.bootstrapServers(), rig.registry(), rig.topics(), from, to);
        return new FloodRate(verdicts * 1000.0 / (to - from), problems.size() * 1000.0 / (to - from));
    }

    /** One beam prompt per problem, ids {@code idPrefix + index}, as the scaling and ceiling floods send them. */
    private static List<PromptSubmitted> beamFlood(final String idPrefix, final List<GeneratedProblem> problems) {
        final List<PromptSubmitted> flood = new ArrayList<>();
        for (int i = 0; i < problems.size(); i++) {
            flood.add(Prompts.of(STRATEGIES, idPrefix + i, problems.get(i).text(), "beam", Map.of(), 2000, Instant.now()));
        }
        return flood;
    }

    private double verifiedStepsPerSecond(final PipelineRig rig, final int prompts, final Duration window)
            throws InterruptedException {
        final List<GeneratedProblem> problems = SyntheticTaskSuite.mixed(prompts, 16, seed);
        final List<CompletableFuture<AnswerPublished>> answers = new ArrayList<>();
        for (final PromptSubmitted prompt : beamFlood("flood-", problems)) {
            answers.add(rig.client().submit(prompt));
        }
        // Warm up (the JIT of every process, the first transactions, the flood's first steps), then count the verdicts
        // committed inside the window.
        Thread.sleep(Math.max(10_000, window.toMillis() / 3));
        final long from = System.currentTimeMillis();
        Thread.sleep(window.toMillis());
        final long to = System.currentTimeMillis();
        final long verdicts = VerdictCounter.count(rig.bootstrapServers(), rig.registry(), rig.topics(), from, to);
        answers.forEach(a -> a.cancel(true));
        return verdicts * 1000.0 / (to - from);
    }

    private GeneratedProblem problem(final int i, final int steps) {
        final Family[] families = Family.values();
        return SyntheticTaskSuite.generate(families[i % families.length], steps, seed * 1_000 + i);
    }

    /** Submits the prompts, waits for every answer, and returns the model calls they used. */
    private static long awaitAll(final PipelineRig rig, final List<PromptSubmitted> prompts) throws InterruptedException {
        final List<CompletableFuture<AnswerPublished>> answers = new ArrayList<>();
        for (final PromptSubmitted prompt : prompts) {
            answers.add(rig.client().submit(prompt));
        }
        await(answers);
        return answers.stream().mapToLong(a -> a.join().getModelCalls()).sum();
    }

    private static void await(final List<CompletableFuture<AnswerPublished>> answers) throws InterruptedException {
        try {
            CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).get(ANSWER_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("the pipeline did not answer every prompt: " + e, e);
        }
    }

    static double percentile(final List<Long> sorted, final double q) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        final int i = Math.max(0, (int) Math.ceil(q * sorted.size()) - 1);
        return sorted.get(i);
    }
}
