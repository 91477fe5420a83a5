package dev.stepwise.search.strategy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@link Auto} does for an estimated difficulty: a table per kind of verifier ({@code exact}: scores of
 * 0 or 1; {@code graded}: scores in between, like a process reward model), each a list of difficulty buckets
 * ({@code upTo}, ascending) naming a strategy and its parameters, plus the strategy to escalate to when the
 * cheap one gives up. Calibrated offline by the benchmark on seeds disjoint from the evaluation seeds, and
 * shipped as {@code auto-calibration.json} next to this class ({@code ./stepwise bench calibrate} remakes it).
 *
 * @param version    layout version
 * @param made       how it was made: command and date
 * @param seeds      the seeds of the problems it was calibrated on (e.g. {@code 1001-1004}); an evaluation must use
 *                   other seeds, and the benchmark refuses one that does not
 * @param tables     by verifier kind, buckets ascending
 * @param escalation where a strategy that gives up hands over to
 */
public record AutoCalibration(int version, String made, String seeds, Map<String, List<Bucket>> tables,
                              Choice escalation) {

    /** The resource {@link #shipped()} reads. */
    public static final String RESOURCE = "auto-calibration.json";

    /**
     * Made on first use, not when the class loads: Jackson's start-up costs a command-line client ~0.3 s, and only
     * a search that runs auto (the topology, the bench) needs the calibration itself.
     */
    private static final class Lazy {
        static final ObjectMapper JSON = JsonMapper.builder()
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
        static final AutoCalibration SHIPPED = load();
    }

    /**
     * A strategy with parameters.
     *
     * @param strategy a registry name
     * @param params   its parameters as text
     */
    public record Choice(String strategy, Map<String, String> params) {
        public Choice {
            params = params == null ? Map.of() : new LinkedHashMap<>(params);
        }
    }

    /**
     * Estimated difficulties up to {@code upTo} (exclusive) get {@code strategy} with {@code params}, unless the
     * prompt's budget is small: then the tier with the largest {@code budget} at most the prompt's (or the smallest
     * tier) says what fits in it.
     *
     * @param upTo     upper bound of the bucket
     * @param strategy a registry name
     * @param params   its parameters as text
     * @param tiers    choices for smaller budgets, ascending by budget; may be empty
     */
    public record Bucket(double upTo, String strategy, Map<String, String> params, List<Tier> tiers) {
        public Bucket {
            params = params == null ? Map.of() : new LinkedHashMap<>(params);
            tiers = tiers == null ? List.of() : List.copyOf(tiers);
        }

        public Bucket(final double upTo, final String strategy, final Map<String, String> params) {
            this(upTo, strategy, params, List.of());
        }

        Choice choice(final int maxModelCalls) {
            if (tiers.isEmpty() || maxModelCalls >= 2 * tiers.get(tiers.size() - 1).budget()) {
                return new Choice(strategy, params);
            }
            Tier fits = tiers.get(0);
            for (final Tier tier : tiers) {
                if (tier.budget() <= maxModelCalls) {
                    fits = tier;
                }
            }
            return new Choice(fits.strategy(), fits.params());
        }
    }

    /**
     * What fits in a budget of about {@code budget} model calls.
     *
     * @param budget   model calls
     * @param strategy a registry name
     * @param params   its parameters as text
     */
    public record Tier(int budget, String strategy, Map<String, String> params) {
        public Tier {
            params = params == null ? Map.of() : new LinkedHashMap<>(params);
        }
    }

    public AutoCalibration {
        tables = Map.copyOf(tables);
        for (final Map.Entry<String, List<Bucket>> table : tables.entrySet()) {
            if (table.getValue().isEmpty()) {
                throw new IllegalArgumentException("calibration table " + table.getKey() + " is empty");
            }
        }
    }

    /** The calibration shipped with Stepwise. */
    public static AutoCalibration shipped() {
        return Lazy.SHIPPED;
    }

    /**
     * The choice for {@code estimate} under the verifier kind {@code table}, for a prompt that may spend
     * {@code maxModelCalls}; the last bucket takes the rest.
     */
    public Choice choose(final String table, final double estimate, final int maxModelCalls) {
        final List<Bucket> buckets = tables.getOrDefault(table, tables.values().iterator().next());
        return buckets.get(bucket(table, estimate)).choice(maxModelCalls);
    }

    /** The bucket index of {@code estimate} under {@code table}, for decisions and reports. */
    public int bucket(final String table, final double estimate) {
        final List<Bucket> buckets = tables.getOrDefault(table, tables.values().iterator().next());
        for (int i = 0; i < buckets.size(); i++) {
            if (estimate < buckets.get(i).upTo()) {
                return i;
            }
        }
        return buckets.size() - 1;
    }

    /** This calibration as JSON, as the benchmark writes it. */
    public String toJson() {
        try {
            return Lazy.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(this);
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads a calibration written by {@link #toJson()}. */
    public static AutoCalibration fromJson(final String json) {
        try {
            return Lazy.JSON.readValue(json, AutoCalibration.class);
        } catch (final IOException e) {
            throw new UncheckedIOException("Not an auto calibration: " + e.getMessage(), e);
        }
    }

    private static AutoCalibration load() {
        try (InputStream in = AutoCalibration.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the classpath");
            }
            return Lazy.JSON.readValue(in, AutoCalibration.class);
        } catch (final IOException e) {
            throw new UncheckedIOException("Cannot read " + RESOURCE, e);
        }
    }
}
