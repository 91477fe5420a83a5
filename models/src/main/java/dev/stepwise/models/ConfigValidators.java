package dev.stepwise.models;

import java.util.List;
import java.util.Locale;
import org.apache.kafka.common.config.ConfigDef.Validator;
import org.apache.kafka.common.config.ConfigException;

/** The {@code ConfigDef} validators Kafka's own set lacks, shared by the model and model-server configurations. */
public final class ConfigValidators {

    private ConfigValidators() {
    }

    /** Lets a missing (null) value through and checks any other with {@code validator}. */
    public static Validator nullable(final Validator validator) {
        return (name, value) -> {
            if (value != null && validator != null) {
                validator.ensureValid(name, value);
            }
        };
    }

    /** One of {@code names}, ignoring case and surrounding spaces. */
    public static Validator oneOf(final String... names) {
        final List<String> valid = List.of(names);
        return (name, value) -> {
            if (!valid.contains(value.toString().strip().toLowerCase(Locale.ROOT))) {
                throw new ConfigException(name, value, "expected " + String.join(" or ", valid));
            }
        };
    }

    /** A number in [min, max]; unlike Kafka's {@code Range} it also rejects NaN. */
    public static Validator between(final long min, final long max) {
        return (name, value) -> {
            final double number = ((Number) value).doubleValue();
            if (!(number >= min && number <= max)) {
                throw new ConfigException(name, value, "expected a number in [" + min + "," + max + "]");
            }
        };
    }
}
