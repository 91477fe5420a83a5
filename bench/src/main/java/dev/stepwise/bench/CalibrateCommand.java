package dev.stepwise.bench;

import dev.stepwise.bench.GridConfig.VerifierSpec;
import dev.stepwise.search.strategy.AutoCalibration;
import dev.stepwise.search.strategy.StrategyRegistry;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code stepwise bench calibrate}: remakes {@code auto}'s calibration file from the calibration seeds of the grid
 * (disjoint from its evaluation seeds), and writes a report of what it chose and why.
 */
@Command(name = "calibrate", mixinStandardHelpOptions = true,
        description = {"Calibrate auto: on problems of the calibration seeds, group them by what auto's probe shows",
            "(verifier kind, estimated difficulty), run every candidate strategy and weighted best-of-N@64 on them, and",
            "choose per group the cheapest candidate that reaches the reference's accuracy (or the best, within noise).",
            "Writes the calibration file auto ships with, and a report."})
public final class CalibrateCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--quick", description = "Fewer problems (one seed, 60 problems): a trial, not for shipping.")
    boolean quick;

    @Option(names = "--problems", paramLabel = "N", description = "Problems per seed (default: the grid's).")
    Integer problems;

    @Option(names = "--seeds", paramLabel = "SEEDS", description = "Calibration seeds (default: the grid's, 1001-1004).")
    String seeds;

    @Option(names = "--threads", paramLabel = "N", description = "Worker threads (default: the available processors).")
    Integer threads;

    @Option(names = "--out", paramLabel = "FILE", description = "The calibration file to write (default: the one auto "
            + "ships with, search/src/main/resources/.../auto-calibration.json; rebuild to use it).")
    Path out;

    @Option(names = "--report", paramLabel = "DIR", description = "Where the report goes (default: docs/bench/calibration).")
    Path report;

    @Option(names = "--progress", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Show a progress bar on standard error (default: on).")
    boolean progress;

    @Override
    public Integer call() throws Exception {
        final GridConfig grid = GridConfig.defaults();
        final String seedText = seeds != null ? seeds : quick ? "1001" : grid.problems().calibrationSeeds();
        final SeedRange calibrationSeeds = SeedRange.parse(seedText);
        final List<Long> overlap = calibrationSeeds.overlap(SeedRange.parse(grid.problems().seeds()));
        if (!overlap.isEmpty()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "calibration seeds " + calibrationSeeds
                    + " overlap the evaluation seeds " + grid.problems().seeds() + ": " + overlap);
        }
        final int perSeed = problems != null ? problems : quick ? 60 : grid.problems().perSeed();
        final int workers = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        final List<VerifierSpec> verifiers = grid.verifiers();
        final List<BenchProblem> set = BenchProblem.of(calibrationSeeds, perSeed, grid.problems().maxSteps());
        final PrintWriter console = spec.commandLine().getOut();
        console.printf(Locale.ROOT, "bench calibrate: %d problems (seeds %s) x %d profiles x %d verifiers, %d candidates "
                + "and the reference%n", set.size(), calibrationSeeds, grid.profiles().size(), verifiers.size(),
                Calibration.CANDIDATES.size());
        console.flush();
        final long t0 = System.nanoTime();
        final List<Calibration.Row> rows;
        try (Progress bar = progress ? new TerminalProgress(spec.commandLine().getErr()) : Progress.NONE) {
            rows = new Calibration(StrategyRegistry.standard(), bar).run(grid.profiles(), verifiers, set, workers);
        }
        final List<Calibration.Pick> picks = Calibration.choose(rows);
        final String command = BenchCommand.commandOf(spec);
        final String made = command + " on " + LocalDate.now(ZoneOffset.UTC) + " (" + set.size() + " problems per profile "
                + "and verifier, seeds " + calibrationSeeds + ")";
        final AutoCalibration calibration = Calibration.calibration(picks, made, calibrationSeeds.toString());
        final Path home = Path.of(System.getProperty("stepwise.home", "."));
        final Path file = out != null ? out : home.resolve(Path.of("search", "src", "main", "resources", "dev", "stepwise",
                "search", "strategy", AutoCalibration.RESOURCE));
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, calibration.toJson() + "\n", StandardCharsets.UTF_8);
        final Path dir = report != null ? report : home.resolve(Path.of("docs", "bench", "calibration"));
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("README.md"), CalibrationReport.markdown(picks, rows.size(), command, made,
                (System.nanoTime() - t0) / 1e9), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve(AutoCalibration.RESOURCE), calibration.toJson() + "\n", StandardCharsets.UTF_8);
        console.printf(Locale.ROOT, "wrote %s and %s in %.0f s; rebuild (./stepwise build) for auto to use it%n", file,
                dir.resolve("README.md"), (System.nanoTime() - t0) / 1e9);
        console.flush();
        return 0;
    }
}
