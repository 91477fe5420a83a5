package dev.stepwise.bench;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code stepwise bench}: benchmarks. {@code bench strategies} (also what {@code bench} alone runs) compares the
 * search strategies side by side in-process, on the same problems and seeds, and optionally checks a sample against
 * the Kafka pipeline; {@code bench calibrate} remakes the calibration {@code auto} ships with.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Benchmarks. Without a subcommand, runs 'bench strategies' with the options given.",
            "Outputs: CSV, Markdown tables, PNG plots and headline lines, under --out."},
        subcommands = {BenchCommand.Strategies.class, CalibrateCommand.class, PipelineBenchCommand.class})
public final class BenchCommand implements Callable<Integer> {

    @Mixin
    StrategiesOptions options;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        return StrategiesRun.run(options, commandOf(spec), spec.commandLine().getOut(), spec.commandLine().getErr());
    }

    /** {@code bench strategies}. */
    @Command(name = "strategies", mixinStandardHelpOptions = true,
            description = {"Every strategy x budget x difficulty bin x verifier x profile of the grid, in-process: the",
                "engine and strategy classes of the topology and the handlers of the agents, with a virtual clock.",
                "Reports accuracy (95% Wilson interval), mean calls (per role) and tokens per cell, plots accuracy",
                "against calls per bin, and prints the headlines. --quick finishes in under 3 minutes on 2 cores."})
    public static final class Strategies implements Callable<Integer> {

        @Mixin
        StrategiesOptions options;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            return StrategiesRun.run(options, commandOf(spec), spec.commandLine().getOut(), spec.commandLine().getErr());
        }
    }

    /**
     * The command line that made a run, as outputs record it: {@code ./stepwise bench ...}; when this class ran on its
     * own (same code, same arguments), a comment says so.
     */
    static String commandOf(final CommandLine.Model.CommandSpec spec) {
        final CommandLine root = spec.root().commandLine();
        final List<String> args = root.getParseResult() == null ? List.of() : root.getParseResult().originalArgs();
        final StringBuilder quoted = new StringBuilder();
        for (final String arg : args) {
            quoted.append(' ').append(arg.matches("[A-Za-z0-9_./,=:@+-]+") ? arg : "'" + arg.replace("'", "'\\''") + "'");
        }
        if ("stepwise".equals(spec.root().name())) {
            return "./stepwise" + quoted;
        }
        return "./stepwise bench" + quoted + "  # run on its own: java -cp <bench classpath> "
                + BenchCommand.class.getName() + quoted;
    }

    /** Runs the bench on its own, without the rest of the CLI: {@code java -cp ... dev.stepwise.bench.BenchCommand}. */
    public static void main(final String[] args) {
        final int code = new CommandLine(new BenchCommand()).execute(args);
        if (code != 0) {
            // Only the stepwise command ends the JVM with a code; on its own, a failure ends main with an exception.
            throw new IllegalStateException("bench failed (exit code " + code + ")");
        }
    }
}
