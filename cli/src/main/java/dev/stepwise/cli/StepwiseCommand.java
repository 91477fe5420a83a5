package dev.stepwise.cli;

import dev.stepwise.agents.AgentKind;
import java.io.PrintWriter;
import java.util.Locale;
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
        subcommands = {UpCommand.class, DemoCommand.class, AskCommand.class, ExplainCommand.class, TopologyCommand.class,
            ScriptCommand.Kafka.class, ScriptCommand.Registry.class, CommandLine.HelpCommand.class},
        footer = {"", "Also run by the launcher: './stepwise test' (the test suite), './stepwise build' (rebuild)."})
public final class StepwiseCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Builds the command line, with one agent subcommand per agent kind. */
    public static CommandLine commandLine() {
        final CommandLine cli = new CommandLine(new StepwiseCommand());
        for (AgentKind kind : AgentKind.values()) {
            final String name = kind.name().toLowerCase(Locale.ROOT);
            final CommandLine agent = new CommandLine(new AgentCommand(kind)).setCommandName(name);
            agent.getCommandSpec().usageMessage().description(AgentCommand.description(kind));
            cli.addSubcommand(name, agent);
        }
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

    public static void main(final String[] args) {
        final int code = commandLine().execute(args);
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
