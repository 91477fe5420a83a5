package dev.stepwise.bench;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The grid of {@code bench strategies}: budgets, strategies with their budget knobs, verifiers, profiles, the
 * problems and seeds, the quick variant, and what the headlines compare. The defaults are
 * {@value #RESOURCE} next to this class; {@code --grid FILE} replaces them with a file of the same layout, and
 * flags override single fields. Unknown fields are errors, so that a misspelt key is not silently ignored.
 *
 * @param about      what the file is, for its readers
 * @param budgets    model-call budgets of every role, ascending
 * @param strategies the strategies, in the order tables and plots list them
 * @param verifiers  the verifiers
 * @param profiles   the synthetic backend's profiles
 * @param problems   problems and seeds of a full run
 * @param quick      what {@code --quick} changes
 * @param headline   what the headline lines compare
 * @param pipeline   the cell {@code --pipeline} sends through Kafka
 */
public record GridConfig(String about, List<Integer> budgets, List<StrategySpec> strategies, List<VerifierSpec> verifiers,
                         List<String> profiles, ProblemSpec problems, QuickSpec quick, HeadlineSpec headline,
                         PipelineSpec pipeline) {

    /** The defaults, next to this class. */
    public static final String RESOURCE = "strategies-grid.json";

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    public GridConfig {
        budgets = List.copyOf(Objects.requireNonNull(budgets, "budgets"));
        strategies = List.copyOf(Objects.requireNonNull(strategies, "strategies"));
        verifiers = List.copyOf(Objects.requireNonNull(verifiers, "verifiers"));
        profiles = List.copyOf(Objects.requireNonNull(profiles, "profiles"));
        Objects.requireNonNull(problems, "problems");
        Objects.requireNonNull(quick, "quick");
        Objects.requireNonNull(headline, "headline");
        Objects.requireNonNull(pipeline, "pipeline");
        if (budgets.isEmpty() || strategies.isEmpty() || verifiers.isEmpty() || profiles.isEmpty()) {
            throw new IllegalArgumentException("the grid needs at least one budget, strategy, verifier and profile");
        }
        for (int i = 0; i < budgets.size(); i++) {
            if (budgets.get(i) < 1 || i > 0 && budgets.get(i) <= budgets.get(i - 1)) {
                throw new IllegalArgumentException("budgets must be positive and ascending, got " + budgets);
            }
        }
    }

    /**
     * A strategy and how a budget sets its parameters.
     *
     * @param name         a registry name
     * @param knob         parameters set from the budget: each to {@code units x factor}, where units is
     *                     {@code budget / callsPerUnit} rounded down (at least 1); empty when the budget is only the
     *                     prompt's max-model-calls
     * @param callsPerUnit model calls one unit of the knob costs, about
     * @param capFactor    the prompt's max-model-calls is {@code budget x capFactor} (absent or 0: 1). Above 1 for a
     *                     strategy of fixed size (n chains), so that its size sets its cost rather than a cut that
     *                     leaves long problems unfinished; the plots use the calls it made, whatever its cap
     * @param params       fixed parameters, as text
     */
    public record StrategySpec(String name, Map<String, Double> knob, int callsPerUnit, double capFactor,
                               Map<String, String> params) {
        public StrategySpec {
            Objects.requireNonNull(name, "name");
            knob = knob == null ? Map.of() : new LinkedHashMap<>(knob);
            params = params == null ? Map.of() : new LinkedHashMap<>(params);
            if (!knob.isEmpty() && callsPerUnit < 1) {
                throw new IllegalArgumentException("strategy " + name + " has a knob but no callsPerUnit >= 1");
            }
            if (capFactor == 0.0) {
                capFactor = 1.0;
            }
            if (!(capFactor >= 1.0)) {
                throw new IllegalArgumentException("strategy " + name + ": capFactor must be at least 1, got " + capFactor);
            }
        }

        /** The prompt's max-model-calls at {@code budget}. */
        public int maxModelCalls(final int budget) {
            return (int) Math.round(budget * capFactor);
        }
    }

    /**
     * A verifier of the synthetic backend, in each profile's terms.
     *
     * @param name            how tables and files name it
     * @param falseAcceptRate uniform profile: probability that a wrong step or answer is accepted
     * @param falseRejectRate uniform profile: probability that a right one is rejected
     * @param verifierNoise   realistic profile: standard deviation of the graded score's noise (0 is exact)
     */
    public record VerifierSpec(String name, double falseAcceptRate, double falseRejectRate, double verifierNoise) {
        public VerifierSpec {
            Objects.requireNonNull(name, "name");
        }

        /** True when the verifier never errs, in every profile. */
        @JsonIgnore
        public boolean isExact() {
            return falseAcceptRate == 0.0 && falseRejectRate == 0.0 && verifierNoise == 0.0;
        }
    }

    /**
     * The problems: {@code perSeed} problems of {@code SyntheticTaskSuite.mixed(perSeed, maxSteps, seed)} for each
     * evaluation seed, each searched with the backend seeded by the same seed.
     *
     * @param perSeed          problems per seed
     * @param maxSteps         the longest problem, in serial steps
     * @param seeds            evaluation seeds, e.g. {@code 1-2} or {@code 1,5}
     * @param calibrationSeeds seeds reserved for calibrating {@code auto}; must not meet the evaluation seeds
     * @param passSamples      unverified chains sampled per problem to estimate its pass@1
     */
    public record ProblemSpec(int perSeed, int maxSteps, String seeds, String calibrationSeeds, int passSamples) {
        public ProblemSpec {
            if (perSeed < 1 || maxSteps < 1 || passSamples < 1) {
                throw new IllegalArgumentException("perSeed, maxSteps and passSamples must be at least 1");
            }
            SeedRange.parse(seeds);
            SeedRange.parse(calibrationSeeds);
        }
    }

    /**
     * What {@code --quick} changes.
     *
     * @param budgets          its budgets
     * @param perSeed          problems per seed
     * @param seeds            evaluation seeds
     * @param calibrationSeeds calibration seeds
     * @param passSamples      chains per pass@1 estimate
     */
    public record QuickSpec(List<Integer> budgets, int perSeed, String seeds, String calibrationSeeds, int passSamples) {
        public QuickSpec {
            budgets = List.copyOf(budgets);
        }
    }

    /**
     * What the headlines compare.
     *
     * @param candidate       the strategy under test ({@code auto})
     * @param reference       the strategy whose accuracy at {@code referenceBudget} it must reach
     * @param referenceBudget the reference's budget
     * @param adaptive        the adaptive baseline it must beat at equal accuracy
     * @param referenceLabel  how the headlines name the reference, e.g. {@code weighted-best-of-n@64} for the cell whose
     *                        knob is 64 samples (null: {@code <reference>@<referenceBudget>})
     */
    public record HeadlineSpec(String candidate, String reference, int referenceBudget, String adaptive,
                               String referenceLabel) {

        public HeadlineSpec(final String candidate, final String reference, final int referenceBudget,
                            final String adaptive) {
            this(candidate, reference, referenceBudget, adaptive, null);
        }

        /** The reference as the headlines name it. */
        public String label() {
            return referenceLabel == null || referenceLabel.isBlank() ? reference + "@" + referenceBudget : referenceLabel;
        }
    }

    /**
     * The cell {@code --pipeline N} sends through Kafka: every strategy at this budget, profile and verifier.
     *
     * @param budget   model calls
     * @param profile  backend profile
     * @param verifier verifier name
     */
    public record PipelineSpec(int budget, String profile, String verifier) {
    }

    /** The defaults shipped with the bench. */
    public static GridConfig defaults() {
        try (InputStream in = GridConfig.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the classpath");
            }
            return JSON.readValue(in, GridConfig.class);
        } catch (final IOException e) {
            throw new UncheckedIOException("Cannot read " + RESOURCE + ": " + e.getMessage(), e);
        }
    }

    /** A grid file of the same layout as the defaults. */
    public static GridConfig read(final Path file) {
        try {
            return JSON.readValue(Files.readString(file), GridConfig.class);
        } catch (final IOException e) {
            throw new IllegalArgumentException("Cannot read the grid file " + file + ": " + e.getMessage(), e);
        }
    }

    /** The strategy spec called {@code name}, if the grid has one. */
    public StrategySpec strategy(final String name) {
        return strategies.stream().filter(s -> s.name().equals(name)).findFirst().orElse(null);
    }

    /** The verifier called {@code name}, if the grid has one. */
    public VerifierSpec verifier(final String name) {
        return verifiers.stream().filter(v -> v.name().equals(name)).findFirst().orElse(null);
    }

    /** This grid as JSON, as it is recorded with the results. */
    public String toJson() {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(this);
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
