package dev.stepwise.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stepwise.bench.GridConfig.HeadlineSpec;
import dev.stepwise.bench.GridConfig.StrategySpec;
import dev.stepwise.bench.GridConfig.VerifierSpec;
import dev.stepwise.bench.Report.Block;
import dev.stepwise.bench.Report.Target;
import dev.stepwise.bench.Results.BinSummary;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CSV and Markdown writers and the targets, on a small hand-made run. */
class ReportWritersTest {

    /**
     * Two strategies at budgets 16 and 64 on 10 problems per bin: auto is right 9 times in 10 with 12 calls at budget
     * 16 and always with 20 at 64; weighted-best-of-n 6 of 10 with 30 calls and 9 of 10 with 60.
     */
    static Results results() {
        final Plan plan = new Plan("./stepwise bench strategies --seeds 1", false, List.of(16, 64),
                List.of(new StrategySpec("auto", Map.of(), 0, 1, Map.of()),
                        new StrategySpec("weighted-best-of-n", Map.of("n", 1.0), 11, 3, Map.of())),
                List.of(new VerifierSpec("exact", 0, 0, 0)), List.of("uniform"), 50, 16, SeedRange.parse("1"),
                SeedRange.parse("1001"), 8, new HeadlineSpec("auto", "weighted-best-of-n", 64, "adaptive-majority"), 2,
                "by hand, for this test");
        final List<CellSummary> cells = new ArrayList<>();
        for (final int bin : Report.binsInOrder()) {
            final int n = bin == CellSummary.ALL ? 50 : 10;
            final int k = n / 10;
            cells.add(cell("auto", 16, "max-model-calls=16", bin, n, 9 * k, 12));
            cells.add(cell("auto", 64, "max-model-calls=64", bin, n, 10 * k, 20));
            cells.add(cell("weighted-best-of-n", 16, "n=1 max-model-calls=48", bin, n, 6 * k, 30));
            cells.add(cell("weighted-best-of-n", 64, "n=5 max-model-calls=192", bin, n, 9 * k, 60));
        }
        final List<BinSummary> bins = new ArrayList<>();
        for (final int bin : Report.binsInOrder()) {
            bins.add(new BinSummary("uniform", bin, bin == CellSummary.ALL ? 50 : 10, 0.1, 0.9, 0.5, 10, 0.0, 22.2,
                    bin == CellSummary.ALL ? 50 : 10));
        }
        return new Results(plan, cells, bins, List.of("profile realistic left out: not in this build"),
                new Results.RunStats(200, 2.0, 3.0, 2));
    }

    private static CellSummary cell(final String strategy, final int budget, final String params, final int bin,
                                    final int n, final int correct, final double calls) {
        return new CellSummary("uniform", "exact", strategy, budget, params, bin, n, correct, Wilson.interval95(correct, n),
                calls, calls / 2, calls / 2, 0, calls * 80, 0, 0, 0, 0);
    }

    @TempDir
    Path dir;

    @Test
    void onePngPerProfileAndVerifierIsDrawnWithAPanelPerBin() throws Exception {
        final List<String> files = Plots.write(results(), dir);
        assertThat(files).containsExactly("accuracy-vs-calls-uniform-exact.png");
        final BufferedImage image = ImageIO.read(dir.resolve(files.get(0)).toFile());
        // Three columns and two rows: five bins and all problems.
        assertThat(image.getWidth()).isGreaterThan(image.getHeight());
        assertThat(image.getWidth()).isGreaterThanOrEqualTo(3 * 600);
    }

    @Test
    void everyOutputIsWrittenIntoOneDirectory() throws Exception {
        final StrategiesOutput.Written written = StrategiesOutput.write(results(), GridConfig.defaults(), dir, null);
        assertThat(written.files()).containsExactlyInAnyOrder("results.csv", "difficulty.csv", "headlines.txt",
                "results.md", "grid.json", "accuracy-vs-calls-uniform-exact.png", "README.md");
        for (final String file : written.files()) {
            assertThat(dir.resolve(file)).isNotEmptyFile();
        }
    }

    @Test
    void theResultsCsvHasAHeaderAndOneRowPerCellWithFieldsQuotedWhereNeeded() {
        final Results results = results();
        final String csv = CsvReport.results(results.cells());
        final List<String> lines = csv.lines().toList();
        assertThat(lines.get(0)).isEqualTo(String.join(",", CsvReport.RESULT_COLUMNS));
        assertThat(lines).hasSize(1 + results.cells().size());
        assertThat(lines.get(1)).startsWith("uniform,exact,auto,16,max-model-calls=16,1,10,9,0.9000,");
        assertThat(lines).anyMatch(l -> l.startsWith("uniform,exact,weighted-best-of-n,64,n=5 max-model-calls=192,all,50,45,"));
        assertThat(CsvReport.field("a,b \"c\"")).isEqualTo("\"a,b \"\"c\"\"\"");
        assertThat(lines.get(1).split(",")).hasSize(CsvReport.RESULT_COLUMNS.size());
    }

    @Test
    void theDifficultyCsvHasOneRowPerBinWithTheOraclesCost() {
        final List<String> lines = CsvReport.difficulty(results().bins()).lines().toList();
        assertThat(lines.get(0)).isEqualTo(String.join(",", CsvReport.DIFFICULTY_COLUMNS));
        assertThat(lines).hasSize(1 + Difficulty.BINS + 1);
        assertThat(lines.get(1)).isEqualTo("uniform,1,10,0.1000,0.9000,0.5000,10.0000,0.0000,22.2000,10,22.2000");
        assertThat(lines.get(Difficulty.BINS + 1)).isEqualTo("uniform,all,50,0.1000,0.9000,0.5000,10.0000,0.0000,22.2000,50,22.2000");
    }

    @Test
    void theHeadlinesCompareAutoWithTheReferenceInEveryBin() {
        final List<Block> blocks = Report.headlines(results());
        assertThat(blocks).hasSize(Difficulty.BINS + 1);
        // weighted-best-of-n@64 is right 9 times in 10 with 60 calls; auto is at 0.9 with 12 calls: at most 12, 5x fewer.
        assertThat(blocks.get(0).match().text()).startsWith("auto needs at most 12.0 calls").endsWith("(at least 5.0x fewer)");
        assertThat(blocks.get(0).versus().text()).isEqualTo("adaptive-majority not in this run");
    }

    @Test
    void theTargetsAreMetOrMissedOrNotMeasurableAndSaySo() {
        final Results results = results();
        final List<Target> targets = Report.targets(results, Report.headlines(results));
        assertThat(targets).hasSize(2);
        assertThat(targets.get(0).goal()).isEqualTo("auto reaches the accuracy of weighted-best-of-n@64 with >= 8.0x "
                + "fewer calls, in every bin");
        assertThat(targets.get(0).verdict()).isEqualTo("missed");
        assertThat(targets.get(0).measured()).contains("bin 1 (easiest) 5.0x");
        assertThat(targets.get(1).verdict()).isEqualTo("not measurable in this run");
    }

    @Test
    void theMarkdownNamesTheCommandSeedsBinsHeadlinesAndEveryCell() {
        final Results results = results();
        final List<Block> blocks = Report.headlines(results);
        final List<Target> targets = Report.targets(results, blocks);
        final String md = MarkdownReport.results(results, blocks, targets);
        assertThat(md).contains("Made with `./stepwise bench strategies --seeds 1`")
                .contains("Evaluation seeds `1`").contains("Calibration seeds `1001`")
                .contains("| uniform | bin 5 (hardest) | 10 | 0.10 to 0.90 |")
                .contains("auto needs at most 12.0 calls")
                .contains("| weighted-best-of-n | 64 | n=5 max-model-calls=192 | 0.90 [0.60, 0.98] · 60.0 |")
                .contains("- profile realistic left out: not in this build")
                .contains("![accuracy vs calls](accuracy-vs-calls-uniform-exact.png)");
        final String readme = MarkdownReport.readme(results, blocks, targets, List.of("accuracy-vs-calls-uniform-exact.png"),
                null);
        assertThat(readme).contains("```bash\n./stepwise bench strategies --seeds 1\n```")
                .contains("![accuracy-vs-calls-uniform-exact.png](accuracy-vs-calls-uniform-exact.png)")
                .doesNotContain("## The pipeline");
        assertThat(MarkdownReport.headlines(blocks)).startsWith("uniform profile, exact verifier:\n  bin 1 (easiest):\n");
    }
}
