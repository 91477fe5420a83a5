package dev.stepwise.models.synthetic;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The five families of inherently serial problems in the synthetic task suite (after Li et al. 2024,
 * "Chain of Thought Empowers Transformers to Solve Inherently Serial Problems", arXiv:2402.12875).
 * Each has exact ground truth, and its difficulty is the number of serial steps a solution takes.
 */
public enum Family {

    MODULAR_ARITHMETIC("modular", "modular arithmetic",
            "compute <expression> mod <p>: non-negative integers, + - *, parentheses; one step evaluates one"
                    + " operation (the leftmost innermost parenthesised group first, * before + and -, left to right)"
                    + " and reduces its result mod p",
            "compute (3*4+5)*2 mod 7"),

    PERMUTATION_COMPOSITION("permutation", "permutation composition in S5",
            "compose <perm> <perm> ... in S5: permutations of 1..5 in one-line notation [a1,...,a5] (i maps to ai),"
                    + " applied left to right (the product maps i to pn(...p2(p1(i)))); one step composes the next"
                    + " permutation into the running product",
            "compose [2,3,1,5,4] [1,3,2,4,5] [5,4,3,2,1] in S5"),

    ITERATED_SQUARING("squaring", "iterated squaring",
            "square <x> repeatedly <n> times mod <p>: x0 = x, x(i+1) = x(i)^2 mod p, the answer is x(n);"
                    + " one step per squaring",
            "square 3 repeatedly 10 times mod 101"),

    BOOLEAN_CIRCUIT("circuit", "boolean circuit value",
            "evaluate circuit <inputs>; <gates>; output <gate>: inputs xi=0|1, gates g1, g2, ... in order, each"
                    + " AND(a,b), OR(a,b), XOR(a,b) or NOT(a) over inputs and earlier gates; one step evaluates one gate",
            "evaluate circuit x1=1 x2=0 x3=1; g1=AND(x1,x2); g2=OR(g1,x3); g3=NOT(g2); g4=XOR(g3,x1); output g4"),

    INTEGER_ARITHMETIC("arithmetic", "multi-step integer arithmetic",
            "start at <n>, <op>, <op>, ...: each op is add <n>, subtract <n> or multiply by <n>; exact integers,"
                    + " no division; one step per operation",
            "start at 12, add 7, multiply by 3, subtract 5");

    private final String id;
    private final String title;
    private final String grammar;
    private final String example;

    Family(final String id, final String title, final String grammar, final String example) {
        this.id = id;
        this.title = title;
        this.grammar = grammar;
        this.example = example;
    }

    /** Short, stable id, e.g. {@code squaring}; safe to use in metrics labels and file names. */
    public String id() {
        return id;
    }

    /** Human-readable name, e.g. {@code iterated squaring}. */
    public String title() {
        return title;
    }

    /** One-line grammar with the meaning of one step. */
    public String grammar() {
        return grammar;
    }

    /** A problem text of this family that the suite understands. */
    public String example() {
        return example;
    }

    /**
     * The family with this short id.
     *
     * @throws IllegalArgumentException naming the valid ids
     */
    public static Family fromId(final String id) {
        final String wanted = id == null ? "" : id.strip().toLowerCase(Locale.ROOT);
        for (final Family family : values()) {
            if (family.id.equals(wanted)) {
                return family;
            }
        }
        throw new IllegalArgumentException("Unknown family '" + id + "'; expected one of "
                + Arrays.stream(values()).map(Family::id).collect(Collectors.joining(", ")));
    }
}
