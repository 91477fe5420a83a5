package dev.stepwise.models;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Recomputes the integer arithmetic a step claims: every {@code a op b = c} with {@code op} one of {@code + - * / ^}
 * or {@code mod}, including chains ({@code 3*4 = 12 = 5 (mod 7)}, where a trailing {@code (mod p)} makes every link a
 * congruence). A verifier uses it to reject a wrong step whatever a model says about it.
 *
 * <p>It errs on the side of silence: a claim is checked only when it stands alone, so {@code 2 + 3 * 4 = 14} (whose
 * {@code 3 * 4} is part of a larger expression), {@code 1.5 + 2 = 3.5}, {@code x2 + 1 = 3} and
 * {@code 17 * 23 = 340 + 51} are not read as claims. A division that is not exact may state the truncated quotient
 * (integer division). LaTeX {@code \times}, {@code \cdot}, {@code \div}, {@code \pmod{p}} and the signs
 * {@code × · ÷ − ≡} are read as their plain forms; markdown emphasis and dollar signs are ignored.
 */
public final class ArithmeticCheck {

    /**
     * One claim, as written (normalised), and whether it holds.
     *
     * @param text     the claim, e.g. {@code 3*4 = 13 (mod 7)}
     * @param correct  whether it holds
     * @param expected what the left-hand side comes to, e.g. {@code 3*4 = 12 = 5 (mod 7)}
     */
    public record Claim(String text, boolean correct, String expected) {
    }

    private static final Pattern CHAIN = Pattern.compile(
            "(\\d+)[ \\t]*(\\+|-|\\*|/|\\^|(?i:mod))[ \\t]*(\\d+)((?:[ \\t]*=[ \\t]*-?\\d+)+)");
    private static final Pattern LINK = Pattern.compile("=[ \\t]*(-?\\d+)");
    private static final Pattern MODULUS = Pattern.compile("^[ \\t]*(?:\\([ \\t]*mod[ \\t]+(\\d+)[ \\t]*\\)|mod[ \\t]+(\\d+))",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern CONTINUED = Pattern.compile("^[ \\t]*[-+*/^][ \\t]*[\\d(]");
    private static final Pattern PMOD = Pattern.compile("\\\\pmod\\{\\s*(\\d+)\\s*}");
    private static final String OPERATORS = "+-*/^%";
    private static final int MAX_DIGITS = 1_000;
    private static final int MAX_EXPONENT = 10_000;

    private ArithmeticCheck() {
    }

    /**
     * Why the first wrong claim of {@code text} is wrong, e.g. {@code the step claims 3*4 = 13, but 3*4 = 12}; empty when
     * every claim it found holds.
     */
    public static Optional<String> firstWrong(final String text) {
        return claims(text).stream().filter(claim -> !claim.correct()).findFirst()
                .map(claim -> "the step claims " + claim.text() + ", but " + claim.expected());
    }

    /** Every claim found in {@code text}, in order. */
    public static List<Claim> claims(final String text) {
        final String normalized = normalize(text == null ? "" : text);
        final List<Claim> claims = new ArrayList<>();
        final Matcher chain = CHAIN.matcher(normalized);
        int from = 0;
        while (from < normalized.length() && chain.find(from)) {
            from = chain.start() + 1;
            if (standsAlone(normalized, chain)) {
                evaluate(chain, normalized.substring(chain.end())).ifPresent(claims::add);
            }
        }
        return claims;
    }

    private static String normalize(final String text) {
        return PMOD.matcher(text).replaceAll("(mod $1)")
                .replace("\\times", "*").replace("\\cdot", "*").replace("\\div", "/").replace("\\bmod", " mod ")
                .replace('×', '*').replace('·', '*').replace('÷', '/').replace('−', '-').replace('≡', '=')
                .replace("**", " ").replace("__", " ").replace('`', ' ').replace('$', ' ');
    }

    /** Not a piece of a number, a name or a larger expression on either side. */
    private static boolean standsAlone(final String text, final Matcher chain) {
        final int start = chain.start();
        if (start > 0 && isPartOfToken(text.charAt(start - 1))) {
            return false;
        }
        int before = start - 1;
        while (before >= 0 && Character.isWhitespace(text.charAt(before))) {
            before--;
        }
        if (before >= 0 && OPERATORS.indexOf(text.charAt(before)) >= 0) {
            return false;
        }
        final int end = chain.end();
        if (end < text.length()) {
            final char next = text.charAt(end);
            final boolean decimalOrGrouped = (next == '.' || next == ',') && end + 1 < text.length()
                    && Character.isDigit(text.charAt(end + 1));
            if (decimalOrGrouped || Character.isLetterOrDigit(next) || next == '%' || next == '_') {
                return false;
            }
        }
        return !CONTINUED.matcher(text.substring(end)).find();
    }

    private static boolean isPartOfToken(final char c) {
        return Character.isLetterOrDigit(c) || c == '.' || c == ',' || c == '_';
    }

    private static Optional<Claim> evaluate(final Matcher chain, final String after) {
        if (chain.group(0).length() > MAX_DIGITS) {
            return Optional.empty();
        }
        final BigInteger a = new BigInteger(chain.group(1));
        final BigInteger b = new BigInteger(chain.group(3));
        final String op = chain.group(2).toLowerCase(Locale.ROOT);
        final Matcher modulusMatch = MODULUS.matcher(after);
        final BigInteger modulus = modulusMatch.find()
                ? new BigInteger(modulusMatch.group(1) != null ? modulusMatch.group(1) : modulusMatch.group(2)) : null;
        if (modulus != null && modulus.signum() == 0) {
            return Optional.empty();
        }
        final BigInteger value;
        BigInteger remainder = BigInteger.ZERO;
        switch (op) {
            case "+" -> value = a.add(b);
            case "-" -> value = a.subtract(b);
            case "*" -> value = a.multiply(b);
            case "^" -> {
                if (b.compareTo(BigInteger.valueOf(MAX_EXPONENT)) > 0) {
                    return Optional.empty();
                }
                value = a.pow(b.intValueExact());
            }
            case "mod" -> {
                if (b.signum() == 0) {
                    return Optional.empty();
                }
                value = a.mod(b);
            }
            default -> {
                if (b.signum() == 0) {
                    return Optional.empty();
                }
                final BigInteger[] quotient = a.divideAndRemainder(b);
                if (quotient[1].signum() != 0 && modulus != null) {
                    return Optional.empty();
                }
                // An integer claim of an inexact division (7 / 2 = 3) can only mean integer division.
                value = quotient[0];
                remainder = quotient[1];
            }
        }
        final String lhs = chain.group(1) + chain.group(2) + chain.group(3);
        final String suffix = modulus == null ? "" : " (mod " + modulus + ")";
        final String written = lhs + chain.group(4).replaceAll("[ \\t]*=[ \\t]*", " = ") + suffix;
        final Matcher link = LINK.matcher(chain.group(4));
        boolean correct = true;
        while (link.find()) {
            final BigInteger claimed = new BigInteger(link.group(1));
            final boolean holds = modulus == null ? claimed.equals(value)
                    : claimed.subtract(value).mod(modulus.abs()).signum() == 0;
            correct &= holds;
        }
        final String expected = remainder.signum() != 0 ? lhs + " = " + value + " remainder " + remainder
                : modulus == null ? lhs + " = " + value
                : lhs + " = " + value + " = " + value.mod(modulus.abs()) + suffix;
        return Optional.of(new Claim(written, correct, expected));
    }
}
