package dev.stepwise.bench;

import dev.stepwise.bench.Report.Block;
import dev.stepwise.bench.Report.Target;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Writes every output of a run into one directory. */
public final class StrategiesOutput {

    /** The grid as it ran, resolved from the config and the flags. */
    public static final String GRID = "grid.json";

    private StrategiesOutput() {
    }

    /**
     * What was written.
     *
     * @param files  the files, by name
     * @param blocks the headlines
     */
    public record Written(List<String> files, List<Block> blocks) {
    }

    /**
     * Writes the CSVs, the Markdown, the headlines, the grid and the plots of {@code results} into {@code dir}
     * (created if needed; files of an earlier run are replaced).
     *
     * @param grid     the grid config as run, recorded as {@value #GRID}
     * @param pipeline the pipeline check, or null when there was none
     */
    public static Written write(final Results results, final GridConfig grid, final Path dir,
                                final List<PipelineCheck.Comparison> pipeline) throws IOException {
        Files.createDirectories(dir);
        final List<Block> blocks = Report.headlines(results);
        final List<Target> targets = Report.targets(results, blocks);
        final List<String> files = new ArrayList<>();
        write(dir, CsvReport.RESULTS, CsvReport.results(results.cells()), files);
        write(dir, CsvReport.DIFFICULTY, CsvReport.difficulty(results.bins()), files);
        write(dir, MarkdownReport.HEADLINES, MarkdownReport.headlines(blocks), files);
        write(dir, MarkdownReport.RESULTS, MarkdownReport.results(results, blocks, targets), files);
        write(dir, GRID, grid.toJson() + "\n", files);
        if (pipeline != null) {
            write(dir, PipelineReport.MARKDOWN, PipelineReport.markdown(pipeline, grid.pipeline(), results.plan().command()),
                    files);
            write(dir, PipelineReport.CSV, PipelineReport.csv(pipeline), files);
        }
        final List<String> plots = Plots.write(results, dir);
        files.addAll(plots);
        write(dir, MarkdownReport.README, MarkdownReport.readme(results, blocks, targets, plots,
                pipeline == null ? null : PipelineReport.summary(pipeline)), files);
        return new Written(List.copyOf(files), blocks);
    }

    private static void write(final Path dir, final String name, final String content, final List<String> files)
            throws IOException {
        Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8);
        files.add(name);
    }
}
