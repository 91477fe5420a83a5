package dev.stepwise.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stepwise.schemas.avro.PromptSubmitted;
import dev.stepwise.schemas.avro.Strategy;
import dev.stepwise.search.strategy.BeamSearch;
import dev.stepwise.search.strategy.BeamState;
import dev.stepwise.search.strategy.BestOfN;
import dev.stepwise.search.strategy.Parameter;
import dev.stepwise.search.strategy.StrategyDescriptor;
import dev.stepwise.search.strategy.StrategyRegistry;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;

/**
 * The strategy flags of {@code ask} and {@code demo}, parsed by picocli as the {@code stepwise} command
 * builds them, and the Avro prompt they produce. The flags come from the strategy registry.
 */
class PromptOptionsTest {

    private static final Instant NOW = Instant.parse("2026-01-02T03:04:05Z");
    private static final StrategyRegistry REGISTRY = StrategyRegistry.standard();
    /** Unreachable servers, so that a failed validation could never start an embedded stack in a test. */
    private static final String[] NOWHERE = {"--bootstrap", "127.0.0.1:1", "--registry", "http://127.0.0.1:1"};

    /** The {@code ask} subcommand after {@code stepwise ask ARGS} was parsed. */
    private static CommandLine parsed(final String command, final String... args) {
        final CommandLine cli = StepwiseCommand.commandLine();
        final List<String> all = new ArrayList<>(List.of(command));
        all.addAll(List.of(args));
        cli.parseArgs(all.toArray(String[]::new));
        return cli.getSubcommands().get(command);
    }

    private static PromptSubmitted askPrompt(final String... args) {
        final AskCommand ask = parsed("ask", args).getCommand();
        return ask.promptOptions.prompt("p-1", "compute 2+2 mod 5", "tester", NOW);
    }

    @Test
    void withoutStrategyFlagsThePromptCarriesTheDefaultStrategyWithEveryParameterResolved() {
        final PromptSubmitted prompt = askPrompt("q");

        final Strategy s = prompt.getStrategy();
        assertThat(s.getName()).isEqualTo(REGISTRY.defaultName()).isEqualTo("auto");
        assertThat(s.getParams()).isEqualTo(Map.of("probe", "4", "escalate", "true"));
        assertThat(s).isEqualTo(REGISTRY.toAvro(REGISTRY.resolve(null, Map.of())));
        assertThat(prompt.getBudget().getDeadline()).isNull();
        assertThat(prompt.getPromptId()).isEqualTo("p-1");
        assertThat(prompt.getSubmittedAt()).isEqualTo(NOW);
    }

    @Test
    void beamFlagsSetTheParameterMapAndTheFixedFields() {
        final Strategy s = askPrompt("--strategy", "beam", "--beam-width", "4", "--branching", "5", "--max-depth", "12",
                "--max-revisions", "0", "--max-model-calls", "90", "--timeout", "30", "q").getStrategy();

        assertThat(s.getName()).isEqualTo("beam");
        assertThat(s.getParams()).isEqualTo(Map.of(
                "beam-width", "4", "branching", "5", "max-depth", "12", "max-revisions", "0"));
        assertThat(List.of(s.getBeamWidth(), s.getBranching(), s.getMaxDepth(), s.getMaxRevisions()))
                .containsExactly(4, 5, 12, 0);
    }

    @Test
    void budgetFlagsAreUnchanged() {
        final PromptSubmitted prompt = askPrompt("--max-model-calls", "90", "--max-tokens", "5000", "--timeout", "30", "q");

        assertThat(prompt.getBudget().getMaxModelCalls()).isEqualTo(90);
        assertThat(prompt.getBudget().getMaxTokens()).isEqualTo(5000);
        assertThat(prompt.getBudget().getDeadline()).isEqualTo(NOW.plusSeconds(30));
    }

    @Test
    void bestOfNTakesItsOwnParameterN() {
        final Strategy s = askPrompt("--strategy", "best-of-n", "--n", "5", "--max-depth", "20", "q").getStrategy();

        assertThat(s.getName()).isEqualTo("best-of-n");
        assertThat(s.getParams()).isEqualTo(Map.of("n", "5", "max-depth", "20"));
        assertThat(s.getMaxDepth()).as("max-depth travels in the old field too").isEqualTo(20);
    }

    @Test
    void bestOfNStillTakesBeamWidthAsAnAliasOfN() {
        final Strategy alias = askPrompt("--strategy", "best-of-n", "--beam-width", "5", "q").getStrategy();
        final Strategy own = askPrompt("--strategy", "best-of-n", "--n", "5", "q").getStrategy();

        assertThat(alias).isEqualTo(own);
        assertThat(alias.getParams()).containsEntry("n", "5").doesNotContainKey("beam-width");
    }

    @Test
    void paramSetsAnyParameterByNameOrAliasInEitherSpelling() {
        final Strategy s = askPrompt("--strategy", "beam", "-P", "branching=6", "--param", "max_depth=9", "--beam-width", "3",
                "q").getStrategy();
        assertThat(s.getParams()).isEqualTo(Map.of(
                "beam-width", "3", "branching", "6", "max-depth", "9", "max-revisions", "2"));

        final Strategy alias = askPrompt("--strategy", "best-of-n", "-P", "beam-width=7", "q").getStrategy();
        assertThat(alias.getParams()).containsEntry("n", "7");
    }

    @Test
    void demoOffersTheSameStrategyFlags() {
        final CommandLine demo = parsed("demo", "--strategy", "revise", "--attempts", "3", "-P", "max-revisions=1");

        final Strategy s = ((DemoCommand) demo.getCommand()).promptOptions.prompt("d-1", "q", "demo", NOW).getStrategy();

        assertThat(s.getName()).isEqualTo("revise");
        assertThat(s.getParams()).containsEntry("attempts", "3").containsEntry("max-revisions", "1");
    }

    @Test
    void aFlagTheChosenStrategyDoesNotHaveIsAUsageErrorNamingItsParameters() {
        final Run run = run("ask", "--strategy", "best-of-n", "--branching", "5", "q");

        assertThat(run.exitCode).isEqualTo(CommandLine.ExitCode.USAGE).isEqualTo(2);
        assertThat(run.err).contains("--branching does not apply to strategy best-of-n")
                .contains("its parameters: n, max-depth");
    }

    @Test
    void aParamTheChosenStrategyDoesNotHaveIsAUsageError() {
        final Run run = run("ask", "-P", "temperature=0.5", "q");

        assertThat(run.exitCode).isEqualTo(2);
        assertThat(run.err).contains("-P temperature does not apply to strategy auto")
                .contains("its parameters: probe, escalate");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ask", "demo"})
    void anOutOfRangeValueIsAUsageErrorBeforeAnythingStarts(final String command) {
        final List<String> args = new ArrayList<>(List.of(command, "--strategy", "beam", "--beam-width", "17"));
        if (command.equals("ask")) {
            args.add("q");
        }
        final Run run = run(args.toArray(String[]::new));

        assertThat(run.exitCode).isEqualTo(2);
        assertThat(run.err).contains("Invalid value for --beam-width")
                .contains("Parameter beam-width of strategy beam must be in [1, 16], got 17");
        assertThat(run.out).isEmpty();
    }

    @Test
    void aMalformedValueIsAUsageError() {
        final Run run = run("ask", "--strategy", "best-of-n", "--beam-width", "many", "q");

        assertThat(run.exitCode).isEqualTo(2);
        assertThat(run.err).contains("Invalid value for --beam-width").contains("must be a whole number, got 'many'");
    }

    @Test
    void anUnknownStrategyIsAUsageErrorListingTheKnownOnes() {
        final Run run = run("ask", "--strategy", "tree-of-thought", "q");

        assertThat(run.exitCode).isEqualTo(2);
        assertThat(run.err).contains("Unknown strategy 'tree-of-thought'; known: auto, revise, beam, best-of-n");
    }

    @Test
    void aParameterGivenTwiceIsAUsageError() {
        assertThat(run("ask", "--strategy", "beam", "--beam-width", "3", "-P", "beam-width=4", "q").err)
                .contains("Parameter beam-width is given twice");
        assertThat(run("ask", "--strategy", "best-of-n", "--beam-width", "3", "--n", "4", "q").err)
                .contains("given twice");
    }

    @Test
    void theStrategyFlagsOfAskAndDemoAreExactlyTheRegistrysParameterNames() {
        for (String command : List.of("ask", "demo")) {
            final CommandLine cli = StepwiseCommand.commandLine().getSubcommands().get(command);
            final PromptOptions options = (PromptOptions) cli.getCommandSpec().mixins().get("promptOptions").userObject();

            assertThat(options.parameterFlagNames()).as(command)
                    .containsExactlyElementsOf(REGISTRY.parameterNames().keySet());
            for (String name : REGISTRY.parameterNames().keySet()) {
                final OptionSpec option = cli.getCommandSpec().findOption("--" + name);
                assertThat(option).as(command + " --" + name).isNotNull();
                for (String strategy : REGISTRY.parameterNames().get(name)) {
                    assertThat(String.join("\n", option.description())).as("--" + name + " says who takes it")
                            .contains(strategy).doesNotContain("%");
                }
            }
            assertThat(cli.getCommandSpec().findOption("--strategy").completionCandidates())
                    .containsExactlyElementsOf(REGISTRY.names());
        }
    }

    @Test
    void aStrategyAddedToTheRegistryGetsItsFlagsAndHelpWithoutCliChanges() {
        final StrategyDescriptor greedy = new StrategyDescriptor("greedy", "One chain, the best-scored step at each depth.",
                List.of(Parameter.real("temperature", 0.7, 0.0, 2.0, "Sampling temperature of the proposer."),
                        Parameter.integer("seed", 0, 0, 1_000, "Seed of the tie-breaks."),
                        Parameter.flag("sample", false, "Sample instead of taking the argmax.")),
                BeamState.class, p -> {
                    throw new UnsupportedOperationException("not run in this test");
                });
        final StrategyRegistry registry = new StrategyRegistry(
                List.of(BeamSearch.DESCRIPTOR, BestOfN.DESCRIPTOR, greedy), BeamSearch.NAME);
        final CommandLine ask = new CommandLine(new AskCommand());
        PromptOptions.install(ask, registry);

        ask.parseArgs("--strategy", "greedy", "--temperature", "1.5", "--sample", "-P", "seed=3", "--seed", "11", "q");
        final AskCommand command = ask.getCommand();
        final Strategy s = command.promptOptions.prompt("p", "q", "t", NOW).getStrategy();

        assertThat(s.getName()).isEqualTo("greedy");
        assertThat(s.getParams()).isEqualTo(Map.of("temperature", "1.5", "seed", "3", "sample", "true"));
        assertThat(command.model.seed).as("--seed stays the model's option; the parameter is set with -P").isEqualTo(11L);
        assertThat(command.promptOptions.parameterFlagNames()).contains("temperature", "sample").doesNotContain("seed");
        final String help = ask.getUsageMessage();
        assertThat(help).contains("greedy").contains("One chain, the best-scored step at each depth.")
                .contains("--temperature=X").contains("--sample[=true|false]").contains("-P seed=N");
    }

    @Test
    void theHelpOfAskAndDemoEndsWithEveryStrategyAndItsParameters() {
        for (String command : List.of("ask", "demo")) {
            final String help = StepwiseCommand.commandLine().getSubcommands().get(command).getUsageMessage();
            final String strategies = help.substring(help.indexOf("Strategies ("));

            assertThat(help.indexOf("Strategies (")).as(command).isGreaterThan(help.indexOf("--strategy=NAME"));
            assertThat(strategies).contains("auto (default)").contains("--n, --beam-width=N");
            for (StrategyDescriptor descriptor : REGISTRY.strategies()) {
                assertThat(strategies).contains(descriptor.name());
                for (Parameter parameter : descriptor.parameters()) {
                    assertThat(strategies.replaceAll("\\s+", " ")).as(descriptor.name() + " " + parameter.name())
                            .contains("--" + parameter.name())
                            .containsIgnoringCase(parameter.typeAndDefault());
                }
            }
        }
    }

    @Test
    void withoutInstalledStrategyOptionsNoPromptIsBuilt() {
        final PromptOptions bare = new PromptOptions();
        assertThatThrownBy(() -> bare.prompt("p", "q", "t", NOW)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aUsageErrorIsAParameterExceptionOfTheCommand() {
        final CommandLine ask = parsed("ask", "--strategy", "best-of-n", "--branching", "2", "q");
        final PromptOptions options = ((AskCommand) ask.getCommand()).promptOptions;

        assertThatThrownBy(options::strategy).isInstanceOf(ParameterException.class)
                .satisfies(e -> assertThat(((ParameterException) e).getCommandLine()).isSameAs(ask));
    }

    private record Run(int exitCode, String out, String err) {
    }

    private static Run run(final String... args) {
        final CommandLine cli = StepwiseCommand.commandLine();
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        final List<String> all = new ArrayList<>(List.of(args));
        all.addAll(1, List.of(NOWHERE));
        final int code = cli.execute(all.toArray(String[]::new));
        return new Run(code, out.toString(), err.toString());
    }
}
