package dev.stepwise.models.synthetic;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.LongStream;

/**
 * {@code compute <expression> mod <p>}. The state is the expression still to compute. One step evaluates one
 * operation: inside the leftmost innermost parenthesised group (the group closed by the first {@code )}, or the
 * whole expression when there is none), the leftmost {@code *}, else the leftmost {@code +} or {@code -}. Its result
 * is reduced mod p and a group left holding a single number loses its parentheses. So
 * {@code (3*4+5)*2 mod 7} takes three steps: {@code 3*4 = 12 = 5 (mod 7); now (5+5)*2 mod 7}, ...
 */
final class ModularArithmetic implements SerialProblem<ModularArithmetic.Expression> {

    static final long MAX_NUMBER = 1_000_000_000L;

    /** Generated problems use primes, so that a product is zero only when a factor is. */
    private static final List<Long> GENERATED_MODULI =
            LongStream.rangeClosed(11, 97).filter(Numbers::isPrime).boxed().toList();

    private static final Pattern PROBLEM = Pattern.compile("compute\\s+(.+?)\\s+mod\\s+(\\d+)\\s*\\.?",
            Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    private static final Pattern STATE = Pattern.compile("(?:^|;)\\s*now\\s+(.+?)\\s+mod\\s+(\\d+)\\s*(?=;|$)",
            Pattern.CASE_INSENSITIVE);

    /** An expression as tokens: decimal numbers, {@code + - * ( )}. Equal expressions have equal token lists. */
    record Expression(List<String> tokens) {
        Expression {
            tokens = List.copyOf(tokens);
        }

        int operators() {
            return (int) tokens.stream().filter(ModularExpressions::isOperator).count();
        }

        @Override
        public String toString() {
            return String.join("", tokens);
        }
    }

    private enum Slip { OFF_BY_ONE, WRONG_OPERAND, DROPPED_TERM }

    /** Where the next operation is: the index of its operator and its operands. */
    private record Site(int index, long left, String operator, long right) {
    }

    private final Expression start;
    private final long modulus;
    private final int steps;

    private ModularArithmetic(final Expression start, final long modulus) {
        this.start = start;
        this.modulus = modulus;
        this.steps = start.operators();
    }

    static ModularArithmetic parse(final String text) {
        final Matcher matcher = PROBLEM.matcher(text.strip());
        if (!matcher.matches()) {
            throw new ProblemFormatException("a modular arithmetic problem reads 'compute <expression> mod <p>'");
        }
        final Long modulus = Numbers.parseBounded(matcher.group(2), MAX_NUMBER);
        if (modulus == null || modulus < 2) {
            throw new ProblemFormatException("the modulus must be an integer from 2 to " + MAX_NUMBER);
        }
        final List<String> tokens;
        try {
            tokens = ModularExpressions.tokenize(matcher.group(1));
            new ModularExpressions.Evaluator(tokens, modulus).evaluate();
        } catch (final StepFormatException e) {
            throw new ProblemFormatException("the expression is not valid: " + e.getMessage());
        }
        final Expression expression = new Expression(ModularExpressions.stripParentheses(tokens));
        if (expression.operators() == 0) {
            throw new ProblemFormatException("the expression has no operation to compute");
        }
        return new ModularArithmetic(expression, modulus);
    }

    static GeneratedProblem generate(final int steps, final SplittableRandom random) {
        final long modulus = Numbers.pick(GENERATED_MODULI, random);
        final Node tree = Node.build(steps, modulus, random);
        return new GeneratedProblem(Family.MODULAR_ARITHMETIC, steps,
                "compute " + tree.render() + " mod " + modulus, Long.toString(tree.value()));
    }

    @Override
    public Family family() {
        return Family.MODULAR_ARITHMETIC;
    }

    @Override
    public int steps() {
        return steps;
    }

    @Override
    public Expression initial() {
        return start;
    }

    @Override
    public boolean isFinal(final Expression state) {
        return state.tokens().size() == 1;
    }

    @Override
    public String answer(final Expression state) {
        return state.tokens().get(0);
    }

    @Override
    public Transition<Expression> next(final Expression state) {
        final Site site = locate(state);
        return transition(state, site, site.left(), site.right(), 0);
    }

    @Override
    public Transition<Expression> corrupt(final Expression state, final SplittableRandom random) {
        final Site site = locate(state);
        final Transition<Expression> correct = next(state);
        for (final Slip slip : Numbers.shuffled(List.of(Slip.values()), random)) {
            final Transition<Expression> wrong = switch (slip) {
                case OFF_BY_ONE -> transition(state, site, site.left(), site.right(), random.nextBoolean() ? 1 : -1);
                case WRONG_OPERAND -> wrongOperand(state, site, random);
                case DROPPED_TERM -> droppedTerm(correct, random);
            };
            if (wrong != null && !wrong.state().equals(correct.state())) {
                return wrong;
            }
        }
        // raw + 1 is never congruent to raw, whatever the modulus.
        return transition(state, site, site.left(), site.right(), 1);
    }

    @Override
    public String describe(final Expression state) {
        return "now " + state + " mod " + modulus;
    }

    @Override
    public Expression parseState(final String stepBody) throws StepFormatException {
        final Matcher matcher = STATE.matcher(stepBody);
        if (!matcher.find()) {
            throw new StepFormatException("the step does not state the expression left, as 'now <expression> mod <p>'");
        }
        if (!String.valueOf(modulus).equals(ModularExpressions.stripLeadingZeros(matcher.group(2)))) {
            throw new StepFormatException("the step works mod " + matcher.group(2) + " but the problem is mod " + modulus);
        }
        final List<String> tokens = ModularExpressions.tokenize(matcher.group(1));
        new ModularExpressions.Evaluator(tokens, modulus).evaluate();
        return new Expression(ModularExpressions.stripParentheses(tokens));
    }

    @Override
    public String solve() {
        try {
            return Long.toString(new ModularExpressions.Evaluator(start.tokens(), modulus).evaluate());
        } catch (final StepFormatException e) {
            throw new IllegalStateException("a parsed expression no longer evaluates: " + start, e);
        }
    }

    @Override
    public String normalizeAnswer(final String raw) {
        final Long value = Numbers.parseBounded(raw, Long.MAX_VALUE);
        return value == null ? null : Long.toString(Math.floorMod(value, modulus));
    }

    private Transition<Expression> transition(final Expression state, final Site site, final long left,
                                              final long right, final long slip) {
        final long raw = ModularExpressions.apply(left, site.operator(), right) + slip;
        final long result = Math.floorMod(raw, modulus);
        final String work = left + site.operator() + right + " = " + raw + (raw == result ? "" : " = " + result)
                + " (mod " + modulus + ")";
        return new Transition<>(work, replace(state, site, result));
    }

    /** Takes another number of the expression in place of one operand, as when misreading. */
    private Transition<Expression> wrongOperand(final Expression state, final Site site,
                                                final SplittableRandom random) {
        final boolean replaceLeft = random.nextBoolean();
        final long replaced = replaceLeft ? site.left() : site.right();
        final List<Long> others = new ArrayList<>();
        final List<String> tokens = state.tokens();
        for (int i = 0; i < tokens.size(); i++) {
            if (Math.abs(i - site.index()) != 1 && ModularExpressions.isNumber(tokens.get(i))) {
                final long value = Long.parseLong(tokens.get(i));
                if (value != replaced && !others.contains(value)) {
                    others.add(value);
                }
            }
        }
        if (others.isEmpty()) {
            return null;
        }
        final long other = Numbers.pick(others, random);
        return transition(state, site, replaceLeft ? other : site.left(), replaceLeft ? site.right() : other, 0);
    }

    /**
     * Computes the operation right but loses an operator and its number when copying the rest. Never drops a
     * {@code +0}, {@code -0} or {@code *1}, whose loss would change nothing.
     */
    private Transition<Expression> droppedTerm(final Transition<Expression> correct, final SplittableRandom random) {
        final List<String> tokens = correct.state().tokens();
        final List<Integer> candidates = new ArrayList<>();
        for (int i = 0; i + 1 < tokens.size(); i++) {
            if (ModularExpressions.isOperator(tokens.get(i)) && ModularExpressions.isNumber(tokens.get(i + 1))) {
                final long residue = Math.floorMod(Long.parseLong(tokens.get(i + 1)), modulus);
                if (residue != ("*".equals(tokens.get(i)) ? 1 : 0)) {
                    candidates.add(i);
                }
            }
        }
        if (candidates.isEmpty()) {
            return null;
        }
        final int at = Numbers.pick(candidates, random);
        final List<String> dropped = new ArrayList<>(tokens);
        dropped.remove(at + 1);
        dropped.remove(at);
        return new Transition<>(correct.work(), new Expression(ModularExpressions.stripParentheses(dropped)));
    }

    private static Site locate(final Expression state) {
        final List<String> tokens = state.tokens();
        final int close = tokens.indexOf(")");
        final int from = close < 0 ? 0 : tokens.subList(0, close).lastIndexOf("(") + 1;
        final int to = close < 0 ? tokens.size() : close;
        int index = -1;
        for (int i = from; i < to && index < 0; i++) {
            if ("*".equals(tokens.get(i))) {
                index = i;
            }
        }
        for (int i = from; i < to && index < 0; i++) {
            if (ModularExpressions.isOperator(tokens.get(i))) {
                index = i;
            }
        }
        if (index < 0) {
            throw new IllegalStateException("no operation left in " + state);
        }
        return new Site(index, Long.parseLong(tokens.get(index - 1)), tokens.get(index),
                Long.parseLong(tokens.get(index + 1)));
    }

    private static Expression replace(final Expression state, final Site site, final long value) {
        final List<String> tokens = new ArrayList<>(state.tokens());
        tokens.set(site.index() - 1, Long.toString(value));
        tokens.remove(site.index() + 1);
        tokens.remove(site.index());
        return new Expression(ModularExpressions.stripParentheses(tokens));
    }

    /** Expression tree used only to generate problems; its value is the ground truth of the generated text. */
    private record Node(String operator, Node left, Node right, long value) {

        static Node build(final int operators, final long modulus, final SplittableRandom random) {
            if (operators == 0) {
                return new Node(null, null, null, 1 + random.nextLong(modulus - 1));
            }
            final int leftOperators = random.nextInt(operators);
            final Node left = build(leftOperators, modulus, random);
            final Node right = build(operators - 1 - leftOperators, modulus, random);
            String operator = Numbers.pick(List.of("+", "-", "*"), random);
            // A zero factor would erase every error made in the other factor, and then a wrong chain could still
            // reach the right answer. With a prime modulus and no zero factor, one wrong step always shows in the
            // answer, which keeps the unverified accuracy of an n-step chain at (1 - error rate)^n.
            if ("*".equals(operator) && (left.value == 0 || right.value == 0)) {
                operator = "+";
            }
            final long value = Math.floorMod(ModularExpressions.apply(left.value, operator, right.value), modulus);
            return new Node(operator, left, right, value);
        }

        boolean isSum() {
            return "+".equals(operator) || "-".equals(operator);
        }

        /** Renders with the fewest parentheses that keep the value (mod p) of the tree. */
        String render() {
            if (operator == null) {
                return Long.toString(value);
            }
            String l = left.render();
            String r = right.render();
            if ("*".equals(operator)) {
                l = left.isSum() ? "(" + l + ")" : l;
                r = right.isSum() ? "(" + r + ")" : r;
            } else if ("-".equals(operator)) {
                r = right.isSum() ? "(" + r + ")" : r;
            }
            return l + operator + r;
        }
    }
}
