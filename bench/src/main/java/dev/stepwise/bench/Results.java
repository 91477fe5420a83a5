package dev.stepwise.bench;

import java.util.List;
import java.util.Optional;

/**
 * What a run of {@code bench strategies} measured.
 *
 * @param plan    what ran
 * @param cells   every strategy x budget x bin (and all bins) x verifier x profile
 * @param bins    the difficulty bins of each profile, with the oracle's cost on them
 * @param notes   what was left out and why (a strategy not in the registry, a profile not in this build)
 * @param stats   how long it took
 */
public record Results(Plan plan, List<CellSummary> cells, List<BinSummary> bins, List<String> notes, RunStats stats) {

    public Results {
        cells = List.copyOf(cells);
        bins = List.copyOf(bins);
        notes = List.copyOf(notes);
    }

    /**
     * One difficulty bin of a profile, and the oracle's cost on it.
     *
     * @param profile       backend profile
     * @param bin           0 (easiest) to {@link Difficulty#BINS} - 1, or {@link CellSummary#ALL}
     * @param n             problems
     * @param passLow       lowest estimated pass@1 in the bin
     * @param passHigh      highest estimated pass@1 in the bin
     * @param meanPass      mean estimated pass@1
     * @param meanSteps     mean serial steps of its problems
     * @param meanLatent    mean hidden difficulty of its problems (realistic profile; 0 in the uniform one)
     * @param oracleCalls   the oracle's mean calls
     * @param oracleCorrect problems the oracle answered right
     */
    public record BinSummary(String profile, int bin, int n, double passLow, double passHigh, double meanPass,
                             double meanSteps, double meanLatent, double oracleCalls, int oracleCorrect) {

        /** The oracle's calls per correct answer: the floor strategies are measured against. */
        public double oracleFloor() {
            return oracleCorrect == 0 ? Double.POSITIVE_INFINITY : oracleCalls * n / oracleCorrect;
        }
    }

    /**
     * How the run went.
     *
     * @param prompts         prompts run in-process
     * @param gridSeconds     wall-clock seconds of the grid (the in-process runs)
     * @param totalSeconds    wall-clock seconds of the whole run, estimates included
     * @param threads         worker threads
     */
    public record RunStats(long prompts, double gridSeconds, double totalSeconds, int threads) {

        public double promptsPerSecond() {
            return gridSeconds <= 0 ? 0 : prompts / gridSeconds;
        }
    }

    /** The profiles that ran, in plan order. */
    public List<String> profiles() {
        return plan.profiles().stream().filter(p -> bins.stream().anyMatch(b -> b.profile().equals(p))).toList();
    }

    /** The strategies that ran, in plan order. */
    public List<String> strategies() {
        return plan.strategies().stream().map(GridConfig.StrategySpec::name)
                .filter(s -> cells.stream().anyMatch(c -> c.strategy().equals(s))).toList();
    }

    /** The cells of one profile, verifier and bin, in strategy then budget order. */
    public List<CellSummary> cells(final String profile, final String verifier, final int bin) {
        return cells.stream().filter(c -> c.profile().equals(profile) && c.verifier().equals(verifier) && c.bin() == bin)
                .toList();
    }

    /** The cell of a strategy at a budget, if it ran. */
    public Optional<CellSummary> cell(final String profile, final String verifier, final int bin, final String strategy,
                                      final int budget) {
        return cells(profile, verifier, bin).stream().filter(c -> c.strategy().equals(strategy) && c.budget() == budget)
                .findFirst();
    }

    /** The bin summary of a profile. */
    public BinSummary bin(final String profile, final int bin) {
        return bins.stream().filter(b -> b.profile().equals(profile) && b.bin() == bin).findFirst().orElseThrow();
    }
}
