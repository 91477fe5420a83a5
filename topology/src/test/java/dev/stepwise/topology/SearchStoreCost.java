package dev.stepwise.topology;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Measures what one event costs the topology as a prompt's search tree grows: time per event and bytes
 * written to the state stores per event, at a few tree sizes, printed as a Markdown table. Not a test (no
 * timed assertions: this is a shared machine); run it by hand, from the repository root:
 *
 * <pre>
 * mvn -B -o -q -pl topology test-compile dependency:build-classpath -Dmdep.outputFile=target/test.classpath
 * java -cp "topology/target/test-classes:topology/target/classes:$(cat topology/target/test.classpath)" \
 *     dev.stepwise.topology.SearchStoreCost [steps ...]
 * </pre>
 *
 * <p>Each size is measured on a prompt of its own, on the window of {@link #WINDOW} events (steps and verdicts of
 * a 4 x 4 beam) from the first one at which its tree holds that many steps; every size is played twice and the
 * second round is printed, so that all sizes are measured after the same warm-up. Times are the median and mean
 * over the window, on whatever else the machine runs: compare sizes within one run, not runs across machines.
 */
public final class SearchStoreCost {

    private static final int WINDOW = 64;
    private static final int[] DEFAULT_SIZES = {10, 100, 1000, 4000};

    private SearchStoreCost() {
    }

    public static void main(final String[] args) throws IOException {
        final int[] sizes = args.length == 0 ? DEFAULT_SIZES : Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
        final Path stateDir = Files.createTempDirectory("search-store-cost");
        try (TopologyFixture fx = new TopologyFixture(stateDir, Map.of())) {
            final GrowingSearch search = new GrowingSearch(fx);
            for (final int size : sizes) {
                search.grow("warm-up-" + size, size + WINDOW);
            }
            System.out.println("| steps in the tree | events | median us/event | mean us/event | mean bytes written/event "
                    + "| max bytes written/event |");
            System.out.println("|---|---|---|---|---|---|");
            for (final int size : sizes) {
                System.out.println(row(window(search.grow("measured-" + size, size + WINDOW), size)));
            }
        } finally {
            delete(stateDir);
        }
    }

    private static List<GrowingSearch.Sample> window(final List<GrowingSearch.Sample> samples, final int size) {
        int from = 0;
        while (from < samples.size() && samples.get(from).steps() < size) {
            from++;
        }
        return samples.subList(from, Math.min(samples.size(), from + WINDOW));
    }

    private static String row(final List<GrowingSearch.Sample> window) {
        final long[] nanos = window.stream().mapToLong(GrowingSearch.Sample::nanos).sorted().toArray();
        final double median = nanos[nanos.length / 2] / 1_000.0;
        final double mean = Arrays.stream(nanos).average().orElse(0) / 1_000.0;
        final double bytes = window.stream().mapToLong(GrowingSearch.Sample::bytesWritten).average().orElse(0);
        final long maxBytes = window.stream().mapToLong(GrowingSearch.Sample::bytesWritten).max().orElse(0);
        return String.format(Locale.ROOT, "| %d-%d | %d | %.0f | %.0f | %.0f | %d |", window.get(0).steps(),
                window.get(window.size() - 1).steps(), window.size(), median, mean, bytes, maxBytes);
    }

    private static void delete(final Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
