package dev.stepwise.bench;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A set of seeds as written on the command line: {@code 1-3}, {@code 1,5,9} or {@code 1-3,10}. Kept with its text,
 * which is how outputs record it.
 *
 * @param text  as written
 * @param seeds the seeds, in the order written, without repeats
 */
public record SeedRange(String text, List<Long> seeds) {

    /** More seeds than any run needs; a larger range is a typo. */
    static final int MAX_SEEDS = 10_000;

    public SeedRange {
        seeds = List.copyOf(seeds);
    }

    /**
     * Parses {@code text}.
     *
     * @throws IllegalArgumentException when it is empty, malformed, descending or too long
     */
    public static SeedRange parse(final String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("no seeds given");
        }
        final Set<Long> seeds = new LinkedHashSet<>();
        for (final String part : text.split(",")) {
            final String item = part.strip();
            final int dash = item.indexOf('-', 1);
            try {
                if (dash < 0) {
                    seeds.add(Long.parseLong(item));
                } else {
                    final long from = Long.parseLong(item.substring(0, dash).strip());
                    final long to = Long.parseLong(item.substring(dash + 1).strip());
                    if (to < from || to - from >= MAX_SEEDS) {
                        throw new IllegalArgumentException("seed range '" + item + "' must ascend and hold at most "
                                + MAX_SEEDS + " seeds");
                    }
                    for (long s = from; s <= to; s++) {
                        seeds.add(s);
                    }
                }
            } catch (final NumberFormatException e) {
                throw new IllegalArgumentException("'" + item + "' is not a seed or a range of seeds like 1-3", e);
            }
            if (seeds.size() > MAX_SEEDS) {
                throw new IllegalArgumentException("at most " + MAX_SEEDS + " seeds, got more in '" + text + "'");
            }
        }
        return new SeedRange(text.strip(), new ArrayList<>(seeds));
    }

    /** The seeds both ranges hold. */
    public List<Long> overlap(final SeedRange other) {
        return seeds.stream().filter(other.seeds::contains).toList();
    }

    @Override
    public String toString() {
        return text;
    }
}
