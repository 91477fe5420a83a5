package dev.stepwise.bench;

import dev.stepwise.bench.GridConfig.VerifierSpec;
import dev.stepwise.bench.Headlines.Headline;
import dev.stepwise.bench.Report.Block;
import dev.stepwise.bench.Report.Target;
import dev.stepwise.bench.Results.BinSummary;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The run in Markdown: {@value #RESULTS} (every table), {@value #README} (how it was made, the headlines and the
 * plots) and {@value #HEADLINES} (the headline lines alone, as the terminal shows them).
 */
public final class MarkdownReport {

    public static final String RESULTS = "results.md";
    public static final String README = "README.md";
    public static final String HEADLINES = "headlines.txt";

    private MarkdownReport() {
    }

    /** The headline lines, one block per profile, verifier and bin. */
    public static String headlines(final List<Block> blocks) {
        final StringBuilder text = new StringBuilder();
        String heading = null;
        for (final Block block : blocks) {
            final String mine = block.profile() + " profile, " + block.verifier() + " verifier";
            if (!mine.equals(heading)) {
                text.append(heading == null ? "" : "\n").append(mine).append(":\n");
                heading = mine;
            }
            text.append("  ").append(Report.binLabel(block.bin())).append(":\n");
            block.lines().forEach(line -> text.append("    ").append(line.text()).append('\n'));
        }
        return text.toString();
    }

    /**
     * {@value #README}: what made the run, how to make it again, its headlines over all problems, its plots.
     *
     * @param pipeline the pipeline check's summary line, or null when there was none
     */
    public static String readme(final Results results, final List<Block> blocks, final List<Target> targets,
                                final List<String> plots, final String pipeline) {
        final Plan plan = results.plan();
        final StringBuilder md = new StringBuilder();
        md.append("# Strategy benchmark").append(plan.quick() ? " (quick run)" : "").append("\n\n");
        md.append("Made with:\n\n```bash\n").append(plan.command()).append("\n```\n\n");
        md.append(provenance(results)).append('\n').append(method()).append('\n');
        md.append("Files: [`").append(RESULTS).append("`](").append(RESULTS).append(") (every table), [`")
                .append(CsvReport.RESULTS).append("`](").append(CsvReport.RESULTS).append(") (one row per cell), [`")
                .append(CsvReport.DIFFICULTY).append("`](").append(CsvReport.DIFFICULTY)
                .append(") (bins and the oracle), [`").append(HEADLINES).append("`](").append(HEADLINES)
                .append(") (headlines of every bin), [`").append(StrategiesOutput.GRID).append("`](")
                .append(StrategiesOutput.GRID).append(") (the grid as run).\n\n");
        notes(md, results);
        md.append("## Headlines over all problems\n\n");
        for (final Block block : blocks) {
            if (block.bin() != CellSummary.ALL) {
                continue;
            }
            md.append("**").append(block.profile()).append(" profile, ").append(block.verifier()).append(" verifier**\n\n");
            block.lines().forEach(line -> md.append("- ").append(line.text()).append('\n'));
            md.append('\n');
        }
        md.append("Per difficulty bin: [`").append(HEADLINES).append("`](").append(HEADLINES).append(").\n\n");
        targetsTable(md, targets);
        if (pipeline != null) {
            md.append("## The pipeline\n\n").append(pipeline).append(": [`").append(PipelineReport.MARKDOWN).append("`](")
                    .append(PipelineReport.MARKDOWN).append(").\n\n");
        }
        md.append("## Plots\n\n");
        for (final String plot : plots) {
            md.append("![").append(plot).append("](").append(plot).append(")\n\n");
        }
        return md.toString();
    }

    /** {@value #RESULTS}: provenance, bins and oracle, headlines, targets, and per profile and verifier the tables. */
    public static String results(final Results results, final List<Block> blocks, final List<Target> targets) {
        final Plan plan = results.plan();
        final StringBuilder md = new StringBuilder();
        md.append("# Strategies: accuracy against model calls\n\n");
        md.append("Made with `").append(plan.command()).append("`.\n\n").append(provenance(results)).append('\n');
        md.append(method()).append('\n');
        notes(md, results);
        md.append("## Difficulty bins and the oracle\n\n");
        md.append("| profile | bin | problems | pass@1 (estimated) | mean pass@1 | mean steps | mean hidden difficulty | "
                + "oracle calls | oracle calls per correct answer |\n|---|---|---:|---|---:|---:|---:|---:|---:|\n");
        for (final BinSummary b : results.bins()) {
            md.append(String.format(Locale.ROOT, "| %s | %s | %d | %.2f to %.2f | %.2f | %.1f | %.2f | %.1f | %s |%n",
                    b.profile(), Report.binLabel(b.bin()), b.n(), b.passLow(), b.passHigh(), b.meanPass(), b.meanSteps(),
                    b.meanLatent(), b.oracleCalls(), Headlines.calls(b.oracleFloor())));
        }
        md.append("\n## Headlines\n\n```\n").append(headlines(blocks)).append("```\n\n");
        targetsTable(md, targets);
        for (final String profile : results.profiles()) {
            for (final VerifierSpec verifier : plan.verifiers()) {
                cellTables(md, results, profile, verifier.name());
            }
        }
        return md.toString();
    }

    private static String provenance(final Results results) {
        final Plan plan = results.plan();
        final Results.RunStats stats = results.stats();
        return String.format(Locale.ROOT, "Evaluation seeds `%s` (each seeds a problem set of %d mixed problems of up to %d "
                        + "serial steps, and the backend that searches it): %d problems. Calibration seeds `%s` are reserved "
                        + "for calibrating `auto` and disjoint from them. pass@1 is estimated from %d unverified chains per "
                        + "problem. %d in-process prompts in %.1f s on %d threads (%.0f prompts/s); %.1f s in all. "
                        + "`auto` ran with the calibration shipped in the search module, made: %s.%n",
                plan.seeds(), plan.perSeed(), plan.maxSteps(), plan.problemCount(), plan.calibrationSeeds(),
                plan.passSamples(), stats.prompts(), stats.gridSeconds(), stats.threads(), stats.promptsPerSecond(),
                stats.totalSeconds(), plan.autoCalibration());
    }

    private static String method() {
        return "Each problem is searched by every strategy at every budget, in-process: the engine and strategy classes "
                + "of the topology and the handlers of the agents, joined by a deterministic event loop. The budget is the "
                + "prompt's max-model-calls (every role counts); a strategy's knob (n, beam width, attempts) grows with it "
                + "as the grid says. Accuracy comes with its 95% Wilson interval. Bins are quintiles of the estimated "
                + "pass@1 (bin 1 the easiest), for reporting only: no strategy sees them. The oracle proposes one step, "
                + "has it verified exactly and proposes again until it is accepted (2 / (1 - p) calls per step at step "
                + "error p); its calls per correct answer is the floor for a verified search (an unverified one can go "
                + "below it on easy problems, where it pays for no verification). \"Calls to match\" interpolates "
                + "accuracy linearly in log(calls) between budgets and never extrapolates; the range in brackets is where "
                + "the candidate's 95% interval reaches the target; \"Y x fewer\" is the reference's mean calls (not its "
                + "budget) over those calls. \"Not reached\" means the candidate's curve never reaches the target.\n";
    }

    private static void notes(final StringBuilder md, final Results results) {
        if (results.notes().isEmpty()) {
            return;
        }
        md.append("## Left out of this run\n\n");
        results.notes().forEach(note -> md.append("- ").append(note).append('\n'));
        md.append('\n');
    }

    private static void targetsTable(final StringBuilder md, final List<Target> targets) {
        md.append("## Targets of issue 7\n\nStated for the realistic profile; measured on every profile that ran.\n\n");
        md.append("| profile | verifier | goal | measured | verdict |\n|---|---|---|---|---|\n");
        for (final Target t : targets) {
            md.append("| ").append(t.profile()).append(" | ").append(t.verifier()).append(" | ").append(cell(t.goal()))
                    .append(" | ").append(cell(t.measured())).append(" | ").append(t.verdict()).append(" |\n");
        }
        md.append('\n');
    }

    private static void cellTables(final StringBuilder md, final Results results, final String profile,
                                   final String verifier) {
        md.append("## ").append(profile).append(" profile, ").append(verifier).append(" verifier\n\n");
        md.append("![accuracy vs calls](").append(Plots.fileName(profile, verifier)).append(")\n\n");
        md.append("Accuracy [95% interval] and mean calls, per bin:\n\n| strategy | budget | params |");
        for (final int bin : Report.binsInOrder()) {
            md.append(' ').append(Report.binLabel(bin)).append(" |");
        }
        md.append("\n|---|---:|---|").append("---|".repeat(Report.binsInOrder().size())).append('\n');
        final List<CellSummary> all = results.cells(profile, verifier, CellSummary.ALL);
        for (final CellSummary row : all) {
            md.append("| ").append(row.strategy()).append(" | ").append(row.budget()).append(" | ").append(cell(row.params()))
                    .append(" |");
            for (final int bin : Report.binsInOrder()) {
                final Optional<CellSummary> c = results.cell(profile, verifier, bin, row.strategy(), row.budget());
                md.append(' ').append(c.map(MarkdownReport::accuracyAndCalls).orElse("")).append(" |");
            }
            md.append('\n');
        }
        md.append("\nAll problems: calls by role, tokens, and checks (count mismatches between the runner and the answer "
                + "must be 0):\n\n| strategy | budget | accuracy | calls | proposer | verifier | reviser | tokens | "
                + "calls per correct | unanswered | count mismatches | stalled | late calls |\n"
                + "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (final CellSummary c : all) {
            md.append(String.format(Locale.ROOT, "| %s | %d | %.3f | %.1f | %.1f | %.1f | %.1f | %.0f | %s | %d | %d | %d | %.1f |%n",
                    c.strategy(), c.budget(), c.accuracy(), c.meanCalls(), c.meanProposer(), c.meanVerifier(),
                    c.meanReviser(), c.meanTokens(), Headlines.calls(c.callsPerCorrect()), c.unanswered(),
                    c.countMismatches(), c.stalled(), c.meanLateCalls()));
        }
        md.append('\n');
    }

    private static String accuracyAndCalls(final CellSummary c) {
        return String.format(Locale.ROOT, "%.2f [%.2f, %.2f] · %s", c.accuracy(), c.ci().low(), c.ci().high(),
                Headlines.calls(c.meanCalls()));
    }

    /** A table cell: pipes escaped. */
    private static String cell(final String text) {
        return text.replace("|", "\\|");
    }

    /** The headline lines of {@code blocks} over all problems, for the terminal. */
    public static String summary(final List<Block> blocks) {
        final StringBuilder text = new StringBuilder();
        for (final Block block : blocks) {
            if (block.bin() == CellSummary.ALL) {
                text.append(block.profile()).append(" profile, ").append(block.verifier()).append(" verifier, all problems:\n");
                for (final Headline line : block.lines()) {
                    text.append("  ").append(line.text()).append('\n');
                }
            }
        }
        return text.toString();
    }
}
