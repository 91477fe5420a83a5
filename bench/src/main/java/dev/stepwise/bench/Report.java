package dev.stepwise.bench;

import dev.stepwise.bench.Curves.Point;
import dev.stepwise.bench.GridConfig.HeadlineSpec;
import dev.stepwise.bench.GridConfig.VerifierSpec;
import dev.stepwise.bench.Headlines.Headline;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The headlines of a run per profile, verifier and bin, and the targets checked against them. */
public final class Report {

    /** Issue 7: with a noisy verifier, at least this many times fewer calls than the reference in every bin ... */
    static final double NOISY_PER_BIN = 4.0;
    /** ... where the reference's accuracy is above this ... */
    static final double NOISY_MIN_REFERENCE_ACCURACY = 0.2;
    /** ... and this many times fewer over all problems; with an exact verifier, this many in every bin. */
    static final double OVERALL = 8.0;
    /** Issue 7: at least this many times fewer calls than the adaptive baseline at equal accuracy, over all problems. */
    static final double VERSUS_ADAPTIVE = 1.5;

    private Report() {
    }

    /**
     * The headlines of one profile, verifier and bin.
     *
     * @param profile  backend profile
     * @param verifier verifier name
     * @param bin      difficulty bin, or {@link CellSummary#ALL}
     * @param match    candidate vs the reference at its budget
     * @param versus   candidate vs the adaptive baseline at equal accuracy
     * @param perCorrect calls per correct answer of the candidate, and of the cheapest other strategy, vs the oracle
     */
    public record Block(String profile, String verifier, int bin, Headline match, Headline versus,
                        List<Headline> perCorrect) {

        public List<Headline> lines() {
            final List<Headline> lines = new ArrayList<>(List.of(match, versus));
            lines.addAll(perCorrect);
            return lines;
        }
    }

    /**
     * One target of the issue, measured.
     *
     * @param profile  backend profile
     * @param verifier verifier name
     * @param goal     what the issue asks
     * @param measured what the run measured
     * @param verdict  met, missed, or not measurable in this run (and why)
     */
    public record Target(String profile, String verifier, String goal, String measured, String verdict) {
    }

    /** Every profile x verifier x bin (all bins last). */
    public static List<Block> headlines(final Results results) {
        final HeadlineSpec spec = results.plan().headline();
        final List<Block> blocks = new ArrayList<>();
        for (final String profile : results.profiles()) {
            for (final VerifierSpec verifier : results.plan().verifiers()) {
                for (final int bin : binsInOrder()) {
                    blocks.add(block(results, spec, profile, verifier.name(), bin));
                }
            }
        }
        return blocks;
    }

    /** Bins 0 to 4, then all problems. */
    static List<Integer> binsInOrder() {
        final List<Integer> bins = new ArrayList<>();
        for (int bin = 0; bin < Difficulty.BINS; bin++) {
            bins.add(bin);
        }
        bins.add(CellSummary.ALL);
        return bins;
    }

    private static Block block(final Results results, final HeadlineSpec spec, final String profile, final String verifier,
                               final int bin) {
        final Map<String, List<CellSummary>> byStrategy = byStrategy(results.cells(profile, verifier, bin));
        final Map<String, List<Point>> curves = new LinkedHashMap<>();
        byStrategy.forEach((strategy, cells) -> curves.put(strategy, Curves.of(cells)));
        final Headline match = Headlines.toMatchReference(spec.candidate(), spec.reference(), spec.label(), curves,
                results.cell(profile, verifier, bin, spec.reference(), spec.referenceBudget()));
        final Headline versus = Headlines.versusAtEqualAccuracy(spec.candidate(), spec.adaptive(), curves);
        final double floor = results.bin(profile, bin).oracleFloor();
        final List<Headline> perCorrect = new ArrayList<>();
        perCorrect.add(Headlines.callsPerCorrect(spec.candidate(), byStrategy.getOrDefault(spec.candidate(), List.of()),
                floor));
        byStrategy.entrySet().stream()
                .filter(e -> !e.getKey().equals(spec.candidate()))
                .min(Comparator.comparingDouble(e -> cheapest(e.getValue())))
                .filter(e -> Double.isFinite(cheapest(e.getValue())))
                .ifPresent(e -> perCorrect.add(Headlines.callsPerCorrect(e.getKey(), e.getValue(), floor)));
        return new Block(profile, verifier, bin, match, versus, perCorrect);
    }

    private static double cheapest(final List<CellSummary> cells) {
        return cells.stream().mapToDouble(CellSummary::callsPerCorrect).min().orElse(Double.POSITIVE_INFINITY);
    }

    static Map<String, List<CellSummary>> byStrategy(final List<CellSummary> cells) {
        final Map<String, List<CellSummary>> byStrategy = new LinkedHashMap<>();
        cells.forEach(c -> byStrategy.computeIfAbsent(c.strategy(), s -> new ArrayList<>()).add(c));
        return byStrategy;
    }

    /** The targets for every profile and verifier that ran (the issue states them for {@code realistic}). */
    public static List<Target> targets(final Results results, final List<Block> blocks) {
        final HeadlineSpec spec = results.plan().headline();
        final List<Target> targets = new ArrayList<>();
        for (final String profile : results.profiles()) {
            for (final VerifierSpec verifier : results.plan().verifiers()) {
                final boolean exact = verifier.isExact();
                final List<Block> mine = blocks.stream()
                        .filter(b -> b.profile().equals(profile) && b.verifier().equals(verifier.name())).toList();
                final String reference = spec.label();
                final StringBuilder measured = new StringBuilder();
                boolean met = true;
                boolean measurable = true;
                for (final Block block : mine) {
                    if (block.bin() == CellSummary.ALL) {
                        continue;
                    }
                    final double referenceAccuracy = results.cell(profile, verifier.name(), block.bin(), spec.reference(),
                            spec.referenceBudget()).map(CellSummary::accuracy).orElse(Double.NaN);
                    final boolean counts = exact || referenceAccuracy > NOISY_MIN_REFERENCE_ACCURACY;
                    measured.append(measured.isEmpty() ? "" : "; ").append(binLabel(block.bin())).append(' ')
                            .append(ratioText(block.match()));
                    if (!counts) {
                        measured.append(" (reference ").append(Headlines.acc(referenceAccuracy)).append(", not counted)");
                    } else if (!block.match().hasRatio()) {
                        measurable = false;
                    } else if (block.match().ratio() < (exact ? OVERALL : NOISY_PER_BIN)) {
                        met = false;
                    }
                }
                final String perBin = exact ? ">= " + ratioGoal(OVERALL) + " fewer calls, in every bin"
                        : ">= " + ratioGoal(NOISY_PER_BIN) + " fewer calls, in every bin where that accuracy is above "
                        + NOISY_MIN_REFERENCE_ACCURACY;
                targets.add(new Target(profile, verifier.name(), spec.candidate() + " reaches the accuracy of " + reference
                        + " with " + perBin, measured.toString(), verdict(measurable, met)));
                final Block all = mine.stream().filter(b -> b.bin() == CellSummary.ALL).findFirst().orElseThrow();
                if (!exact) {
                    targets.add(new Target(profile, verifier.name(), spec.candidate() + " reaches the accuracy of " + reference
                            + " with >= " + ratioGoal(OVERALL) + " fewer calls, over all problems", all.match().text(),
                            verdict(all.match().hasRatio(), all.match().ratio() >= OVERALL)));
                }
                targets.add(new Target(profile, verifier.name(), spec.candidate() + " needs >= " + ratioGoal(VERSUS_ADAPTIVE)
                        + " fewer calls than " + spec.adaptive() + " at equal accuracy, over all problems",
                        all.versus().text(), verdict(all.versus().hasRatio(), all.versus().ratio() >= VERSUS_ADAPTIVE)));
            }
        }
        return targets;
    }

    private static String verdict(final boolean measurable, final boolean met) {
        if (!measurable) {
            return "not measurable in this run";
        }
        return met ? "met" : "missed";
    }

    private static String ratioText(final Headline headline) {
        if (!headline.hasRatio()) {
            return "n/a";
        }
        return headline.ratio() == 0.0 ? "not reached" : Headlines.ratio(headline.ratio());
    }

    private static String ratioGoal(final double ratio) {
        return String.format(Locale.ROOT, "%.1fx", ratio);
    }

    /** How tables name a bin: {@code bin 1 (easiest)} ... {@code bin 5 (hardest)}, {@code all}. */
    public static String binLabel(final int bin) {
        if (bin == CellSummary.ALL) {
            return "all";
        }
        final String label = "bin " + (bin + 1);
        if (bin == 0) {
            return label + " (easiest)";
        }
        return bin == Difficulty.BINS - 1 ? label + " (hardest)" : label;
    }
}
