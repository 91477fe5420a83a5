package dev.stepwise.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** The command line is built for what the arguments ask: one subcommand when they name one, else all. */
class StepwiseCommandTest {

    @Test
    void theSubcommandNamesAreThoseOfTheWholeCommandLineInHelpOrder() {
        assertThat(StepwiseCommand.subcommandNames())
                .containsExactlyElementsOf(StepwiseCommand.commandLine().getSubcommands().keySet())
                .contains("up", "ask", "explain", "help", "proposer", "verifier", "reviser");
    }

    @Test
    void askBuildsOnlyAskStillNamedAsASubcommandOfStepwise() {
        final CommandLine cli = StepwiseCommand.commandLineFor(new String[] {"ask", "--json", "compute 1+2 mod 5"});

        assertThat(cli.getSubcommands()).containsOnlyKeys("ask");
        final CommandLine ask = cli.getSubcommands().get("ask");
        assertThat(ask.getCommandSpec().qualifiedName()).isEqualTo("stepwise ask");
        assertThat(ask.getUsageMessage()).startsWith("Usage: stepwise ask").contains("--strategy=NAME", "--beam-width=N");
    }

    @Test
    void anAgentKindIsBuiltAloneToo() {
        assertThat(StepwiseCommand.commandLineFor(new String[] {"verifier", "--instances", "2"}).getSubcommands())
                .containsOnlyKeys("verifier");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "help", "--help", "--version", "aks"})
    void anythingElseGetsTheWholeCommandLine(final String first) {
        final String[] args = first.isEmpty() ? new String[0] : new String[] {first, "ask"};

        assertThat(StepwiseCommand.commandLineFor(args).getSubcommands().keySet())
                .containsExactlyElementsOf(StepwiseCommand.subcommandNames());
    }
}
