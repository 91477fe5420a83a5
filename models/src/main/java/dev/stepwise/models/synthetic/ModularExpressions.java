package dev.stepwise.models.synthetic;

import java.util.ArrayList;
import java.util.List;

/**
 * The expressions of {@link ModularArithmetic} as tokens: reading them, one operation on numbers, removing
 * parentheses left around a single number, and a whole-expression evaluator that checks the grammar and gives
 * the ground truth.
 */
final class ModularExpressions {

    private ModularExpressions() {
    }

    static long apply(final long left, final String operator, final long right) {
        return switch (operator) {
            case "+" -> left + right;
            case "-" -> left - right;
            case "*" -> Math.multiplyExact(left, right);
            default -> throw new IllegalArgumentException("not an operator: " + operator);
        };
    }

    /** Removes parentheses around single numbers, e.g. {@code (5)*2} becomes {@code 5*2}. */
    static List<String> stripParentheses(final List<String> tokens) {
        final List<String> out = new ArrayList<>(tokens);
        boolean changed = true;
        while (changed) {
            changed = false;
            for (int i = 1; i + 1 < out.size(); i++) {
                if ("(".equals(out.get(i - 1)) && isNumber(out.get(i)) && ")".equals(out.get(i + 1))) {
                    out.remove(i + 1);
                    out.remove(i - 1);
                    changed = true;
                    break;
                }
            }
        }
        return out;
    }

    static List<String> tokenize(final String text) throws StepFormatException {
        final List<String> tokens = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            final char c = text.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c >= '0' && c <= '9') {
                int end = i;
                while (end < text.length() && text.charAt(end) >= '0' && text.charAt(end) <= '9') {
                    end++;
                }
                final Long value = Numbers.parseBounded(text.substring(i, end), ModularArithmetic.MAX_NUMBER);
                if (value == null) {
                    throw new StepFormatException("the number " + text.substring(i, end) + " is larger than "
                            + ModularArithmetic.MAX_NUMBER);
                }
                tokens.add(Long.toString(value));
                i = end;
            } else if ("+-*()".indexOf(c) >= 0) {
                tokens.add(String.valueOf(c));
                i++;
            } else {
                throw new StepFormatException("unexpected character '" + c + "'");
            }
        }
        return tokens;
    }

    static String stripLeadingZeros(final String digits) {
        final Long value = Numbers.parseBounded(digits, Long.MAX_VALUE);
        return value == null ? digits : Long.toString(value);
    }

    static boolean isOperator(final String token) {
        return "+".equals(token) || "-".equals(token) || "*".equals(token);
    }

    static boolean isNumber(final String token) {
        return !token.isEmpty() && Character.isDigit(token.charAt(0));
    }

    /**
     * Recursive-descent evaluator (expression := term (('+'|'-') term)*, term := factor ('*' factor)*,
     * factor := number | '(' expression ')'), reducing mod p. It validates the grammar and gives the ground truth
     * without going through the step machinery.
     */
    static final class Evaluator {
        private final List<String> tokens;
        private final long modulus;
        private int pos;

        Evaluator(final List<String> tokens, final long modulus) {
            this.tokens = tokens;
            this.modulus = modulus;
        }

        long evaluate() throws StepFormatException {
            if (tokens.isEmpty()) {
                throw new StepFormatException("the expression is empty");
            }
            final long value = expression();
            if (pos != tokens.size()) {
                throw new StepFormatException("unexpected '" + tokens.get(pos) + "'");
            }
            return value;
        }

        private long expression() throws StepFormatException {
            long value = term();
            while (pos < tokens.size() && ("+".equals(tokens.get(pos)) || "-".equals(tokens.get(pos)))) {
                final String operator = tokens.get(pos++);
                final long right = term();
                value = Math.floorMod("+".equals(operator) ? value + right : value - right, modulus);
            }
            return value;
        }

        private long term() throws StepFormatException {
            long value = factor();
            while (pos < tokens.size() && "*".equals(tokens.get(pos))) {
                pos++;
                // Both factors are below the modulus (at most 10^9), so the product fits in a long.
                value = Math.floorMod(value * factor(), modulus);
            }
            return value;
        }

        private long factor() throws StepFormatException {
            if (pos >= tokens.size()) {
                throw new StepFormatException("the expression ends where a number is expected");
            }
            final String token = tokens.get(pos);
            if ("(".equals(token)) {
                pos++;
                final long value = expression();
                if (pos >= tokens.size() || !")".equals(tokens.get(pos))) {
                    throw new StepFormatException("a '(' is not closed");
                }
                pos++;
                return value;
            }
            if (isNumber(token)) {
                pos++;
                return Math.floorMod(Long.parseLong(token), modulus);
            }
            throw new StepFormatException("unexpected '" + token + "' where a number is expected");
        }
    }
}
