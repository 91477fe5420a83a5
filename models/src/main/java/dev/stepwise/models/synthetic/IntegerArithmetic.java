package dev.stepwise.models.synthetic;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * {@code start at 12, add 7, multiply by 3, subtract 5}: exact integers, no division. The state is the value after
 * k operations; one step applies one operation: {@code 19 * 3 = 57; now 57 after operation 2 of 3}.
 */
final class IntegerArithmetic implements SerialProblem<IntegerArithmetic.Tally> {

    static final long MAX_OPERAND = 1_000_000_000_000L;
    static final int MAX_OPERATIONS = 100_000;

    private static final Pattern PROBLEM = Pattern.compile("start\\s+at\\s+(-?\\d+)\\s*,(.*)",
            Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    private static final Pattern OPERATION = Pattern.compile("(add|subtract|multiply\\s+by)\\s+(-?\\d+)",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern STATE = Pattern.compile("now\\s+(-?\\d+)\\s+after\\s+operation\\s+(\\d+)\\s+of\\s+(\\d+)",
            Pattern.CASE_INSENSITIVE);

    /**
     * The value after some operations.
     *
     * @param done  how many operations were applied
     * @param value the value after them
     */
    record Tally(int done, long value) {
    }

    private enum Kind {
        ADD("add", "+"), SUBTRACT("subtract", "-"), MULTIPLY("multiply by", "*");

        private final String words;
        private final String symbol;

        Kind(final String words, final String symbol) {
            this.words = words;
            this.symbol = symbol;
        }

        /** The result, or null when it would overflow a long. */
        Long apply(final long left, final long right) {
            try {
                return switch (this) {
                    case ADD -> Math.addExact(left, right);
                    case SUBTRACT -> Math.subtractExact(left, right);
                    case MULTIPLY -> Math.multiplyExact(left, right);
                };
            } catch (final ArithmeticException e) {
                return null;
            }
        }
    }

    private record Operation(Kind kind, long operand) {
        @Override
        public String toString() {
            return kind.words + " " + operand;
        }
    }

    private enum Slip { OFF_BY_ONE, WRONG_OPERAND, WRONG_OPERATION }

    private final long start;
    private final List<Operation> operations;

    private IntegerArithmetic(final long start, final List<Operation> operations) {
        this.start = start;
        this.operations = List.copyOf(operations);
    }

    static IntegerArithmetic parse(final String text) {
        String body = text.strip();
        body = body.endsWith(".") ? body.substring(0, body.length() - 1) : body;
        final Matcher matcher = PROBLEM.matcher(body);
        if (!matcher.matches()) {
            throw new ProblemFormatException("an arithmetic problem reads 'start at <n>, add <n>, multiply by <n>,"
                    + " subtract <n>, ...'");
        }
        final Long start = Numbers.parseBounded(matcher.group(1), MAX_OPERAND);
        if (start == null) {
            throw new ProblemFormatException("the start value must be at most " + MAX_OPERAND + " in magnitude");
        }
        final List<Operation> operations = new ArrayList<>();
        for (final String part : matcher.group(2).split(",")) {
            final Matcher op = OPERATION.matcher(part.strip());
            if (!op.matches()) {
                throw new ProblemFormatException("'" + part.strip() + "' is not 'add <n>', 'subtract <n>' or"
                        + " 'multiply by <n>'");
            }
            final Long operand = Numbers.parseBounded(op.group(2), MAX_OPERAND);
            if (operand == null) {
                throw new ProblemFormatException("the operand " + op.group(2) + " is larger than " + MAX_OPERAND);
            }
            final String words = op.group(1).toLowerCase(Locale.ROOT);
            final Kind kind = words.startsWith("add") ? Kind.ADD : words.startsWith("sub") ? Kind.SUBTRACT : Kind.MULTIPLY;
            operations.add(new Operation(kind, operand));
        }
        if (operations.size() > MAX_OPERATIONS) {
            throw new ProblemFormatException("at most " + MAX_OPERATIONS + " operations are allowed");
        }
        final IntegerArithmetic problem = new IntegerArithmetic(start, operations);
        if (problem.exact() == null) {
            throw new ProblemFormatException("the values grow beyond the 64-bit integer range");
        }
        return problem;
    }

    static GeneratedProblem generate(final int steps, final SplittableRandom random) {
        final long start = 2 + random.nextInt(39);
        final List<Operation> operations = new ArrayList<>();
        long value = start;
        for (int i = 0; i < steps; i++) {
            final Operation operation;
            // Multipliers are never 0 or 1 (0 would erase earlier errors), and values stay small enough to read.
            if (Math.abs(value) <= 100_000 && random.nextDouble() < 0.35) {
                operation = new Operation(Kind.MULTIPLY, 2 + random.nextInt(8));
            } else {
                operation = new Operation(random.nextBoolean() ? Kind.ADD : Kind.SUBTRACT, 1 + random.nextInt(60));
            }
            operations.add(operation);
            value = operation.kind().apply(value, operation.operand());
        }
        final IntegerArithmetic problem = new IntegerArithmetic(start, operations);
        final String text = "start at " + start + ", "
                + operations.stream().map(Operation::toString).collect(Collectors.joining(", "));
        return new GeneratedProblem(Family.INTEGER_ARITHMETIC, steps, text, Long.toString(value));
    }

    @Override
    public Family family() {
        return Family.INTEGER_ARITHMETIC;
    }

    @Override
    public int steps() {
        return operations.size();
    }

    @Override
    public Tally initial() {
        return new Tally(0, start);
    }

    @Override
    public boolean isFinal(final Tally state) {
        return state.done() >= operations.size();
    }

    @Override
    public String answer(final Tally state) {
        return Long.toString(state.value());
    }

    @Override
    public Transition<Tally> next(final Tally state) {
        final Operation operation = operations.get(state.done());
        final Transition<Tally> step = applied(state, operation.kind(), operation.operand(), 0);
        if (step == null) {
            throw new IllegalStateException("overflow from " + state);
        }
        return step;
    }

    @Override
    public Transition<Tally> corrupt(final Tally state, final SplittableRandom random) {
        final Operation operation = operations.get(state.done());
        final Transition<Tally> correct = next(state);
        for (final Slip slip : Numbers.shuffled(List.of(Slip.values()), random)) {
            final Transition<Tally> wrong = switch (slip) {
                case OFF_BY_ONE -> applied(state, operation.kind(), operation.operand(), random.nextBoolean() ? 1 : -1);
                case WRONG_OPERAND -> wrongOperand(state, operation, random);
                // Misreads the operation, e.g. adds where it should multiply.
                case WRONG_OPERATION -> applied(state, Numbers.pick(otherKinds(operation.kind()), random),
                        operation.operand(), 0);
            };
            if (wrong != null && !wrong.state().equals(correct.state())) {
                return wrong;
            }
        }
        final Transition<Tally> up = applied(state, operation.kind(), operation.operand(), 1);
        return up != null ? up : applied(state, operation.kind(), operation.operand(), -1);
    }

    @Override
    public String describe(final Tally state) {
        return "now " + state.value() + " after operation " + state.done() + " of " + operations.size();
    }

    @Override
    public Tally parseState(final String stepBody) throws StepFormatException {
        final Matcher matcher = STATE.matcher(stepBody);
        if (!matcher.find()) {
            throw new StepFormatException("the step does not state the value reached, as 'now <value> after operation"
                    + " <k> of <n>'");
        }
        if (!Long.valueOf(operations.size()).equals(Numbers.parseBounded(matcher.group(3), Long.MAX_VALUE))) {
            throw new StepFormatException("the step counts " + matcher.group(3) + " operations but the problem has "
                    + operations.size());
        }
        final Long done = Numbers.parseBounded(matcher.group(2), operations.size());
        final Long value = Numbers.parseBounded(matcher.group(1), Long.MAX_VALUE);
        if (done == null || value == null) {
            throw new StepFormatException("'" + matcher.group() + "' is out of range");
        }
        return new Tally(done.intValue(), value);
    }

    @Override
    public String solve() {
        return Long.toString(exact());
    }

    @Override
    public String normalizeAnswer(final String raw) {
        final Long value = Numbers.parseBounded(raw, Long.MAX_VALUE);
        return value == null ? null : Long.toString(value);
    }

    /** The exact final value by direct evaluation, or null on overflow. */
    private Long exact() {
        Long value = start;
        for (final Operation operation : operations) {
            value = operation.kind().apply(value, operation.operand());
            if (value == null) {
                return null;
            }
        }
        return value;
    }

    /** Uses the operand of another operation, as when reading the wrong line. */
    private Transition<Tally> wrongOperand(final Tally state, final Operation operation, final SplittableRandom random) {
        final List<Long> others = operations.stream().map(Operation::operand)
                .filter(operand -> operand != operation.operand()).distinct().toList();
        return others.isEmpty() ? null : applied(state, operation.kind(), Numbers.pick(others, random), 0);
    }

    private static List<Kind> otherKinds(final Kind kind) {
        final List<Kind> kinds = new ArrayList<>(List.of(Kind.values()));
        kinds.remove(kind);
        return kinds;
    }

    /** The step applying {@code kind operand}, its result off by {@code slip}; null on overflow. */
    private static Transition<Tally> applied(final Tally state, final Kind kind, final long operand, final long slip) {
        final Long result = kind.apply(state.value(), operand);
        if (result == null || (slip != 0 && Math.abs(result) == Long.MAX_VALUE)) {
            return null;
        }
        final long written = result + slip;
        final String shownOperand = operand < 0 ? "(" + operand + ")" : Long.toString(operand);
        return new Transition<>(state.value() + " " + kind.symbol + " " + shownOperand + " = " + written,
                new Tally(state.done() + 1, written));
    }
}
