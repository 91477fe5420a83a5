package dev.stepwise.bench;

import dev.stepwise.bench.PipelineScenarios.Row;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code stepwise bench pipeline}: the real broker, registry, topology and agents (processes where it says so) over
 * the synthetic backend with simulated model latency. Measures the orchestration overhead against the in-process
 * runner, horizontal scaling, heavy-tailed latency and the throughput ceiling next to the broker's raw rate.
 */
@Command(name = "pipeline", mixinStandardHelpOptions = true,
        description = {"The pipeline at model latencies: orchestration overhead (Kafka wall / in-process wall, 16-step",
            "chains, model 0/50/500 ms), horizontal scaling (verified steps/s with 1, 2, 4, 8 proposer and verifier",
            "processes, lognormal latency, in-flight cap 2), heavy tails (p50/p99 prompt latency, lognormal p99 = 10x",
            "median) and the ceiling (instant model) next to the broker's raw produce+consume rate.",
            "Writes pipeline.csv, pipeline.md and pipeline.png under --out."})
public final class PipelineBenchCommand implements Callable<Integer> {

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "docs/bench/pipeline",
            description = "Where to write the outputs (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the problems and of the model (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--parts", split = ",", defaultValue = "overhead,scaling,tails,ceiling",
            description = "Which measurements, comma-separated (default: ${DEFAULT-VALUE}).")
    List<String> parts;

    @Option(names = "--scaling", split = ",", defaultValue = "1,2,4,8",
            description = "Instances per agent kind to measure scaling at (default: ${DEFAULT-VALUE}).")
    List<Integer> scaling;

    @Option(names = "--medians", split = ",", defaultValue = "0,50,500", paramLabel = "MS",
            description = "Model latencies of the overhead part, in ms (default: ${DEFAULT-VALUE}).")
    List<Long> medians;

    @Option(names = "--window", defaultValue = "60", paramLabel = "SECONDS",
            description = "Seconds over which throughput is counted (default: ${DEFAULT-VALUE}).")
    int windowSeconds;

    @Option(names = "--prompts", defaultValue = "3",
            description = "16-step prompts per model latency in the overhead part (default: ${DEFAULT-VALUE}).")
    int overheadPrompts;

    @Option(names = "--ceiling-prompts", defaultValue = "600", paramLabel = "N",
            description = "Beam prompts sent at once in the ceiling part (default: ${DEFAULT-VALUE}).")
    int ceilingPrompts;

    @Option(names = "--tail-prompts", defaultValue = "60",
            description = "Prompts in the heavy-tail part (default: ${DEFAULT-VALUE}).")
    int tailPrompts;

    @Option(names = "--in-process", description = "Run every agent in this JVM, also for scaling (default: processes "
            + "when run as ./stepwise bench).")
    boolean inProcess;

    @Option(names = "--baseline", paramLabel = "CSV",
            description = "A pipeline.csv of an earlier run (e.g. before a change) to show beside this one.")
    Path baseline;

    @Option(names = "--baseline-label", defaultValue = "baseline",
            description = "The baseline's column title (default: ${DEFAULT-VALUE}).")
    String baselineLabel;

    @Option(names = "--progress", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Show a progress bar on stderr (default: on).")
    boolean progress;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "A configuration key for every part of every pipeline (e.g. commit.gap.ms=20, or streams.num.stream.threads=2).")
    java.util.Map<String, String> settings = new java.util.LinkedHashMap<>();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        final PrintWriter outWriter = spec.commandLine().getOut();
        final boolean processes = !inProcess && PipelineRig.processesAvailable();
        Files.createDirectories(out);
        final long t0 = System.nanoTime();
        final List<Row> rows = new ArrayList<>();
        try (Progress bar = progress ? new TerminalProgress(spec.commandLine().getErr()) : Progress.NONE) {
            final PipelineScenarios scenarios = new PipelineScenarios(seed, processes, settings, bar);
            final Duration window = Duration.ofSeconds(windowSeconds);
            if (parts.contains("overhead")) {
                rows.addAll(scenarios.overhead(medians, overheadPrompts));
            }
            if (parts.contains("scaling")) {
                rows.addAll(scenarios.scaling(scaling, window));
            }
            if (parts.contains("tails")) {
                rows.addAll(scenarios.tails(tailPrompts, 50));
            }
            if (parts.contains("ceiling")) {
                rows.addAll(scenarios.ceiling(ceilingPrompts));
            }
        }
        final String command = BenchCommand.commandOf(spec);
        final String header = String.format(Locale.ROOT, "# Pipeline bench%n%nMade by `%s` (seed %d) on %s, %d cores, "
                        + "Java %s, in %.0f s. Agents for scaling ran as %s.%s%n", command, seed, Instant.now(),
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                (System.nanoTime() - t0) / 1e9, processes ? "separate processes" : "instances in one JVM",
                settings.isEmpty() ? "" : " Extra settings: " + settings + ".");
        PipelineBenchReport.writeCsv(rows, out.resolve(PipelineBenchReport.CSV));
        PipelineBenchReport.writeMarkdown(rows, baseline == null ? List.of() : PipelineBenchReport.readCsv(baseline),
                baselineLabel, header, out.resolve(PipelineBenchReport.MARKDOWN));
        PipelineBenchReport.writePlot(rows, out.resolve(PipelineBenchReport.PLOT));
        for (final Row r : rows) {
            outWriter.printf(Locale.ROOT, "%-9s %-55s %-28s %10s %s%n", r.part(), r.setting(), r.quantity(),
                    PipelineBenchReport.format(r.value()), r.unit());
        }
        outWriter.printf(Locale.ROOT, "wrote %s%n", out.toAbsolutePath());
        outWriter.flush();
        return 0;
    }
}
