package dev.stepwise.models.synthetic;

import java.math.BigInteger;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.LongStream;

/**
 * {@code square x repeatedly n times mod p}: x0 = x, x(i+1) = x(i)^2 mod p, the answer is x(n). The state is
 * (i, x(i)); one step squares once: {@code 81^2 = 6561 = 97 (mod 101); now x3 = 97}.
 */
final class IteratedSquaring implements SerialProblem<IteratedSquaring.Power> {

    /** Keeps x^2 within a long. */
    static final long MAX_NUMBER = 2_000_000_000L;
    static final int MAX_STEPS = 100_000;

    /**
     * Generated problems use safe primes p = 2q + 1 (q prime). Then the only square roots of x^2 are x and -x, and
     * x^(2^k) = y^(2^k) implies y = +-x, so a wrong value other than -x never squares back into the right one: one
     * wrong step always shows in the answer.
     */
    private static final List<Long> GENERATED_MODULI = LongStream.rangeClosed(23, 2100)
            .filter(p -> Numbers.isPrime(p) && Numbers.isPrime((p - 1) / 2)).boxed().toList();

    private static final Pattern PROBLEM = Pattern.compile(
            "square\\s+(\\d+)\\s+repeatedly\\s+(\\d+)\\s+times?\\s+mod\\s+(\\d+)\\s*\\.?",
            Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    private static final Pattern STATE = Pattern.compile("now\\s+x(\\d+)\\s*=\\s*(\\d+)", Pattern.CASE_INSENSITIVE);

    /**
     * x(index).
     *
     * @param index how many squarings were done
     * @param value x(index)
     */
    record Power(int index, long value) {
    }

    private enum Slip { OFF_BY_ONE, DOUBLED, SQUARED_START }

    private final long start;
    private final int times;
    private final long modulus;

    private IteratedSquaring(final long start, final int times, final long modulus) {
        this.start = start;
        this.times = times;
        this.modulus = modulus;
    }

    static IteratedSquaring parse(final String text) {
        final Matcher matcher = PROBLEM.matcher(text.strip());
        if (!matcher.matches()) {
            throw new ProblemFormatException("an iterated squaring problem reads 'square <x> repeatedly <n> times mod <p>'");
        }
        final Long start = Numbers.parseBounded(matcher.group(1), MAX_NUMBER);
        final Long times = Numbers.parseBounded(matcher.group(2), MAX_STEPS);
        final Long modulus = Numbers.parseBounded(matcher.group(3), MAX_NUMBER);
        if (start == null) {
            throw new ProblemFormatException("the start value must be at most " + MAX_NUMBER);
        }
        if (times == null || times < 1) {
            throw new ProblemFormatException("the number of squarings must be from 1 to " + MAX_STEPS);
        }
        if (modulus == null || modulus < 2) {
            throw new ProblemFormatException("the modulus must be from 2 to " + MAX_NUMBER);
        }
        return new IteratedSquaring(start, times.intValue(), modulus);
    }

    static GeneratedProblem generate(final int steps, final SplittableRandom random) {
        final long modulus = Numbers.pick(GENERATED_MODULI, random);
        // 0, 1 and p-1 would reach a fixed point at once.
        final long start = 2 + random.nextLong(modulus - 3);
        final IteratedSquaring problem = new IteratedSquaring(start, steps, modulus);
        return new GeneratedProblem(Family.ITERATED_SQUARING, steps,
                "square " + start + " repeatedly " + steps + " times mod " + modulus, problem.solve());
    }

    @Override
    public Family family() {
        return Family.ITERATED_SQUARING;
    }

    @Override
    public int steps() {
        return times;
    }

    @Override
    public Power initial() {
        return new Power(0, start);
    }

    @Override
    public boolean isFinal(final Power state) {
        return state.index() >= times;
    }

    @Override
    public String answer(final Power state) {
        return Long.toString(state.value());
    }

    @Override
    public Transition<Power> next(final Power state) {
        return squared(state, state.value(), state.value() * state.value());
    }

    @Override
    public Transition<Power> corrupt(final Power state, final SplittableRandom random) {
        final long x = state.value();
        final long right = (x * x) % modulus;
        for (final Slip slip : Numbers.shuffled(List.of(Slip.values()), random)) {
            final Transition<Power> wrong = switch (slip) {
                case OFF_BY_ONE -> squared(state, x, x * x + (random.nextBoolean() ? 1 : -1));
                // Doubles instead of squaring: x^2 written as 2x.
                case DOUBLED -> squared(state, x, 2 * x);
                // Squares the start value again instead of the last one: a wrong operand carried forward.
                case SQUARED_START -> squared(state, start, start * start);
            };
            if (heals(wrong.state().value(), right)) {
                continue;
            }
            return wrong;
        }
        // p >= 5: x^2+1 and x^2-1 cannot both be -x^2. p = 2 or 3: x^2+1 differs from +-x^2 (mod p) anyway.
        final Transition<Power> up = squared(state, x, x * x + 1);
        return heals(up.state().value(), right) ? squared(state, x, x * x - 1) : up;
    }

    @Override
    public String describe(final Power state) {
        return "now x" + state.index() + " = " + state.value();
    }

    @Override
    public Power parseState(final String stepBody) throws StepFormatException {
        final Matcher matcher = STATE.matcher(stepBody);
        if (!matcher.find()) {
            throw new StepFormatException("the step does not state the value reached, as 'now x<i> = <value>'");
        }
        final Long index = Numbers.parseBounded(matcher.group(1), times);
        if (index == null) {
            throw new StepFormatException("x" + matcher.group(1) + " is beyond x" + times);
        }
        final Long value = Numbers.parseBounded(matcher.group(2), MAX_NUMBER);
        if (value == null || (index > 0 && value >= modulus)) {
            throw new StepFormatException("x" + index + " = " + matcher.group(2) + " is not reduced mod " + modulus);
        }
        return new Power(index.intValue(), value);
    }

    @Override
    public String solve() {
        // Computed as x^(2^n) mod p in one go, independently of the step-by-step squaring.
        return BigInteger.valueOf(start).modPow(BigInteger.ONE.shiftLeft(times), BigInteger.valueOf(modulus))
                .toString();
    }

    @Override
    public String normalizeAnswer(final String raw) {
        final Long value = Numbers.parseBounded(raw, Long.MAX_VALUE);
        return value == null ? null : Long.toString(Math.floorMod(value, modulus));
    }

    /** True when a wrong value equals the right one or its negative, whose square is the same. */
    private boolean heals(final long wrong, final long right) {
        return wrong == right || wrong == Math.floorMod(-right, modulus);
    }

    private Transition<Power> squared(final Power state, final long base, final long square) {
        final long result = Math.floorMod(square, modulus);
        final String work = base + "^2 = " + square + (square == result ? "" : " = " + result) + " (mod " + modulus + ")";
        return new Transition<>(work, new Power(state.index() + 1, result));
    }
}
