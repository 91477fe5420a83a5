package dev.stepwise.models.synthetic;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Small helpers shared by the families. */
final class Numbers {

    private Numbers() {
    }

    /** Parses a decimal integer whose magnitude is at most {@code max}; null when it is not one. */
    static Long parseBounded(final String text, final long max) {
        final String digits = text.strip();
        // More than 18 digits cannot be below any bound used here and might overflow parseLong.
        if (digits.isEmpty() || digits.length() > 19) {
            return null;
        }
        try {
            final long value = Long.parseLong(digits);
            return Math.abs(value) <= max ? value : null;
        } catch (final NumberFormatException e) {
            return null;
        }
    }

    static <T> T pick(final List<T> items, final SplittableRandom random) {
        return items.get(random.nextInt(items.size()));
    }

    /** A copy of {@code items} in random order (Fisher-Yates). */
    static <T> List<T> shuffled(final List<T> items, final SplittableRandom random) {
        final List<T> copy = new ArrayList<>(items);
        for (int i = copy.size() - 1; i > 0; i--) {
            final int j = random.nextInt(i + 1);
            final T tmp = copy.get(i);
            copy.set(i, copy.get(j));
            copy.set(j, tmp);
        }
        return copy;
    }

    static boolean isPrime(final long n) {
        if (n < 2) {
            return false;
        }
        for (long d = 2; d * d <= n; d++) {
            if (n % d == 0) {
                return false;
            }
        }
        return true;
    }
}
