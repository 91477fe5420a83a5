package dev.stepwise.modelserver;

import java.util.ArrayList;
import java.util.List;

/** Splits text into OpenAI-like tokens: words carrying their leading space, and line breaks on their own. */
final class Tokens {

    private Tokens() {
    }

    static List<String> split(final String text) {
        final List<String> tokens = new ArrayList<>();
        final StringBuilder current = new StringBuilder();
        for (final char c : text.toCharArray()) {
            if (c == '\n') {
                flush(tokens, current);
                tokens.add("\n");
            } else {
                if (c == ' ' && !current.isEmpty() && current.charAt(current.length() - 1) != ' ') {
                    flush(tokens, current);
                }
                current.append(c);
            }
        }
        flush(tokens, current);
        return tokens;
    }

    static int count(final String text) {
        return split(text).size();
    }

    private static void flush(final List<String> tokens, final StringBuilder current) {
        if (!current.isEmpty()) {
            tokens.add(current.toString());
            current.setLength(0);
        }
    }
}
