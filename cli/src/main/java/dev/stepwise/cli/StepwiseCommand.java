package dev.stepwise.cli;

import dev.stepwise.agents.AgentKind;
import dev.stepwise.bench.BenchCommand;
import dev.stepwise.search.strategy.StrategyRegistry;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/** The one {@code stepwise} command. */
@Command(name = "stepwise", mixinStandardHelpOptions = true, versionProvider = StepwiseCommand.Version.class,
        description = {
            "Stepwise: a Kafka-native reasoning engine. Proposer, verifier and reviser agents and a Kafka Streams",
            "topology search over chains of reasoning steps and publish verified answers.",
            "",
            "The embedded default model backend is a synthetic suite of serial problems (not a language model);",
            "point the agents at any OpenAI-compatible server with --model-backend openai."},
        footer = {"", "Also run by the launcher: './stepwise test' (the test suite), './stepwise build' (rebuild)."})
public final class StepwiseCommand implements Runnable {

    /** The subcommands, in the order help lists them; the agent kinds follow. */
    private static final List<Class<?>> SUBCOMMANDS = List.of(UpCommand.class, DemoCommand.class, AskCommand.class,
            ExplainCommand.class, TopologyCommand.class, GatewayCommand.class, ModelServerCommand.class, BenchCommand.class,
            ScriptCommand.Kafka.class, ScriptCommand.Registry.class, CommandLine.HelpCommand.class);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Builds the whole command line: every subcommand, with one agent subcommand per agent kind. */
    public static CommandLine commandLine() {
        return commandLine(name -> true);
    }

    /**
     * Builds the command line {@code args} need. When they start with a subcommand (other than {@code help}), only
     * that one is built: picocli reads every option of every subcommand it is given, and a short command such as
     * {@code ask} should not pay for the others. Anything else (no arguments, an option, {@code help}, a name
     * that is no subcommand) gets the whole command line, for its help and its suggestions.
     */
    static CommandLine commandLineFor(final String[] args) {
        final String first = args.length == 0 ? "" : args[0];
        final boolean one = !"help".equals(first) && subcommandNames().contains(first);
        return commandLine(name -> !one || name.equals(first));
    }

    private static CommandLine commandLine(final Predicate<String> wanted) {
        final CommandLine cli = new CommandLine(new StepwiseCommand());
        for (Class<?> command : SUBCOMMANDS) {
            final String name = command.getAnnotation(Command.class).name();
            if (wanted.test(name)) {
                cli.addSubcommand(name, command);
            }
        }
        for (AgentKind kind : AgentKind.values()) {
            final String name = kind.name().toLowerCase(Locale.ROOT);
            if (wanted.test(name)) {
                final CommandLine agent = new CommandLine(new AgentCommand(kind)).setCommandName(name);
                agent.getCommandSpec().usageMessage().description(AgentCommand.description(kind));
                cli.addSubcommand(name, agent);
            }
        }
        // Strategy flags and help come from the one strategy registry (ask, demo: whoever mixes in PromptOptions).
        cli.getSubcommands().values().forEach(sub -> PromptOptions.install(sub, StrategyRegistry.standard()));
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            final PrintWriter err = commandLine.getErr();
            err.println("stepwise: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            if (Logging.isVerbose()) {
                e.printStackTrace(err);
            }
            err.flush();
            return 1;
        });
        return cli;
    }

    /** Every subcommand name, read from the annotations without building a command. */
    static List<String> subcommandNames() {
        final List<String> names = new ArrayList<>();
        SUBCOMMANDS.forEach(command -> names.add(command.getAnnotation(Command.class).name()));
        for (AgentKind kind : AgentKind.values()) {
            names.add(kind.name().toLowerCase(Locale.ROOT));
        }
        return names;
    }

    public static void main(final String[] args) {
        Prewarm.startFor(args);
        final int code = commandLineFor(args).execute(args);
        // A command that started servers (up, agents) has already shut them down in its own hook;
        // exit so a stray non-daemon client thread cannot keep the JVM alive.
        System.exit(code);
    }

    /** The version from the jar manifest (the Maven project version). */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            final String v = StepwiseCommand.class.getPackage().getImplementationVersion();
            return new String[] {"stepwise " + (v == null ? "development build" : v)};
        }
    }
}
