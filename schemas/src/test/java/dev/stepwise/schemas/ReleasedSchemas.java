package dev.stepwise.schemas;

import dev.stepwise.schemas.serde.AvroCompatibility;
import dev.stepwise.schemas.topics.Topic;
import dev.stepwise.schemas.topics.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaFormatter;
import org.apache.avro.specific.SpecificData;

/**
 * The released versions of the top-level event schemas, kept as fully resolved files under
 * {@code schemas/src/main/released/<Record>/v<N>.avsc}, and the rule they guard: the current schema of
 * an event must read data written with every released version (Confluent's BACKWARD, checked
 * transitively).
 */
final class ReleasedSchemas {

    static final Pattern VERSION_FILE = Pattern.compile("v([1-9][0-9]*)\\.avsc");

    private ReleasedSchemas() {
    }

    /** {@code src/main/released} of this module; surefire runs tests with {@code basedir} set to it. */
    static Path directory() {
        return Path.of(System.getProperty("basedir", System.getProperty("user.dir")), "src", "main", "released");
    }

    /** The current schema of every top-level event (the value types of the Avro topics), by record name. */
    static Map<String, Schema> currentEvents() {
        final Map<String, Schema> events = new LinkedHashMap<>();
        for (final Topic<?> topic : Topics.defaults().eventTopics()) {
            final Schema schema = SpecificData.get().getSchema(topic.valueType());
            events.put(schema.getName(), schema);
        }
        return events;
    }

    /** Released versions of {@code record} by version number; empty when it has none. */
    static SortedMap<Integer, Schema> released(final String record) {
        final SortedMap<Integer, Schema> versions = new TreeMap<>();
        final Path dir = directory().resolve(record);
        if (!Files.isDirectory(dir)) {
            return versions;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (final Path file : files.sorted().toList()) {
                final Matcher name = VERSION_FILE.matcher(file.getFileName().toString());
                if (!name.matches()) {
                    throw new IllegalStateException(file + " is not named v<N>.avsc");
                }
                versions.put(Integer.valueOf(name.group(1)), new Schema.Parser().parse(file.toFile()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return versions;
    }

    /** Names of the directories under {@code released/}. */
    static List<String> releasedRecords() {
        try (Stream<Path> dirs = Files.list(directory())) {
            return dirs.filter(Files::isDirectory).map(dir -> dir.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Everything wrong with {@code current} against the released versions of its event: no released
     * version at all, a gap in the numbering, a file holding another record, or a released version
     * that {@code current} cannot read. Empty when the guard passes.
     */
    static List<String> problems(final Schema current, final SortedMap<Integer, Schema> released) {
        final String record = current.getName();
        final List<String> problems = new ArrayList<>();
        if (released.isEmpty()) {
            problems.add(record + " has no released version: add src/main/released/" + record + "/v1.avsc "
                    + "(run ReleaseSchemas, see schemas/README.md)");
            return problems;
        }
        int expected = 1;
        for (final Map.Entry<Integer, Schema> version : released.entrySet()) {
            final String name = record + " v" + version.getKey();
            if (version.getKey() != expected) {
                problems.add(record + ": released versions must be numbered v1, v2, ... without gaps; found v"
                        + version.getKey() + " where v" + expected + " was expected");
            }
            expected = version.getKey() + 1;
            if (!version.getValue().getFullName().equals(current.getFullName())) {
                problems.add(name + " holds " + version.getValue().getFullName() + ", not " + current.getFullName());
                continue;
            }
            for (final String problem : AvroCompatibility.problems(current, version.getValue())) {
                problems.add("the current " + record + " cannot read data written with released " + name + ": " + problem);
            }
        }
        return problems;
    }

    /** The form a released file is written in: Avro's pretty JSON of the fully resolved schema. */
    static String fileText(final Schema schema) {
        return SchemaFormatter.getInstance("json/pretty").format(schema) + "\n";
    }
}
