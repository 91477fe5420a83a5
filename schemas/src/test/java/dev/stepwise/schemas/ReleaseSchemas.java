package dev.stepwise.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;

/**
 * The release step, not a check: writes {@code released/<Record>/v<N+1>.avsc} for every event whose
 * current schema differs from its latest released version (or {@code v1.avsc} for a new event).
 * Its name does not end in {@code Test}, so a normal build never runs it; run it on purpose with
 * {@code mvn -B -q -pl schemas test -Dtest=ReleaseSchemas}, then review and commit the new files.
 * It refuses to release a schema that cannot read its earlier released versions.
 */
class ReleaseSchemas {

    @Test
    void writeANewReleasedVersionForEveryChangedEvent(final TestReporter reporter) throws IOException {
        final List<Path> written = new ArrayList<>();
        for (final Map.Entry<String, Schema> event : ReleasedSchemas.currentEvents().entrySet()) {
            final SortedMap<Integer, Schema> released = ReleasedSchemas.released(event.getKey());
            // Schema.equals ignores docs, so a doc-only edit is not a new version.
            if (!released.isEmpty() && released.get(released.lastKey()).equals(event.getValue())) {
                continue;
            }
            assertThat(ReleasedSchemas.problems(event.getValue(), released))
                    .as("a schema that breaks the evolution rule cannot be released")
                    .allMatch(problem -> problem.contains("has no released version"));
            final int next = released.isEmpty() ? 1 : released.lastKey() + 1;
            final Path file = ReleasedSchemas.directory().resolve(event.getKey()).resolve("v" + next + ".avsc");
            Files.createDirectories(file.getParent());
            Files.writeString(file, ReleasedSchemas.fileText(event.getValue()));
            written.add(file);
        }
        // Shown in target/surefire-reports; `git status schemas/src/main/released` shows the same.
        reporter.publishEntry("written", written.isEmpty() ? "none (nothing changed)" : written.toString());
    }
}
