package dev.stepwise.bench;

import dev.stepwise.bench.Curves.Point;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Accuracy against mean model calls (log scale), one line per strategy, one panel per difficulty bin and one for all
 * problems: one PNG per profile and verifier, drawn with XChart. The oracle's cost on each bin is a point of its own.
 */
public final class Plots {

    private static final int PANEL_WIDTH = 720;
    private static final int PANEL_HEIGHT = 440;
    private static final int COLUMNS = 3;
    /** Tableau 10: one colour per strategy, the same in every panel and file. */
    private static final Color[] PALETTE = {new Color(0x4e79a7), new Color(0xf28e2b), new Color(0xe15759),
        new Color(0x76b7b2), new Color(0x59a14f), new Color(0xedc948), new Color(0xb07aa1), new Color(0xff9da7),
        new Color(0x9c755f), new Color(0xbab0ac)};

    private Plots() {
    }

    /** The file of one profile and verifier. */
    public static String fileName(final String profile, final String verifier) {
        return "accuracy-vs-calls-" + profile + "-" + verifier + ".png";
    }

    /** Writes one PNG per profile and verifier into {@code dir}; returns their names. */
    public static List<String> write(final Results results, final Path dir) throws IOException {
        // Drawing needs no display.
        System.setProperty("java.awt.headless", "true");
        final List<String> files = new ArrayList<>();
        for (final String profile : results.profiles()) {
            for (final GridConfig.VerifierSpec verifier : results.plan().verifiers()) {
                final List<XYChart> panels = new ArrayList<>();
                for (final int bin : Report.binsInOrder()) {
                    panels.add(panel(results, profile, verifier.name(), bin));
                }
                final String file = fileName(profile, verifier.name());
                BitmapEncoder.saveBitmap(panels, (panels.size() + COLUMNS - 1) / COLUMNS, COLUMNS,
                        dir.resolve(file).toString(), BitmapEncoder.BitmapFormat.PNG);
                files.add(file);
            }
        }
        return files;
    }

    private static XYChart panel(final Results results, final String profile, final String verifier, final int bin) {
        final Results.BinSummary summary = results.bin(profile, bin);
        final String title = String.format(Locale.ROOT, "%s: %s verifier, %s (pass@1 %.2f-%.2f, n=%d)", profile, verifier,
                Report.binLabel(bin), summary.passLow(), summary.passHigh(), summary.n());
        final XYChart chart = new XYChartBuilder().width(PANEL_WIDTH).height(PANEL_HEIGHT).title(title)
                .xAxisTitle("mean model calls per problem (log)").yAxisTitle("accuracy").build();
        chart.getStyler().setXAxisLogarithmic(true)
                .setYAxisMin(0.0).setYAxisMax(1.0)
                .setYAxisDecimalPattern("0.0")
                .setLegendPosition(Styler.LegendPosition.OutsideE)
                .setChartTitleFont(chart.getStyler().getChartTitleFont().deriveFont(11f))
                .setLegendFont(chart.getStyler().getLegendFont().deriveFont(10f));
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        final List<String> strategies = results.strategies();
        for (final Map.Entry<String, List<CellSummary>> strategy
                : Report.byStrategy(results.cells(profile, verifier, bin)).entrySet()) {
            final List<Point> curve = Curves.of(strategy.getValue()).stream().filter(p -> p.calls() > 0).toList();
            if (curve.isEmpty()) {
                continue;
            }
            final Color colour = PALETTE[strategies.indexOf(strategy.getKey()) % PALETTE.length];
            final XYSeries series = chart.addSeries(strategy.getKey(), curve.stream().mapToDouble(Point::calls).toArray(),
                    curve.stream().mapToDouble(Point::accuracy).toArray());
            series.setLineColor(colour);
            series.setMarkerColor(colour);
        }
        // The oracle (always right, at its cost), so that an empty panel still has something to draw.
        final XYSeries oracle = chart.addSeries("oracle (exact verifier)", new double[] {Math.max(1.0, summary.oracleCalls())},
                new double[] {summary.n() == 0 ? 0.0 : (double) summary.oracleCorrect() / summary.n()});
        oracle.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter).setMarker(SeriesMarkers.DIAMOND);
        oracle.setMarkerColor(Color.BLACK);
        return chart;
    }
}
