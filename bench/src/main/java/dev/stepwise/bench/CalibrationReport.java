package dev.stepwise.bench;

import java.util.List;
import java.util.Locale;

/** The Markdown report of a calibration: per verifier kind and bucket, every candidate's accuracy and cost, and the pick. */
final class CalibrationReport {

    private CalibrationReport() {
    }

    static String markdown(final List<Calibration.Pick> picks, final int rows, final String command, final String made,
                           final double seconds) {
        final StringBuilder md = new StringBuilder("# auto's calibration\n\nMade with:\n\n```bash\n").append(command)
                .append("\n```\n\n").append(made).append(String.format(Locale.ROOT, "; %d problem runs in %.0f s.%n%n", rows,
                        seconds));
        md.append("Each calibration problem is grouped by what auto's probe (4 verified samples of the first step) shows: "
                + "the verifier kind (`graded` when a score lies strictly between 0 and 1) and the estimated difficulty "
                + "`1 - accepted share x agreement share`, bucketed. Per group, the choice is the cheapest candidate "
                + "whose accuracy reaches the reference's (weighted best-of-N@64) plus ").append(Calibration.MARGIN)
                .append(", or, where that is more than any candidate reaches, is within ").append(Calibration.TOLERANCE)
                .append(" (or 1.5 problems) of the best candidate's. The problems' hidden difficulty and "
                + "pass@1 are never used. Candidates ran from scratch, so auto's calls are about these plus its probe's 8, "
                + "less the first level it adopts.\n\n");
        for (final String kind : List.of("exact", "graded")) {
            md.append("## ").append(kind).append(" verifier\n\n| bucket (estimate below) | problems | reference acc / calls |");
            for (final Calibration.Candidate candidate : Calibration.CANDIDATES) {
                md.append(' ').append(candidate.label()).append(" |");
            }
            md.append(" chosen |\n|---|---|---|").append("---|".repeat(Calibration.CANDIDATES.size())).append("---|\n");
            for (final Calibration.Pick pick : picks) {
                if (!pick.kind().equals(kind)) {
                    continue;
                }
                md.append(String.format(Locale.ROOT, "| %.2f | %d | ", Calibration.EDGES[pick.bucket()], pick.problems()));
                md.append(pick.problems() == 0 ? "- |" : String.format(Locale.ROOT, "%.2f / %.0f |", pick.refAccuracy(),
                        pick.refCalls()));
                for (int c = 0; c < Calibration.CANDIDATES.size(); c++) {
                    final String cell = pick.problems() == 0 ? "-" : String.format(Locale.ROOT, "%.2f / %.0f",
                            pick.accuracy()[c], pick.calls()[c]);
                    md.append(' ').append(c == pick.chosen() ? "**" + cell + "**" : cell).append(" |");
                }
                md.append(' ').append(Calibration.CANDIDATES.get(pick.chosen()).label())
                        .append(pick.problems() == 0 ? " (no problem here: as the bucket before)" : "");
                final StringBuilder tiers = new StringBuilder();
                for (int t = 0; t < Calibration.TIERS.length; t++) {
                    tiers.append(t == 0 ? "" : ", ").append("≤").append(Calibration.TIERS[t]).append(": ")
                            .append(Calibration.CANDIDATES.get(pick.tierChoice()[t]).label());
                }
                md.append("; budgets ").append(tiers).append(" |\n");
            }
            md.append('\n');
        }
        return md.toString();
    }
}
