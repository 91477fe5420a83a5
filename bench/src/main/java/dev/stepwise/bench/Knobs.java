package dev.stepwise.bench;

import dev.stepwise.bench.GridConfig.StrategySpec;
import dev.stepwise.search.strategy.Parameter;
import dev.stepwise.search.strategy.StrategyDescriptor;
import java.util.LinkedHashMap;
import java.util.Map;

/** Turns a budget into a strategy's parameters, as its grid spec says. */
public final class Knobs {

    private Knobs() {
    }

    /**
     * The parameters of {@code spec} at {@code budget}: its fixed ones, then each knob parameter set to
     * {@code units x factor} with {@code units = max(1, budget / callsPerUnit)}, rounded and kept within the
     * parameter's range.
     *
     * @throws IllegalArgumentException when a knob names a parameter the strategy does not have, or one that is not a
     *                                  number
     */
    public static Map<String, String> params(final StrategySpec spec, final StrategyDescriptor descriptor, final int budget) {
        final Map<String, String> params = new LinkedHashMap<>(spec.params());
        if (spec.knob().isEmpty()) {
            return params;
        }
        final int units = Math.max(1, budget / spec.callsPerUnit());
        for (final Map.Entry<String, Double> knob : spec.knob().entrySet()) {
            final Parameter parameter = descriptor.parameter(knob.getKey()).orElseThrow(() -> new IllegalArgumentException(
                    "strategy " + spec.name() + " has no parameter '" + knob.getKey() + "' (its parameters: "
                            + descriptor.parameterNames() + ")"));
            final double value = Math.max(parameter.min(), Math.min(parameter.max(), units * knob.getValue()));
            params.put(parameter.name(), switch (parameter.type()) {
                case INT -> Long.toString(Math.round(value));
                case DOUBLE -> Double.toString(value);
                case BOOLEAN -> throw new IllegalArgumentException("strategy " + spec.name() + ": the knob "
                        + parameter.name() + " is a flag, not a number");
            });
        }
        return params;
    }

    /** {@code name=value} pairs and the prompt's max-model-calls, as tables show them. */
    public static String text(final Map<String, String> params, final int maxModelCalls) {
        final StringBuilder text = new StringBuilder();
        params.forEach((name, value) -> text.append(name).append('=').append(value).append(' '));
        return text.append("max-model-calls=").append(maxModelCalls).toString();
    }
}
