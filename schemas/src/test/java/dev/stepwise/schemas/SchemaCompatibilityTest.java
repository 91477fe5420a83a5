package dev.stepwise.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The schema evolution guard: the build fails when the current schema of an event cannot read data
 * written with one of its released versions, or when an event has no released version. Registries
 * run the same check (Confluent's BACKWARD) at registration time; failing here catches it before a
 * release instead of at a producer's first send.
 */
class SchemaCompatibilityTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TestFactory
    Stream<DynamicTest> everyEventReadsDataWrittenWithEachOfItsReleasedVersions() {
        return ReleasedSchemas.currentEvents().values().stream().map(current -> DynamicTest.dynamicTest(current.getName(),
                () -> assertThat(ReleasedSchemas.problems(current, ReleasedSchemas.released(current.getName())))
                        .as("%s: evolve event schemas only by adding fields with a default (see schemas/README.md)",
                                current.getName())
                        .isEmpty()));
    }

    @Test
    void everyReleasedDirectoryBelongsToACurrentEvent() {
        assertThat(ReleasedSchemas.currentEvents().keySet())
                .as("released/ directories without a current event (renamed or removed?)")
                .containsAll(ReleasedSchemas.releasedRecords());
    }

    // --- The guard is known to work: it fails on the changes it exists to stop. -------------------

    @Test
    void guardFailsWhenAFieldIsAddedWithoutADefault() throws IOException {
        final Schema current = withField("StepVerified", "{\"name\": \"guardProbe\", \"type\": \"double\", \"doc\": \"d\"}");

        final var released = ReleasedSchemas.released("StepVerified");
        final List<String> problems = ReleasedSchemas.problems(current, released);

        // One problem per released version: data of each of them lacks the new field.
        assertThat(problems).hasSize(released.size()).first().asString()
                .contains("released StepVerified v1")
                .contains("guardProbe")
                .contains("no default");
    }

    @Test
    void guardFailsWhenAFieldTypeChanges() throws IOException {
        final ObjectNode json = (ObjectNode) JSON.readTree(ReleasedSchemas.currentEvents().get("PromptSubmitted").toString());
        for (final var field : json.withArray("fields")) {
            if (field.get("name").asText().equals("text")) {
                ((ObjectNode) field).put("type", "int");
            }
        }
        final Schema current = new Schema.Parser().parse(json.toString());

        final var released = ReleasedSchemas.released("PromptSubmitted");
        final List<String> problems = ReleasedSchemas.problems(current, released);

        assertThat(problems).hasSize(released.size())
                .allSatisfy(p -> assertThat(p).contains("text").contains("INT").contains("STRING"));
    }

    @Test
    void guardFailsWhenAnEventHasNoReleasedVersion() {
        final List<String> problems = ReleasedSchemas.problems(ReleasedSchemas.currentEvents().get("DeadLetter"),
                new TreeMap<>());

        assertThat(problems).singleElement().asString().contains("DeadLetter has no released version");
    }

    @Test
    void guardFailsOnAGapInTheReleasedVersions() {
        final SortedMap<Integer, Schema> released = new TreeMap<>(ReleasedSchemas.released("DeadLetter"));
        released.put(3, released.get(1));

        assertThat(ReleasedSchemas.problems(ReleasedSchemas.currentEvents().get("DeadLetter"), released))
                .singleElement().asString().contains("found v3 where v2 was expected");
    }

    @Test
    void guardPassesWhenAFieldIsAddedWithADefault() throws IOException {
        final Schema current = withField("StepVerified",
                "{\"name\": \"guardProbe\", \"type\": [\"null\", \"double\"], \"default\": null, \"doc\": \"d\"}");

        assertThat(ReleasedSchemas.problems(current, ReleasedSchemas.released("StepVerified"))).isEmpty();
    }

    @Test
    void releasedFilesAreInTheFormTheReleaseToolWrites() throws IOException {
        // Keeps hand edits out of released/: each file is Avro's own rendering of the schema it holds.
        for (final String record : ReleasedSchemas.releasedRecords()) {
            for (final var version : ReleasedSchemas.released(record).entrySet()) {
                final String text = java.nio.file.Files.readString(
                        ReleasedSchemas.directory().resolve(record).resolve("v" + version.getKey() + ".avsc"));
                assertThat(text).as(record + " v" + version.getKey()).isEqualTo(ReleasedSchemas.fileText(version.getValue()));
            }
        }
    }

    /** The current schema of {@code record} with one more field, as a developer might add it. */
    private static Schema withField(final String record, final String fieldJson) throws IOException {
        final ObjectNode json = (ObjectNode) JSON.readTree(ReleasedSchemas.currentEvents().get(record).toString());
        final ArrayNode fields = json.withArray("fields");
        fields.add(JSON.readTree(fieldJson));
        return new Schema.Parser().parse(json.toString());
    }
}
