package dev.stepwise.cli;

import dev.stepwise.schemas.avro.Budget;
import dev.stepwise.schemas.avro.PromptSubmitted;
import dev.stepwise.schemas.avro.Strategy;
import dev.stepwise.schemas.deadletter.RejectedInputException;
import dev.stepwise.search.strategy.Parameter;
import dev.stepwise.search.strategy.StrategyDescriptor;
import dev.stepwise.search.strategy.StrategyRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.Help.Column;
import picocli.CommandLine.Help.Column.Overflow;
import picocli.CommandLine.Help.TextTable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * How one prompt is searched: strategy and budget.
 *
 * <p>The strategy part is read from the {@link StrategyRegistry}: {@link #install} adds {@code --strategy}
 * and one flag per parameter name (and alias) any strategy declares, with the registry's descriptions,
 * and a help section that lists every strategy. A strategy added to the registry therefore needs no
 * change here. Values are checked by the registry, before anything is sent: a parameter the chosen
 * strategy does not have, or a value out of range, is a usage error (exit code 2).
 */
public final class PromptOptions {

    /** Key of the help section that lists the strategies (after the footer, so it ends the help). */
    static final String STRATEGIES_SECTION = "strategies";

    private static final int FLAG_COLUMN = 26;

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(names = {"-P", "--param"}, paramLabel = "NAME=VALUE",
            description = "Set a parameter of the chosen strategy by name (repeatable), e.g. -P beam-width=4; "
                    + "each strategy's parameters are listed at the end.")
    Map<String, String> params = new LinkedHashMap<>();

    @Option(names = "--max-model-calls", paramLabel = "N", description = "Most model calls the prompt may use (default: 400).")
    Integer maxModelCalls;

    @Option(names = "--max-tokens", paramLabel = "N", description = "Most tokens the prompt may use (default: 1000000).")
    Long maxTokens;

    @Option(names = "--timeout", paramLabel = "SECONDS", description = "Answer with the best so far after this long (default: the topology's, 120 s).")
    Integer timeoutSeconds;

    private StrategyRegistry registry;
    private OptionSpec strategyOption;
    /** Parameter name (or alias) to its generated flag. */
    private final Map<String, OptionSpec> parameterFlags = new LinkedHashMap<>();

    /**
     * Adds the strategy options of {@code registry} to {@code command} if it mixes in these options;
     * does nothing otherwise. Called once, when the command line is built.
     */
    static void install(final CommandLine command, final StrategyRegistry registry) {
        for (CommandSpec mixin : command.getCommandSpec().mixins().values()) {
            if (mixin.userObject() instanceof PromptOptions options) {
                options.installInto(command, registry);
            }
        }
    }

    private void installInto(final CommandLine command, final StrategyRegistry strategies) {
        if (registry != null) {
            throw new IllegalStateException("strategy options are already installed");
        }
        this.registry = strategies;
        final CommandSpec spec = command.getCommandSpec();
        strategyOption = OptionSpec.builder("--strategy")
                .paramLabel("NAME")
                .type(String.class)
                .completionCandidates(strategies.names())
                .description(escape("Search strategy: " + String.join(", ", strategies.names()) + " (default: "
                        + strategies.defaultName() + "). Each strategy's parameters are listed at the end."))
                .build();
        spec.addOption(strategyOption);
        strategies.parameterNames().forEach((name, accepting) -> {
            final String flag = "--" + name;
            if (spec.findOption(flag) != null) {
                // An option of the command already has this name: the parameter is still reachable with -P
                // (and the strategy list in the help says so).
                return;
            }
            final boolean yesNo = types(name, accepting).equals(Set.of(Parameter.Type.BOOLEAN));
            final OptionSpec.Builder option = OptionSpec.builder(flag)
                    .paramLabel(paramLabel(types(name, accepting)))
                    .type(String.class)
                    .arity(yesNo ? "0..1" : "1")
                    .description(description(name, accepting));
            if (yesNo) {
                option.fallbackValue("true");
            }
            final OptionSpec built = option.build();
            spec.addOption(built);
            parameterFlags.put(name, built);
        });
        command.getHelpSectionMap().put(STRATEGIES_SECTION, this::renderStrategies);
        final List<String> keys = new ArrayList<>(command.getHelpSectionKeys());
        keys.remove(STRATEGIES_SECTION);
        keys.add(STRATEGIES_SECTION);
        command.setHelpSectionKeys(keys);
    }

    /** The parameter names (and aliases) that have a flag of their own, in the registry's order. */
    Set<String> parameterFlagNames() {
        return Collections.unmodifiableSet(parameterFlags.keySet());
    }

    /**
     * The strategy the options ask for, resolved and checked by the registry.
     *
     * @throws ParameterException for an unknown strategy, a parameter it does not have, or a bad value
     */
    Strategy strategy() {
        if (registry == null) {
            throw new IllegalStateException("strategy options were not installed (PromptOptions.install)");
        }
        final String name = strategyOption.getValue();
        final Map<String, String> given = given();
        try {
            final StrategyDescriptor descriptor = registry.require(name == null ? registry.defaultName() : name);
            for (Map.Entry<String, String> entry : given.entrySet()) {
                final Parameter parameter = descriptor.parameter(entry.getKey()).orElseThrow(() -> usageError(
                        describeOrigin(entry.getKey()) + " does not apply to strategy " + descriptor.name()
                                + "; its parameters: " + descriptor.parameterNames() + " (see --help)"));
                try {
                    parameter.parse(descriptor.name(), entry.getValue());
                } catch (RejectedInputException e) {
                    throw usageError("Invalid value for " + describeOrigin(entry.getKey()) + ": " + e.getMessage());
                }
            }
            return registry.toAvro(registry.resolve(descriptor.name(), given));
        } catch (RejectedInputException e) {
            throw usageError(e.getMessage());
        }
    }

    /** Parameter name (as given) to value, from the parameter flags, then {@code -P}. */
    private Map<String, String> given() {
        final Map<String, String> given = new LinkedHashMap<>();
        parameterFlags.forEach((name, option) -> {
            final String value = option.getValue();
            if (value != null) {
                given.put(name, value);
            }
        });
        for (Map.Entry<String, String> entry : params.entrySet()) {
            final String key = entry.getKey().strip().toLowerCase(Locale.ROOT).replace('_', '-');
            if (given.containsKey(key)) {
                throw usageError("Parameter " + key + " is given twice (--" + key + " and -P " + entry.getKey() + ")");
            }
            given.put(key, entry.getValue());
        }
        return given;
    }

    private String describeOrigin(final String key) {
        final OptionSpec flag = parameterFlags.get(key);
        return flag != null && flag.getValue() != null ? "--" + key : "-P " + key;
    }

    private RuntimeException usageError(final String message) {
        return mixee == null ? new IllegalArgumentException(message) : new ParameterException(mixee.commandLine(), message);
    }

    PromptSubmitted prompt(final String promptId, final String text, final String requester, final Instant now) {
        final Budget.Builder b = Budget.newBuilder();
        if (maxModelCalls != null) {
            b.setMaxModelCalls(maxModelCalls);
        }
        if (maxTokens != null) {
            b.setMaxTokens(maxTokens);
        }
        if (timeoutSeconds != null) {
            b.setDeadline(now.plusSeconds(timeoutSeconds));
        }
        return PromptSubmitted.newBuilder()
                .setPromptId(promptId)
                .setText(text)
                .setStrategy(strategy())
                .setBudget(b.build())
                .setRequester(requester)
                .setSubmittedAt(now)
                .build();
    }

    /** How long a client waits for an answer: the prompt's deadline plus a margin, or the topology's default. */
    Duration answerWait() {
        return Duration.ofSeconds((timeoutSeconds == null ? 120 : timeoutSeconds) + 30L);
    }

    // ---- help texts, all read from the registry ----

    private Set<Parameter.Type> types(final String name, final List<String> accepting) {
        final Set<Parameter.Type> types = new LinkedHashSet<>();
        accepting.forEach(s -> registry.require(s).parameter(name).ifPresent(p -> types.add(p.type())));
        return types;
    }

    private static String paramLabel(final Set<Parameter.Type> types) {
        if (types.size() != 1) {
            return "VALUE";
        }
        return switch (types.iterator().next()) {
            case INT -> "N";
            case DOUBLE -> "X";
            case BOOLEAN -> "true|false";
        };
    }

    /**
     * One line per distinct meaning of the name, each naming the strategies it has that meaning in:
     * {@code beam, best-of-n: Longest chain ... Integer in [1, 512], default 40.}
     */
    private String[] description(final String name, final List<String> accepting) {
        final Map<String, List<String>> byMeaning = new LinkedHashMap<>();
        for (String strategyName : accepting) {
            final Parameter parameter = registry.require(strategyName).parameter(name).orElseThrow();
            final String meaning = parameter.name().equals(name)
                    ? sentence(parameter.description()) + " " + capitalise(parameter.typeAndDefault()) + "."
                    : "Another name for --" + parameter.name() + ".";
            byMeaning.computeIfAbsent(meaning, m -> new ArrayList<>()).add(strategyName);
        }
        final List<String> lines = new ArrayList<>();
        byMeaning.forEach((meaning, strategies) -> lines.add(escape(String.join(", ", strategies) + ": " + meaning)));
        return lines.toArray(String[]::new);
    }

    /** The help section that ends {@code ask --help} and {@code demo --help}: every strategy and its parameters. */
    private String renderStrategies(final Help help) {
        final int width = help.commandSpec().usageMessage().width();
        final TextTable table = TextTable.forColumns(help.colorScheme(),
                new Column(FLAG_COLUMN, 2, Overflow.SPAN), new Column(Math.max(20, width - FLAG_COLUMN), 1, Overflow.WRAP));
        for (StrategyDescriptor descriptor : registry.strategies()) {
            final boolean isDefault = descriptor.name().equals(registry.defaultName());
            table.addRowValues(descriptor.name() + (isDefault ? " (default)" : ""), descriptor.description());
            for (Parameter parameter : descriptor.parameters()) {
                table.addRowValues("  " + flags(parameter), sentence(parameter.description()) + " "
                        + capitalise(parameter.typeAndDefault()) + ".");
            }
            if (descriptor.parameters().isEmpty()) {
                table.addRowValues("  (no parameters)", "");
            }
        }
        final String nl = String.format(Locale.ROOT, "%n");
        return nl + "Strategies (--strategy NAME; set a parameter with its flag or -P NAME=VALUE):" + nl + table;
    }

    /** {@code --n, --beam-width=N}, or {@code -P NAME=N} for a parameter without a flag of its own. */
    private String flags(final Parameter parameter) {
        final String word = parameter.type() == Parameter.Type.BOOLEAN ? "true|false" : paramLabel(Set.of(parameter.type()));
        final List<String> flagged = new ArrayList<>();
        final List<String> names = new ArrayList<>(List.of(parameter.name()));
        names.addAll(parameter.aliases());
        for (String name : names) {
            if (parameterFlags.containsKey(name)) {
                flagged.add("--" + name);
            }
        }
        if (flagged.isEmpty()) {
            return "-P " + parameter.name() + "=" + word;
        }
        return String.join(", ", flagged) + (parameter.type() == Parameter.Type.BOOLEAN ? "[=" + word + "]" : "=" + word);
    }

    private static String sentence(final String text) {
        final String stripped = text.strip();
        return stripped.endsWith(".") ? stripped : stripped + ".";
    }

    private static String capitalise(final String text) {
        return text.isEmpty() ? text : text.substring(0, 1).toUpperCase(Locale.ROOT) + text.substring(1);
    }

    /** Picocli formats descriptions ({@code %n}, {@code ${VAR}}): registry text is shown as written. */
    private static String escape(final String text) {
        return text.replace("%", "%%").replace("${", "$${");
    }
}
