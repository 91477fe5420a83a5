package dev.stepwise.bench;

import dev.stepwise.bench.GridConfig.VerifierSpec;
import dev.stepwise.models.synthetic.Profile;
import dev.stepwise.models.synthetic.SyntheticConfig;
import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The synthetic backend of one grid cell: a profile (how problems and mistakes are made) and a verifier, with the
 * seed of the problem set. The one place the bench turns grid names into a {@link SyntheticConfig}.
 *
 * <p>{@code uniform}: every step fails independently at one rate; a verifier is exact or flips its verdicts at the
 * spec's false-accept and false-reject rates. {@code realistic}: a hidden difficulty per problem, traps, and a graded
 * verifier whose score noise is the spec's {@code verifierNoise} (0 is exact); its other knobs keep their defaults.
 * See {@code models/README.md}.
 */
public final class BackendProfiles {

    /** Independent step errors at one rate. */
    public static final String UNIFORM = Profile.UNIFORM.id();
    /** Per-problem difficulty, systematic errors and a graded verifier. */
    public static final String REALISTIC = Profile.REALISTIC.id();

    private BackendProfiles() {
    }

    /** Why the bench cannot run {@code profile} with this build, if it cannot. */
    public static Optional<String> unavailable(final String profile) {
        try {
            Profile.fromId(profile);
            return Optional.empty();
        } catch (final IllegalArgumentException e) {
            return Optional.of("unknown profile '" + profile + "' (known: "
                    + Arrays.stream(Profile.values()).map(Profile::id).collect(Collectors.joining(", ")) + ")");
        }
    }

    /**
     * The backend of a cell.
     *
     * @throws IllegalArgumentException when the profile is {@link #unavailable}
     */
    public static SyntheticConfig config(final String profile, final VerifierSpec verifier, final long seed) {
        final SyntheticConfig base = SyntheticConfig.defaults().withSeed(seed);
        return switch (Profile.fromId(profile)) {
            case UNIFORM -> base.withVerifierNoise(verifier.falseAcceptRate(), verifier.falseRejectRate());
            case REALISTIC -> base.withProfile(Profile.REALISTIC)
                    .withRealistic(base.realistic().withVerifierNoise(verifier.verifierNoise()));
        };
    }

    /** The same backend with an exact verifier: what the oracle checks steps with. */
    public static SyntheticConfig exact(final String profile, final long seed) {
        return config(profile, new VerifierSpec("exact", 0.0, 0.0, 0.0), seed);
    }
}
