package dev.stepwise.models.synthetic;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * {@code compose p1 p2 ... pn in S5}, permutations of 1..5 in one-line notation: {@code [a1,...,a5]} maps i to ai.
 * They are applied left to right, so the product maps i to pn(...p2(p1(i))). The state is the running product of
 * p1..pk; one step composes p(k+1) into it: {@code R'[i] = p(k+1)[R[i]]}. n permutations take n - 1 steps.
 */
final class PermutationComposition implements SerialProblem<PermutationComposition.Product> {

    static final int DEGREE = 5;
    private static final List<Integer> IDENTITY = List.of(1, 2, 3, 4, 5);

    private static final Pattern PROBLEM = Pattern.compile("compose\\s+(.*?)\\s*in\\s+s\\s*5\\s*\\.?",
            Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    private static final Pattern BRACKETS = Pattern.compile("\\[([^\\]]*)\\]");
    private static final Pattern STATE = Pattern.compile("now\\s+p1\\s*\\.\\.\\s*p(\\d+)\\s*=\\s*\\[([^\\]]*)\\]",
            Pattern.CASE_INSENSITIVE);

    /**
     * The product of the first {@code composed} permutations.
     *
     * @param composed how many permutations the product covers, from 1
     * @param images   the product in one-line notation
     */
    record Product(int composed, List<Integer> images) {
        Product {
            images = List.copyOf(images);
        }
    }

    private enum Slip { SWAPPED_IMAGES, WRONG_ORDER, REPEATED_PERMUTATION }

    private final List<List<Integer>> permutations;

    private PermutationComposition(final List<List<Integer>> permutations) {
        this.permutations = List.copyOf(permutations);
    }

    static PermutationComposition parse(final String text) {
        final Matcher matcher = PROBLEM.matcher(text.strip());
        if (!matcher.matches()) {
            throw new ProblemFormatException("a permutation problem reads 'compose [a,b,c,d,e] [a,b,c,d,e] ... in S5'");
        }
        final Matcher brackets = BRACKETS.matcher(matcher.group(1));
        final List<List<Integer>> permutations = new ArrayList<>();
        while (brackets.find()) {
            final List<Integer> permutation = parsePermutation(brackets.group(1));
            if (permutation == null) {
                throw new ProblemFormatException("[" + brackets.group(1) + "] is not a permutation of 1..5");
            }
            permutations.add(permutation);
        }
        final String between = BRACKETS.matcher(matcher.group(1)).replaceAll(" ").replace(',', ' ').strip();
        if (!between.isEmpty()) {
            throw new ProblemFormatException("unexpected '" + between + "' between the permutations");
        }
        if (permutations.size() < 2) {
            throw new ProblemFormatException("at least two permutations are needed to compose");
        }
        return new PermutationComposition(permutations);
    }

    static GeneratedProblem generate(final int steps, final SplittableRandom random) {
        final List<List<Integer>> permutations = new ArrayList<>();
        for (int i = 0; i <= steps; i++) {
            List<Integer> permutation = IDENTITY;
            // The identity would make a step that changes nothing; draw again.
            while (permutation.equals(IDENTITY)) {
                permutation = Numbers.shuffled(IDENTITY, random);
            }
            permutations.add(permutation);
        }
        final PermutationComposition problem = new PermutationComposition(permutations);
        final String text = "compose " + permutations.stream().map(PermutationComposition::format)
                .collect(Collectors.joining(" ")) + " in S5";
        return new GeneratedProblem(Family.PERMUTATION_COMPOSITION, steps, text, problem.solve());
    }

    @Override
    public Family family() {
        return Family.PERMUTATION_COMPOSITION;
    }

    @Override
    public int steps() {
        return permutations.size() - 1;
    }

    @Override
    public Product initial() {
        return new Product(1, permutations.get(0));
    }

    @Override
    public boolean isFinal(final Product state) {
        return state.composed() >= permutations.size();
    }

    @Override
    public String answer(final Product state) {
        return format(state.images());
    }

    @Override
    public Transition<Product> next(final Product state) {
        return compose(state, state.composed() + 1, then(state.images(), nextPermutation(state)));
    }

    @Override
    public Transition<Product> corrupt(final Product state, final SplittableRandom random) {
        final Transition<Product> correct = next(state);
        final List<Integer> operand = nextPermutation(state);
        for (final Slip slip : Numbers.shuffled(List.of(Slip.values()), random)) {
            final Transition<Product> wrong = switch (slip) {
                case SWAPPED_IMAGES -> swapped(correct, random);
                // Applies the next permutation first: the classic confusion about composition order.
                case WRONG_ORDER -> compose(state, state.composed() + 1, then(operand, state.images()));
                // Composes the permutation used in the previous step again instead of the next one.
                case REPEATED_PERMUTATION -> new Transition<>(
                        work(state, state.composed() + 1, permutations.get(state.composed() - 1),
                                then(state.images(), permutations.get(state.composed() - 1))),
                        new Product(state.composed() + 1, then(state.images(), permutations.get(state.composed() - 1))));
            };
            if (!wrong.state().equals(correct.state())) {
                return wrong;
            }
        }
        // Two different images swapped always give a different permutation.
        return swapped(correct, random);
    }

    @Override
    public String describe(final Product state) {
        return "now p1.." + "p" + state.composed() + " = " + format(state.images());
    }

    @Override
    public Product parseState(final String stepBody) throws StepFormatException {
        final Matcher matcher = STATE.matcher(stepBody);
        if (!matcher.find()) {
            throw new StepFormatException("the step does not state the running product, as 'now p1..pk = [a,b,c,d,e]'");
        }
        final Long composed = Numbers.parseBounded(matcher.group(1), permutations.size());
        if (composed == null || composed < 1) {
            throw new StepFormatException("p" + matcher.group(1) + " is not one of p1..p" + permutations.size());
        }
        final List<Integer> images = parsePermutation(matcher.group(2));
        if (images == null) {
            throw new StepFormatException("[" + matcher.group(2) + "] is not a permutation of 1..5");
        }
        return new Product(composed.intValue(), images);
    }

    @Override
    public String solve() {
        List<Integer> product = IDENTITY;
        for (final List<Integer> permutation : permutations) {
            final List<Integer> applied = new ArrayList<>();
            for (int i = 0; i < DEGREE; i++) {
                applied.add(permutation.get(product.get(i) - 1));
            }
            product = applied;
        }
        return format(product);
    }

    @Override
    public String normalizeAnswer(final String raw) {
        final Matcher matcher = BRACKETS.matcher(raw.strip());
        if (!matcher.matches()) {
            return null;
        }
        final List<Integer> permutation = parsePermutation(matcher.group(1));
        return permutation == null ? null : format(permutation);
    }

    private List<Integer> nextPermutation(final Product state) {
        return permutations.get(state.composed());
    }

    private Transition<Product> compose(final Product state, final int composed, final List<Integer> result) {
        return new Transition<>(work(state, composed, permutations.get(composed - 1), result),
                new Product(composed, result));
    }

    private static String work(final Product state, final int composed, final List<Integer> operand,
                               final List<Integer> result) {
        return "compose p" + composed + ": " + format(state.images()) + " then " + format(operand) + " = "
                + format(result);
    }

    /** Writes the right operands and the right product, with two images swapped: a copying slip. */
    private static Transition<Product> swapped(final Transition<Product> correct, final SplittableRandom random) {
        final int i = random.nextInt(DEGREE);
        final int j = (i + 1 + random.nextInt(DEGREE - 1)) % DEGREE;
        final List<Integer> images = new ArrayList<>(correct.state().images());
        final Integer tmp = images.get(i);
        images.set(i, images.get(j));
        images.set(j, tmp);
        final String work = correct.work().substring(0, correct.work().lastIndexOf('=') + 2) + format(images);
        return new Transition<>(work, new Product(correct.state().composed(), images));
    }

    /** {@code first} then {@code second}: i maps to second(first(i)). */
    private static List<Integer> then(final List<Integer> first, final List<Integer> second) {
        return IntStream.range(0, DEGREE).mapToObj(i -> second.get(first.get(i) - 1)).toList();
    }

    static String format(final List<Integer> permutation) {
        return permutation.stream().map(String::valueOf).collect(Collectors.joining(",", "[", "]"));
    }

    private static List<Integer> parsePermutation(final String inner) {
        final String[] parts = inner.split(",");
        if (parts.length != DEGREE) {
            return null;
        }
        final List<Integer> images = new ArrayList<>();
        for (final String part : parts) {
            final Long value = Numbers.parseBounded(part, DEGREE);
            if (value == null || value < 1 || images.contains(value.intValue())) {
                return null;
            }
            images.add(value.intValue());
        }
        return images;
    }
}
