package dev.stepwise.search.strategy;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The resolved parameters of one prompt's strategy: every declared parameter with a value (given,
 * or its default), already parsed and range-checked. Immutable.
 */
public final class StrategyParameters {

    private final Map<String, Object> values;

    StrategyParameters(final Map<String, Object> values) {
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    public int intValue(final String name) {
        return ((Number) require(name)).intValue();
    }

    public double doubleValue(final String name) {
        return ((Number) require(name)).doubleValue();
    }

    public boolean flag(final String name) {
        return (Boolean) require(name);
    }

    private Object require(final String name) {
        final Object value = values.get(name);
        if (value == null) {
            throw new IllegalArgumentException("no parameter " + name + "; have " + values.keySet());
        }
        return value;
    }

    /** Name to value, in declaration order. */
    public Map<String, Object> values() {
        return values;
    }

    @Override
    public boolean equals(final Object other) {
        return other instanceof StrategyParameters p && values.equals(p.values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }

    @Override
    public String toString() {
        return values.toString();
    }
}
