package dev.stepwise.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stepwise.bench.PipelineScenarios.Row;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code bench pipeline} writes and reads back, and how it takes percentiles. */
class PipelineBenchReportTest {

    private static final List<Row> ROWS = List.of(
            new Row("overhead", "model 50 ms", "ratio", 1.4, "x"),
            new Row("tails", "lognormal median 50 ms, p99 500 ms", "p99 prompt latency", 8123.5, "ms"),
            new Row("ceiling", "raw broker, \"400\"-byte records", "records per second", 41000, "1/s"));

    @Test
    void rowsRoundTripThroughTheCsvCommasAndQuotesIncluded(@TempDir final Path dir) throws Exception {
        final Path csv = dir.resolve(PipelineBenchReport.CSV);

        PipelineBenchReport.writeCsv(ROWS, csv);

        assertThat(Files.readAllLines(csv).getFirst()).isEqualTo("part,setting,quantity,value,unit");
        assertThat(PipelineBenchReport.readCsv(csv)).isEqualTo(ROWS);
    }

    @Test
    void theMarkdownPutsTheBaselineBesideThisRunAndMarksWhatItLacks(@TempDir final Path dir) throws Exception {
        final Path md = dir.resolve(PipelineBenchReport.MARKDOWN);
        final List<Row> before = List.of(new Row("tails", "lognormal median 50 ms, p99 500 ms", "p99 prompt latency",
                20000, "ms"));

        PipelineBenchReport.writeMarkdown(ROWS, before, "before", "# Pipeline bench", md);

        final String text = Files.readString(md);
        assertThat(text).contains("| setting | quantity | before | this run | unit |")
                .contains("| lognormal median 50 ms, p99 500 ms | p99 prompt latency | 20000 | 8124 | ms |")
                .contains("| model 50 ms | ratio | – | 1.40 | x |")
                .contains("## overhead", "## tails", "## ceiling");
    }

    @Test
    void percentilesAreNearestRankOverTheSortedLatencies() {
        final List<Long> sorted = List.of(10L, 20L, 30L, 40L, 50L, 60L, 70L, 80L, 90L, 1000L);

        assertThat(PipelineScenarios.percentile(sorted, 0.50)).isEqualTo(50);
        assertThat(PipelineScenarios.percentile(sorted, 0.99)).isEqualTo(1000);
        assertThat(PipelineScenarios.percentile(List.of(), 0.5)).isNaN();
    }

    @Test
    void thePlotIsAPicture(@TempDir final Path dir) throws Exception {
        final Path png = dir.resolve(PipelineBenchReport.PLOT);
        final List<Row> scaling = List.of(new Row("scaling", "1 processes per kind", "verified steps per second", 10, "1/s"),
                new Row("scaling", "2 processes per kind", "verified steps per second", 19, "1/s"),
                new Row("overhead", "model 50 ms", "ratio", 1.4, "x"));

        assertThat(PipelineBenchReport.writePlot(scaling, png)).isTrue();
        assertThat(Files.size(png)).isPositive();
    }
}
