package dev.stepwise.bench;

import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The flags of {@code bench strategies} (and of {@code bench}, which runs it): each overrides one field of the grid
 * config, whose defaults are {@code strategies-grid.json} in the bench module.
 */
public final class StrategiesOptions {

    @Option(names = "--quick", description = "The quick variant of the grid (fewer budgets, problems and seeds; under "
            + "3 minutes on 2 cores); writes to docs/bench/strategies/quick unless --out says otherwise.")
    boolean quick;

    @Option(names = "--out", paramLabel = "DIR", description = "Where the outputs go (default: docs/bench/strategies, "
            + "or docs/bench/strategies/quick with --quick, under the Stepwise home).")
    Path out;

    @Option(names = "--grid", paramLabel = "FILE", description = "A grid config replacing the defaults (same layout as "
            + "the bench module's strategies-grid.json).")
    Path grid;

    @Option(names = "--strategies", split = ",", paramLabel = "NAME", description = "Only these strategies of the grid.")
    List<String> strategies;

    @Option(names = "--budgets", split = ",", paramLabel = "CALLS", description = "Model-call budgets, ascending.")
    List<Integer> budgets;

    @Option(names = "--verifiers", split = ",", paramLabel = "NAME", description = "Only these verifiers of the grid.")
    List<String> verifiers;

    @Option(names = "--profiles", split = ",", paramLabel = "NAME", description = "Backend profiles (uniform, realistic).")
    List<String> profiles;

    @Option(names = "--problems", paramLabel = "N", description = "Problems per seed.")
    Integer problems;

    @Option(names = "--max-steps", paramLabel = "N", description = "The longest problem, in serial steps.")
    Integer maxSteps;

    @Option(names = "--seeds", paramLabel = "SEEDS", description = "Evaluation seeds, e.g. 1-3 or 1,5: each seeds a "
            + "problem set and the backend that searches it.")
    String seeds;

    @Option(names = "--calibration-seeds", paramLabel = "SEEDS", description = "Seeds reserved for calibrating auto; "
            + "must not meet --seeds.")
    String calibrationSeeds;

    @Option(names = "--pass-samples", paramLabel = "N", description = "Unverified chains per problem to estimate its "
            + "pass@1 (for the difficulty bins).")
    Integer passSamples;

    @Option(names = "--threads", paramLabel = "N", description = "Worker threads (default: the available processors).")
    Integer threads;

    @Option(names = "--pipeline", paramLabel = "N", defaultValue = "0", description = "Also send the first N problems "
            + "through the real Kafka pipeline (an embedded broker, registry, topology and agents), every strategy at the "
            + "grid's pipeline budget, and report whether answers and calls agree with the in-process runs.")
    int pipeline;

    @Option(names = "--progress", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Show a progress bar on stderr (default: on).")
    boolean progress;
}
