package dev.stepwise.search.strategy;

import dev.stepwise.schemas.avro.Strategy;
import dev.stepwise.schemas.deadletter.RejectedInputException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The one place a search strategy is declared: name, description, parameters (type, default,
 * range) and the class that runs it. The Avro prompt path, the text and JSON ingress, the CLI's
 * flags and help, {@code explain} and the gateway's model list all read this registry. Immutable.
 *
 * <p>Resolution: a parameter's value is the prompt's entry in {@code Strategy.params} (under its
 * name or an alias), else the fixed {@code Strategy} field it is tied to (see
 * {@link Parameter.LegacyField}), else its default. Writers ({@link #toAvro}) put every resolved value
 * in the map and in the fixed fields, so the log says exactly how each prompt was searched and a
 * reader of an earlier version searches the same way.
 */
public final class StrategyRegistry {

    /** Dead-letter code: the strategy name is not in the registry. */
    public static final String UNKNOWN_STRATEGY = "unknown-strategy";
    /** Dead-letter code: a parameter is unknown, malformed or out of range. */
    public static final String INVALID_STRATEGY = "invalid-strategy";

    private static final StrategyRegistry STANDARD = new StrategyRegistry(List.of(Auto.DESCRIPTOR, Revise.DESCRIPTOR,
            BeamSearch.DESCRIPTOR, BestOfN.DESCRIPTOR, WeightedBestOfN.DESCRIPTOR, Majority.DESCRIPTOR,
            AdaptiveMajority.DESCRIPTOR, Lookahead.DESCRIPTOR), Auto.NAME);

    private final Map<String, StrategyDescriptor> byName = new LinkedHashMap<>();
    private final String defaultName;

    /**
     * @param strategies  the strategies, in the order help texts list them
     * @param defaultName the strategy of a prompt that names none
     */
    public StrategyRegistry(final List<StrategyDescriptor> strategies, final String defaultName) {
        for (final StrategyDescriptor descriptor : strategies) {
            if (byName.put(descriptor.name(), descriptor) != null) {
                throw new IllegalArgumentException("strategy " + descriptor.name() + " is declared twice");
            }
        }
        if (!byName.containsKey(defaultName)) {
            throw new IllegalArgumentException("default strategy " + defaultName + " is not declared");
        }
        this.defaultName = defaultName;
    }

    /** The strategies Stepwise ships. */
    public static StrategyRegistry standard() {
        return STANDARD;
    }

    public List<StrategyDescriptor> strategies() {
        return List.copyOf(byName.values());
    }

    public List<String> names() {
        return List.copyOf(byName.keySet());
    }

    /** The strategy of a prompt that names none. */
    public String defaultName() {
        return defaultName;
    }

    public Optional<StrategyDescriptor> find(final String name) {
        return Optional.ofNullable(name == null ? null : byName.get(name));
    }

    /**
     * The strategy called {@code name}.
     *
     * @throws RejectedInputException with code {@link #UNKNOWN_STRATEGY}
     */
    public StrategyDescriptor require(final String name) {
        return find(name).orElseThrow(() -> new RejectedInputException(UNKNOWN_STRATEGY,
                "Unknown strategy '" + name + "'; known: " + String.join(", ", names())));
    }

    /**
     * Resolves the strategy of an Avro prompt (see the class comment for the precedence).
     *
     * @throws RejectedInputException {@link #UNKNOWN_STRATEGY} or {@link #INVALID_STRATEGY}
     */
    public ResolvedStrategy resolve(final Strategy strategy) {
        final StrategyDescriptor descriptor = require(strategy.getName());
        final Map<String, Object> values = new LinkedHashMap<>();
        for (final Parameter parameter : descriptor.parameters()) {
            values.put(parameter.name(), parameter.legacy() == null ? parameter.defaultValue()
                    : parameter.check(descriptor.name(), legacyValue(strategy, parameter.legacy())));
        }
        applyGiven(descriptor, strategy.getParams() == null ? Map.of() : strategy.getParams(), values);
        return new ResolvedStrategy(descriptor, new StrategyParameters(values));
    }

    /**
     * Resolves a strategy named by a client (CLI flags, a JSON prompt, the gateway): {@code given}
     * maps parameter names or aliases to values as text; the rest take their defaults.
     *
     * @param name  the strategy, or null for the {@linkplain #defaultName() default}
     * @throws RejectedInputException {@link #UNKNOWN_STRATEGY} or {@link #INVALID_STRATEGY}
     */
    public ResolvedStrategy resolve(final String name, final Map<String, String> given) {
        final StrategyDescriptor descriptor = require(name == null ? defaultName : name);
        final Map<String, Object> values = new LinkedHashMap<>();
        descriptor.parameters().forEach(p -> values.put(p.name(), p.defaultValue()));
        applyGiven(descriptor, given, values);
        return new ResolvedStrategy(descriptor, new StrategyParameters(values));
    }

    private static void applyGiven(final StrategyDescriptor descriptor, final Map<String, String> given,
                                   final Map<String, Object> values) {
        final List<String> seen = new ArrayList<>();
        for (final Map.Entry<String, String> entry : given.entrySet()) {
            final Parameter parameter = descriptor.parameter(entry.getKey()).orElseThrow(() -> new RejectedInputException(
                    INVALID_STRATEGY, "Strategy " + descriptor.name() + " has no parameter '" + entry.getKey()
                    + "'; its parameters: " + descriptor.parameterNames()));
            if (seen.contains(parameter.name())) {
                throw new RejectedInputException(INVALID_STRATEGY, "Parameter " + parameter.name() + " of strategy "
                        + descriptor.name() + " is given twice (under its name and an alias)");
            }
            seen.add(parameter.name());
            values.put(parameter.name(), parameter.parse(descriptor.name(), entry.getValue()));
        }
    }

    /** The Avro strategy of a resolved one: every value in the map, and the tied ones in the fixed fields too. */
    public Strategy toAvro(final ResolvedStrategy resolved) {
        final Strategy.Builder avro = Strategy.newBuilder().setName(resolved.name());
        final Map<String, String> params = new LinkedHashMap<>();
        for (final Parameter parameter : resolved.descriptor().parameters()) {
            final Object value = resolved.parameters().values().get(parameter.name());
            params.put(parameter.name(), parameter.format(value));
            if (parameter.legacy() != null) {
                final int number = ((Number) value).intValue();
                switch (parameter.legacy()) {
                    case BEAM_WIDTH -> avro.setBeamWidth(number);
                    case BRANCHING -> avro.setBranching(number);
                    case MAX_DEPTH -> avro.setMaxDepth(number);
                    case MAX_REVISIONS -> avro.setMaxRevisions(number);
                }
            }
        }
        return avro.setParams(params).build();
    }

    /**
     * Every parameter name any strategy declares (aliases included), with the strategies that accept
     * it: what the CLI turns into flags.
     */
    public Map<String, List<String>> parameterNames() {
        final Map<String, List<String>> names = new LinkedHashMap<>();
        for (final StrategyDescriptor descriptor : byName.values()) {
            for (final Parameter parameter : descriptor.parameters()) {
                names.computeIfAbsent(parameter.name(), n -> new ArrayList<>()).add(descriptor.name());
                for (final String alias : parameter.aliases()) {
                    names.computeIfAbsent(alias, n -> new ArrayList<>()).add(descriptor.name());
                }
            }
        }
        return names;
    }

    private static int legacyValue(final Strategy strategy, final Parameter.LegacyField field) {
        return switch (field) {
            case BEAM_WIDTH -> strategy.getBeamWidth();
            case BRANCHING -> strategy.getBranching();
            case MAX_DEPTH -> strategy.getMaxDepth();
            case MAX_REVISIONS -> strategy.getMaxRevisions();
        };
    }
}
