package dev.stepwise.search.strategy;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * A strategy as the registry declares it: its name, what it does, its parameters, the class of its
 * per-prompt state, and how to make it for one prompt's parameters.
 *
 * @param name        the name prompts use, e.g. {@code beam}
 * @param description one or two sentences for help texts and model lists
 * @param parameters  its parameters, in the order help texts list them
 * @param stateType   the class of its per-prompt state, stored in the search tree
 * @param factory     the strategy for one prompt's resolved parameters
 */
public record StrategyDescriptor(String name, String description, List<Parameter> parameters,
                                 Class<? extends StrategyState> stateType,
                                 Function<StrategyParameters, SearchStrategy<?>> factory) {

    public StrategyDescriptor {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(stateType, "stateType");
        Objects.requireNonNull(factory, "factory");
        parameters = List.copyOf(parameters);
        if (!name.matches("[a-z][a-z0-9-]*")) {
            throw new IllegalArgumentException("strategy names are kebab-case, got '" + name + "'");
        }
    }

    /** The parameter named {@code key} or answering to it as an alias. */
    public Optional<Parameter> parameter(final String key) {
        return parameters.stream().filter(p -> p.answersTo(key)).findFirst();
    }

    /** The names of its parameters, comma-separated, for messages. */
    public String parameterNames() {
        return parameters.isEmpty() ? "none" : String.join(", ", parameters.stream().map(Parameter::name).toList());
    }
}
