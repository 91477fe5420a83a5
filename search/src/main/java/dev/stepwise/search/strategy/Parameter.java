package dev.stepwise.search.strategy;

import dev.stepwise.schemas.deadletter.RejectedInputException;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One parameter of a strategy, declared once with its type, default, range and description. Every
 * entry point (the Avro prompt, the text and JSON ingress, the CLI flags and their help, explain, the
 * gateway) reads it from here. Values travel as text in {@code Strategy.params} and are parsed and
 * range-checked by {@link #parse}.
 *
 * @param name        kebab-case name, e.g. {@code beam-width}; also the CLI flag ({@code --beam-width})
 * @param type        value type
 * @param defaultValue value when a prompt sets none; an {@link Integer}, {@link Double} or {@link Boolean}
 * @param min         smallest value (numbers only)
 * @param max         largest value (numbers only)
 * @param description one sentence for help texts
 * @param aliases     other names accepted for it (older spellings), e.g. {@code beam-width} for best-of-n's {@code n}
 * @param legacy      the fixed {@code Strategy} field that also carries it for readers that predate the map, or null
 */
public record Parameter(String name, Type type, Object defaultValue, double min, double max, String description,
                        List<String> aliases, LegacyField legacy) {

    /** Value types a parameter can have. */
    public enum Type { INT, DOUBLE, BOOLEAN }

    /**
     * The fixed fields of the Avro {@code Strategy} record, from before the parameter map. A parameter
     * tied to one is read from it when the map does not name it, and written to it as well, so that a
     * topology or client of an earlier version reads the same search.
     */
    public enum LegacyField { BEAM_WIDTH, BRANCHING, MAX_DEPTH, MAX_REVISIONS }

    public Parameter {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(description, "description");
        aliases = List.copyOf(aliases);
        if (!name.matches("[a-z][a-z0-9-]*")) {
            throw new IllegalArgumentException("parameter names are kebab-case, got '" + name + "'");
        }
    }

    /** A whole-number parameter in {@code [min, max]}. */
    public static Parameter integer(final String name, final int defaultValue, final int min, final int max,
                                    final String description) {
        if (defaultValue < min || defaultValue > max) {
            throw new IllegalArgumentException(name + ": default " + defaultValue + " outside [" + min + ", " + max + "]");
        }
        return new Parameter(name, Type.INT, defaultValue, min, max, description, List.of(), null);
    }

    /** A real-valued parameter in {@code [min, max]}. */
    public static Parameter real(final String name, final double defaultValue, final double min, final double max,
                                 final String description) {
        if (defaultValue < min || defaultValue > max) {
            throw new IllegalArgumentException(name + ": default " + defaultValue + " outside [" + min + ", " + max + "]");
        }
        return new Parameter(name, Type.DOUBLE, defaultValue, min, max, description, List.of(), null);
    }

    /** A yes/no parameter. */
    public static Parameter flag(final String name, final boolean defaultValue, final String description) {
        return new Parameter(name, Type.BOOLEAN, defaultValue, 0, 1, description, List.of(), null);
    }

    /** This parameter, also accepted under {@code names}. */
    public Parameter withAliases(final String... names) {
        return new Parameter(name, type, defaultValue, min, max, description, List.of(names), legacy);
    }

    /** This parameter, also carried in the fixed Avro field {@code field}. */
    public Parameter withLegacyField(final LegacyField field) {
        return new Parameter(name, type, defaultValue, min, max, description, aliases, field);
    }

    /** True when {@code key} is this parameter's name or one of its aliases (case and '_' for '-' ignored). */
    public boolean answersTo(final String key) {
        final String normalised = normalise(key);
        return name.equals(normalised) || aliases.contains(normalised);
    }

    /** {@code my_Param} and {@code my-param} name the same parameter: JSON writers prefer snake case. */
    static String normalise(final String key) {
        return key == null ? "" : key.strip().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * Parses and range-checks a value given as text.
     *
     * @param strategy the strategy it is given for, for the message
     * @throws RejectedInputException with code {@link StrategyRegistry#INVALID_STRATEGY}
     */
    public Object parse(final String strategy, final String text) {
        final String value = text == null ? "" : text.strip();
        return switch (type) {
            case INT -> {
                final long parsed;
                try {
                    parsed = Long.parseLong(value);
                } catch (final NumberFormatException e) {
                    throw invalid(strategy, "must be a whole number, got '" + value + "'");
                }
                yield (int) check(strategy, parsed);
            }
            case DOUBLE -> {
                final double parsed;
                try {
                    parsed = Double.parseDouble(value);
                } catch (final NumberFormatException e) {
                    throw invalid(strategy, "must be a number, got '" + value + "'");
                }
                if (Double.isNaN(parsed)) {
                    throw invalid(strategy, "must be a number, got NaN");
                }
                yield check(strategy, parsed);
            }
            case BOOLEAN -> switch (value.toLowerCase(Locale.ROOT)) {
                case "true", "yes", "on", "1" -> Boolean.TRUE;
                case "false", "no", "off", "0" -> Boolean.FALSE;
                default -> throw invalid(strategy, "must be true or false, got '" + value + "'");
            };
        };
    }

    /** Range-checks a value that arrived typed (a fixed Avro field). */
    Object check(final String strategy, final int value) {
        return (int) check(strategy, (double) value);
    }

    private double check(final String strategy, final double value) {
        if (value < min || value > max) {
            throw invalid(strategy, "must be in " + range() + ", got " + format(value));
        }
        return value;
    }

    private long check(final String strategy, final long value) {
        if (value < min || value > max) {
            throw invalid(strategy, "must be in " + range() + ", got " + value);
        }
        return value;
    }

    private RejectedInputException invalid(final String strategy, final String problem) {
        return new RejectedInputException(StrategyRegistry.INVALID_STRATEGY,
                "Parameter " + name + " of strategy " + strategy + " " + problem);
    }

    /** The value as it is written in {@code Strategy.params}. */
    public String format(final Object value) {
        return switch (type) {
            case INT, BOOLEAN -> String.valueOf(value);
            case DOUBLE -> {
                final double d = ((Number) value).doubleValue();
                yield d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
            }
        };
    }

    /** The allowed values, e.g. {@code [1, 16]}. */
    public String range() {
        return switch (type) {
            case INT -> "[" + (long) min + ", " + (long) max + "]";
            case DOUBLE -> "[" + format(min) + ", " + format(max) + "]";
            case BOOLEAN -> "{true, false}";
        };
    }

    /** For help texts: {@code integer in [1, 16], default 2}. */
    public String typeAndDefault() {
        final String kind = switch (type) {
            case INT -> "integer";
            case DOUBLE -> "number";
            case BOOLEAN -> "true or false";
        };
        return (type == Type.BOOLEAN ? kind : kind + " in " + range()) + ", default " + format(defaultValue);
    }
}
