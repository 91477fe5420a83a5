package dev.stepwise.models.synthetic;

import dev.stepwise.models.ProblemNotUnderstoodException;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * The synthetic task suite: generators and exact solvers for five families of inherently serial problems
 * (see {@link Family}). It is the ground truth behind {@link SyntheticModelBackend}; it is not a language model
 * and understands nothing but these five grammars.
 */
public final class SyntheticTaskSuite {

    /** The largest difficulty {@link #generate} produces. */
    public static final int MAX_GENERATED_STEPS = 256;

    /** The smallest difficulty {@link #mixed} aims for (unless maxSteps is smaller). */
    public static final int MIXED_MIN_STEPS = 4;

    private SyntheticTaskSuite() {
    }

    /**
     * A problem of {@code family} that takes exactly {@code steps} serial steps; the same arguments always give the
     * same problem.
     *
     * @throws IllegalArgumentException when steps is not in [1, {@value #MAX_GENERATED_STEPS}]
     */
    public static GeneratedProblem generate(final Family family, final int steps, final long seed) {
        Objects.requireNonNull(family, "family");
        if (steps < 1 || steps > MAX_GENERATED_STEPS) {
            throw new IllegalArgumentException("steps must be in [1, " + MAX_GENERATED_STEPS + "], got " + steps);
        }
        final SplittableRandom random = Seeds.random(seed, "generate", family.id(), Integer.toString(steps));
        return switch (family) {
            case MODULAR_ARITHMETIC -> ModularArithmetic.generate(steps, random);
            case PERMUTATION_COMPOSITION -> PermutationComposition.generate(steps, random);
            case ITERATED_SQUARING -> IteratedSquaring.generate(steps, random);
            case BOOLEAN_CIRCUIT -> BooleanCircuit.generate(steps, random);
            case INTEGER_ARITHMETIC -> IntegerArithmetic.generate(steps, random);
        };
    }

    /**
     * {@code count} problems, the families taken in turn ({@link Family} order) and the difficulty rising evenly along
     * the list from {@value #MIXED_MIN_STEPS} (or {@code maxSteps}, if smaller) to {@code maxSteps}. Deterministic.
     *
     * @throws IllegalArgumentException when count is negative or maxSteps is not in [1, {@value #MAX_GENERATED_STEPS}]
     */
    public static List<GeneratedProblem> mixed(final int count, final int maxSteps, final long seed) {
        if (count < 0) {
            throw new IllegalArgumentException("count must not be negative, got " + count);
        }
        if (maxSteps < 1 || maxSteps > MAX_GENERATED_STEPS) {
            throw new IllegalArgumentException("maxSteps must be in [1, " + MAX_GENERATED_STEPS + "], got " + maxSteps);
        }
        final int minSteps = Math.min(MIXED_MIN_STEPS, maxSteps);
        final Family[] families = Family.values();
        final List<GeneratedProblem> problems = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            final double position = count == 1 ? 1.0 : (double) i / (count - 1);
            final int steps = minSteps + (int) Math.round(position * (maxSteps - minSteps));
            problems.add(generate(families[i % families.length], steps, Seeds.mix(seed, "mixed", Integer.toString(i))));
        }
        return List.copyOf(problems);
    }

    /**
     * The exact answer of a problem in normal form.
     *
     * @throws ProblemNotUnderstoodException when the text is not a problem of the suite
     */
    public static String solve(final String problemText) {
        return parse(problemText).solve();
    }

    /** @throws ProblemNotUnderstoodException when the text is not a problem of the suite */
    public static Family familyOf(final String text) {
        return parse(text).family();
    }

    /**
     * Number of serial steps a correct chain takes.
     *
     * @throws ProblemNotUnderstoodException when the text is not a problem of the suite
     */
    public static int stepsOf(final String text) {
        return parse(text).steps();
    }

    /**
     * True when {@code answer} is the problem's exact answer, after normalising it (spaces in a permutation, a
     * residue not reduced, ...).
     *
     * @throws ProblemNotUnderstoodException when the text is not a problem of the suite
     */
    public static boolean isCorrect(final String problemText, final String answer) {
        if (answer == null) {
            return false;
        }
        final SerialProblem<?> problem = parse(problemText);
        return problem.solve().equals(problem.normalizeAnswer(answer));
    }

    /** What the suite understands, with an example of each family, and how to use a real model instead. */
    public static String help() {
        final StringBuilder text = new StringBuilder();
        text.append("The default backend, ").append(SyntheticModelBackend.MODEL_NAME)
                .append(", is a synthetic task suite, not a language model: it solves only these five families of")
                .append(" problems:\n");
        for (final Family family : Family.values()) {
            text.append("  - ").append(family.title()).append(", e.g. ").append(family.example()).append('\n');
        }
        text.append("To ask free-form questions, point Stepwise at an OpenAI-compatible server (OpenAI, vLLM, Ollama,")
                .append(" llama.cpp): --model-backend openai --openai-base-url URL --openai-model NAME")
                .append(" (or the environment variables STEPWISE_MODEL_BACKEND=openai, STEPWISE_OPENAI_BASE_URL,")
                .append(" STEPWISE_OPENAI_MODEL and STEPWISE_OPENAI_API_KEY).");
        return text.toString();
    }

    /** Parses a problem of any family; tolerant of case and whitespace. */
    static SerialProblem<?> parse(final String text) {
        if (text == null || text.isBlank()) {
            throw notUnderstood("The problem is empty.");
        }
        final String lead = text.strip().toLowerCase(Locale.ROOT);
        try {
            if (lead.startsWith("compute")) {
                return ModularArithmetic.parse(text);
            }
            if (lead.startsWith("compose")) {
                return PermutationComposition.parse(text);
            }
            if (lead.startsWith("square")) {
                return IteratedSquaring.parse(text);
            }
            if (lead.matches("(?s)evaluate\\s+circuit.*")) {
                return BooleanCircuit.parse(text);
            }
            if (lead.matches("(?s)start\\s+at.*")) {
                return IntegerArithmetic.parse(text);
            }
        } catch (final ProblemFormatException e) {
            throw notUnderstood("Could not read the problem: " + e.getMessage() + ".");
        }
        throw notUnderstood("The problem does not start like any of the five families.");
    }

    private static ProblemNotUnderstoodException notUnderstood(final String reason) {
        return new ProblemNotUnderstoodException(reason + "\n" + help());
    }
}
