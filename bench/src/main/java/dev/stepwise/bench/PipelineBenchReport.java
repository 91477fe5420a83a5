package dev.stepwise.bench;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import dev.stepwise.bench.PipelineScenarios.Row;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;

/**
 * What {@code bench pipeline} writes: {@code pipeline.csv} (one row per figure), {@code pipeline.md} (a table per part,
 * with the figures of a baseline run beside them when one is given, and the command that made them) and
 * {@code pipeline.png} (scaling against the ideal line, and the overhead ratio per model latency), drawn with XChart
 * like the strategy bench's plots.
 */
final class PipelineBenchReport {

    static final String CSV = "pipeline.csv";
    static final String MARKDOWN = "pipeline.md";
    static final String PLOT = "pipeline.png";

    private static final CsvMapper CSV_MAPPER = new CsvMapper();
    /** One row per figure, in this column order, with a header. */
    private static final CsvSchema CSV_SCHEMA = CsvSchema.builder().addColumn("part").addColumn("setting")
            .addColumn("quantity").addNumberColumn("value").addColumn("unit").build().withHeader();

    private PipelineBenchReport() {
    }

    static void writeCsv(final List<Row> rows, final Path file) throws IOException {
        CSV_MAPPER.writer(CSV_SCHEMA).writeValue(file.toFile(), rows);
    }

    /** Rows of a CSV this class wrote (a baseline from another run). */
    static List<Row> readCsv(final Path file) throws IOException {
        try (MappingIterator<Row> rows = CSV_MAPPER.readerFor(Row.class).with(CSV_SCHEMA).readValues(file.toFile())) {
            return rows.readAll();
        }
    }

    static void writeMarkdown(final List<Row> rows, final List<Row> baseline, final String baselineLabel,
                              final String header, final Path file) throws IOException {
        final StringBuilder md = new StringBuilder(header).append('\n');
        final Map<String, List<Row>> byPart = new LinkedHashMap<>();
        rows.forEach(r -> byPart.computeIfAbsent(r.part(), k -> new ArrayList<>()).add(r));
        final boolean withBaseline = !baseline.isEmpty();
        for (final Map.Entry<String, List<Row>> part : byPart.entrySet()) {
            md.append("\n## ").append(part.getKey()).append("\n\n| setting | quantity | ")
                    .append(withBaseline ? baselineLabel + " | " : "").append("this run | unit |\n|---|---|")
                    .append(withBaseline ? "---:|" : "").append("---:|---|\n");
            for (final Row r : part.getValue()) {
                md.append("| ").append(r.setting()).append(" | ").append(r.quantity()).append(" | ");
                if (withBaseline) {
                    md.append(find(baseline, r).map(b -> format(b.value())).orElse("–")).append(" | ");
                }
                md.append(format(r.value())).append(" | ").append(r.unit()).append(" |\n");
            }
        }
        Files.writeString(file, md, StandardCharsets.UTF_8);
    }

    /** Scaling (steps per second against instances, with the ideal line) and the overhead ratio per model latency. */
    static boolean writePlot(final List<Row> rows, final Path file) throws IOException {
        System.setProperty("java.awt.headless", "true");
        final List<org.knowm.xchart.internal.chartpart.Chart<?, ?>> charts = new ArrayList<>();
        final List<Row> scaling = rows.stream().filter(r -> r.part().equals("scaling")).toList();
        if (!scaling.isEmpty()) {
            final XYChart chart = new XYChartBuilder().width(640).height(420).title("Horizontal scaling (model-bound)")
                    .xAxisTitle("instances per agent kind").yAxisTitle("verified steps per second").build();
            final double[] n = scaling.stream().mapToDouble(r -> Double.parseDouble(r.setting().split(" ")[0])).toArray();
            final double[] rate = scaling.stream().mapToDouble(Row::value).toArray();
            final double[] ideal = new double[n.length];
            for (int i = 0; i < n.length; i++) {
                ideal[i] = rate[0] * n[i] / n[0];
            }
            chart.addSeries("measured", n, rate);
            chart.addSeries("ideal (linear)", n, ideal);
            chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
            charts.add(chart);
        }
        final List<Row> ratios = rows.stream().filter(r -> r.part().equals("overhead") && r.quantity().equals("ratio")).toList();
        if (!ratios.isEmpty()) {
            final CategoryChart chart = new CategoryChartBuilder().width(640).height(420)
                    .title("Pipeline wall / in-process wall (16-step chains)").xAxisTitle("model latency")
                    .yAxisTitle("ratio").build();
            chart.addSeries("ratio", ratios.stream().map(Row::setting).toList(), ratios.stream().map(Row::value).toList());
            chart.getStyler().setLegendVisible(false);
            charts.add(chart);
        }
        if (charts.isEmpty()) {
            return false;
        }
        BitmapEncoder.saveBitmap(charts, 1, charts.size(), file.toString(), BitmapEncoder.BitmapFormat.PNG);
        return true;
    }

    private static Optional<Row> find(final List<Row> rows, final Row like) {
        return rows.stream().filter(r -> r.part().equals(like.part()) && r.setting().equals(like.setting())
                && r.quantity().equals(like.quantity())).findFirst();
    }

    static String format(final double v) {
        if (Double.isNaN(v)) {
            return "–";
        }
        return Math.abs(v) >= 100 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.2f", v);
    }
}
