package dev.stepwise.models.synthetic;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How the synthetic backend goes wrong. See {@code models/README.md} for the full description of each.
 */
public enum Profile {

    /**
     * Every step of every problem is wrong independently at one rate ({@link SyntheticConfig#stepErrorRate()}), each
     * wrong step a random corruption; the verifier is exact, or flips its verdict at the configured rates. Difficulty
     * is only length. The default, and exactly the behaviour the suite had before profiles existed.
     */
    UNIFORM("uniform"),

    /**
     * Problems differ in a hidden, seeded difficulty; some states are traps where wrong samples agree on one
     * plausible wrong value; the verifier gives graded, noisy scores and is fooled more by plausible errors; the
     * reviser does better with a critique that names what was expected. Knobs in {@link RealisticConfig}.
     */
    REALISTIC("realistic");

    private final String id;

    Profile(final String id) {
        this.id = id;
    }

    /** The name used in configuration, e.g. {@code realistic}. */
    public String id() {
        return id;
    }

    /**
     * The profile with this id, ignoring case and surrounding spaces.
     *
     * @throws IllegalArgumentException naming the valid ids
     */
    public static Profile fromId(final String id) {
        final String wanted = id == null ? "" : id.strip().toLowerCase(Locale.ROOT);
        for (final Profile profile : values()) {
            if (profile.id.equals(wanted)) {
                return profile;
            }
        }
        throw new IllegalArgumentException("Unknown synthetic profile '" + id + "'; expected one of "
                + Arrays.stream(values()).map(Profile::id).collect(Collectors.joining(", ")));
    }
}
