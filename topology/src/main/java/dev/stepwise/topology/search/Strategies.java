package dev.stepwise.topology.search;

import java.util.List;

/** The names of the search strategies the topology knows. */
public final class Strategies {

    /** Beam search against the process verifier, level by level. */
    public static final String BEAM = "beam";
    /** Independent chains, one sample per level each, then a verifier-weighted vote. */
    public static final String BEST_OF_N = "best-of-n";
    /** Every known name, the default first. */
    public static final List<String> NAMES = List.of(BEAM, BEST_OF_N);

    private Strategies() {
    }
}
