package dev.stepwise.search;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a final answer as a model wrote it into the key that votes are counted under, so that equal
 * answers vote together: {@code "1,000"}, {@code "1000.0"}, {@code "1e3"}, {@code "$1000"},
 * {@code "\boxed{1000}"} and {@code "The answer is 1000 apples."} are one answer; {@code "1/2"},
 * {@code "0.5"}, {@code "\frac{1}{2}"} and {@code "2/4"} are one answer; {@code "[3, 1, 2]"} and
 * {@code "[3,1,2]"} are one answer.
 *
 * <p>It only ever merges answers whose value is provably equal: a number is kept as an exact reduced
 * fraction (never a double, so 0.1 + 0.2 style rounding cannot merge 42 with 42.000000001), and an
 * answer with more than one number in it ({@code "42 or 43"}, {@code "between 3 and 4"}) is not
 * read as a number at all. Answers that are not numbers are compared lower-cased with their
 * spacing canonicalised.
 *
 * <p>Written by hand: the graders that do this (Hendrycks' MATH normaliser, math-verify) are Python;
 * no Java library on Maven Central does it, and the rules fit on one page.
 */
final class AnswerNormaliser {

    private static final Pattern BOXED = Pattern.compile("\\\\(?:boxed|fbox)\\s*\\{");
    private static final Pattern TEXT_COMMAND =
            Pattern.compile("\\\\(?:text|textbf|textit|textrm|mathrm|mathbf|mbox|operatorname)\\s*\\{([^{}]*)}");
    private static final Pattern FRAC_BRACED = Pattern.compile("\\\\[dt]?frac\\s*\\{([^{}]*)}\\s*\\{([^{}]*)}");
    private static final Pattern FRAC_DIGITS = Pattern.compile("\\\\[dt]?frac\\s*(\\d)\\s*(\\d)");
    private static final Pattern LATEX_NOISE =
            Pattern.compile("\\$|\\\\[()\\[\\]]|\\\\left|\\\\right|\\\\displaystyle|\\\\[!,;: ]|\\^\\{?\\\\circ}?|\\\\%");
    /** "The final answer is", "Answer:", "so the result =" — everything up to the last such phrase goes. */
    private static final Pattern ANSWER_PHRASE = Pattern.compile("(?:answer|result)\\s*(?:is|was|:|=)\\s*");
    private static final Pattern VARIABLE_ASSIGNMENT = Pattern.compile("^[a-z]\\s*=\\s*");
    private static final String NUMBER =
            "[-+]?(?:\\d{1,3}(?:,\\d{3})+|\\d+)(?:\\.\\d*)?(?:e[-+]?\\d+)?|[-+]?\\.\\d+(?:e[-+]?\\d+)?";
    /**
     * One number or fraction, with only words before it and only a unit after it. A unit may hold
     * digits only as exponents ("m^2"), so "42 or 43" is not a number with the unit "or 43".
     */
    private static final Pattern NUMERIC_ANSWER = Pattern.compile(
            "^[a-z$€£~≈\\s]*?\\s*(?<numerator>" + NUMBER + ")(?:\\s*/\\s*(?<denominator>" + NUMBER + "))?"
                    + "\\s*(?:%|°|[a-z](?:[a-z ./*-]|\\^\\d+)*)?$");
    private static final Pattern SPACE_RUN = Pattern.compile("\\s+");
    private static final Pattern SPACE_BY_PUNCTUATION = Pattern.compile(" (?=[^\\p{L}\\p{N}])|(?<=[^\\p{L}\\p{N}]) ");
    /** Beyond this a decimal exponent is not an answer but an attack on BigInteger. */
    private static final int MAX_EXPONENT = 400;

    private AnswerNormaliser() {
    }

    static String normalise(final String answer) {
        if (answer == null) {
            return "";
        }
        final String stripped = answer.strip();
        if (isPlainInteger(stripped)) {
            // The synthetic suite's and most models' answers: skip the regular expressions.
            return new BigInteger(stripped).toString();
        }
        String s = insideLastBox(stripped);
        s = replaceAll(TEXT_COMMAND, s, "$1");
        s = replaceAll(FRAC_BRACED, s, "($1)/($2)");
        s = FRAC_DIGITS.matcher(s).replaceAll("$1/$2");
        s = LATEX_NOISE.matcher(s).replaceAll(" ");
        s = s.toLowerCase(Locale.ROOT).replace('\u2212', '-');
        s = afterLastAnswerPhrase(s);
        s = VARIABLE_ASSIGNMENT.matcher(s.strip()).replaceFirst("");
        s = stripTrailingPunctuation(s);
        final String number = exactNumber(unwrapSimpleParentheses(s));
        if (number != null) {
            return number;
        }
        return SPACE_BY_PUNCTUATION.matcher(SPACE_RUN.matcher(s).replaceAll(" ")).replaceAll("");
    }

    private static boolean isPlainInteger(final String s) {
        final int start = s.startsWith("-") ? 1 : 0;
        if (s.length() == start || s.length() > 18) {
            return false;
        }
        for (int i = start; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    /** The content of the last {@code \boxed{...}}, braces matched; the whole text when there is none. */
    private static String insideLastBox(final String s) {
        final Matcher m = BOXED.matcher(s);
        int start = -1;
        while (m.find()) {
            start = m.end();
        }
        if (start < 0) {
            return s;
        }
        int depth = 1;
        for (int i = start; i < s.length(); i++) {
            final char c = s.charAt(i);
            if (c == '{') {
                depth++;
            } else if (c == '}' && --depth == 0) {
                return s.substring(start, i);
            }
        }
        return s.substring(start);
    }

    /** Applies a pattern until nothing changes, so nested commands ({@code \text{\textbf{5}}}) unwrap too. */
    private static String replaceAll(final Pattern pattern, final String s, final String replacement) {
        String before;
        String after = s;
        do {
            before = after;
            after = pattern.matcher(before).replaceAll(replacement);
        } while (!after.equals(before));
        return after;
    }

    private static String afterLastAnswerPhrase(final String s) {
        final Matcher m = ANSWER_PHRASE.matcher(s);
        int end = -1;
        while (m.find()) {
            end = m.end();
        }
        return end < 0 ? s : s.substring(end);
    }

    private static String stripTrailingPunctuation(final String s) {
        int end = s.length();
        while (end > 0 && (Character.isWhitespace(s.charAt(end - 1)) || ".!;,".indexOf(s.charAt(end - 1)) >= 0)) {
            end--;
        }
        return s.substring(0, end).strip();
    }

    /** "(1)/(2)" as \frac left it becomes "1/2"; parentheses around a lone number go too. */
    private static String unwrapSimpleParentheses(final String s) {
        return s.replaceAll("\\(\\s*(" + NUMBER + ")\\s*\\)", "$1");
    }

    /**
     * The exact value as an integer ("1000"), a terminating decimal ("0.5") or else a reduced fraction
     * ("1/3"); null when the answer is not one number.
     */
    private static String exactNumber(final String s) {
        final Matcher m = NUMERIC_ANSWER.matcher(s);
        if (!m.matches()) {
            return null;
        }
        final BigInteger[] numerator = rational(m.group("numerator"));
        final BigInteger[] denominator = m.group("denominator") == null
                ? new BigInteger[] {BigInteger.ONE, BigInteger.ONE} : rational(m.group("denominator"));
        if (numerator == null || denominator == null || denominator[0].signum() == 0) {
            return null;
        }
        BigInteger p = numerator[0].multiply(denominator[1]);
        BigInteger q = numerator[1].multiply(denominator[0]);
        if (q.signum() < 0) {
            p = p.negate();
            q = q.negate();
        }
        final BigInteger gcd = p.gcd(q);
        p = p.divide(gcd);
        q = q.divide(gcd);
        if (q.equals(BigInteger.ONE)) {
            return p.toString();
        }
        try {
            // A terminating decimal reads as one ("0.5", not "1/2"); the value is the same either way.
            return new BigDecimal(p).divide(new BigDecimal(q)).stripTrailingZeros().toPlainString();
        } catch (ArithmeticException nonTerminating) {
            return p + "/" + q;
        }
    }

    /** {p, q} with value p/q, q > 0; null for an exponent too large to expand. */
    private static BigInteger[] rational(final String number) {
        final BigDecimal value;
        try {
            value = new BigDecimal(number.replace(",", "").replace("+", ""));
        } catch (NumberFormatException e) {
            return null;
        }
        if (Math.abs(value.scale()) > MAX_EXPONENT) {
            return null;
        }
        if (value.scale() <= 0) {
            return new BigInteger[] {value.toBigIntegerExact(), BigInteger.ONE};
        }
        return new BigInteger[] {value.unscaledValue(), BigInteger.TEN.pow(value.scale())};
    }
}
