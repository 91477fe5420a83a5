package dev.stepwise.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stepwise.schemas.topics.Topic;
import dev.stepwise.schemas.topics.Topics;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.avro.Schema;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

/** The samples must cover what their users rely on: every type, every optional field, every array. */
class EventSamplesTest {

    private static List<SpecificRecord> allSamples() {
        final List<SpecificRecord> samples = new ArrayList<>(EventSamples.byType().values());
        samples.add(EventSamples.stepProposedFailed());
        samples.add(EventSamples.answerPublishedFailed());
        return samples;
    }

    @Test
    void thereIsASampleForEveryAvroTopicAndItsValueType() {
        final Topics topics = Topics.defaults();

        final List<Class<?>> valueTypes = topics.eventTopics().stream().<Class<?>>map(Topic::valueType).toList();
        assertThat(new ArrayList<Class<?>>(EventSamples.byType().keySet())).containsExactlyInAnyOrderElementsOf(valueTypes);
        for (final Topic<?> topic : topics.eventTopics()) {
            assertThat(EventSamples.sampleFor(topic)).isInstanceOf(topic.valueType());
        }
    }

    @Test
    void eachCallReturnsAFreshButEqualInstance() {
        // Avro records are mutable: a test that changes its sample must not change another test's.
        for (final var entry : EventSamples.byType().entrySet()) {
            final SpecificRecord again = EventSamples.byType().get(entry.getKey());
            assertThat(again).as(entry.getKey().getSimpleName()).isEqualTo(entry.getValue()).isNotSameAs(entry.getValue());
        }
    }

    @Test
    void aPlainTextTopicHasNoSample() {
        assertThatThrownBy(() -> EventSamples.sampleFor(Topics.defaults().promptsText()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("stepwise.prompts.text");
    }

    @Test
    void everyNullableFieldIsSetAndEveryArrayIsNonEmptyInSomeSample() {
        final Set<String> nullable = new TreeSet<>();
        final Set<String> arrays = new TreeSet<>();
        final Set<String> covered = new TreeSet<>();
        for (final SpecificRecord sample : allSamples()) {
            walk(sample.getSchema().getName(), sample, nullable, arrays, covered);
        }

        assertThat(nullable).as("the walk found the nullable fields").contains("PromptSubmitted.budget.deadline");
        assertThat(arrays).as("the walk found the arrays").contains("AnswerPublished.votes");
        assertThat(covered).as("nullable fields set and arrays non-empty").containsAll(nullable).containsAll(arrays);
    }

    @Test
    void everyTimestampIsAtMillisecondPrecision() {
        for (final SpecificRecord sample : allSamples()) {
            for (final Instant instant : instants(sample)) {
                assertThat(instant).isEqualTo(instant.truncatedTo(ChronoUnit.MILLIS));
            }
        }
        assertThat(instants(EventSamples.promptSubmitted())).hasSize(2);
    }

    private static void walk(final String path, final IndexedRecord record, final Set<String> nullable,
                             final Set<String> arrays, final Set<String> covered) {
        for (final Schema.Field field : record.getSchema().getFields()) {
            final String fieldPath = path + "." + field.name();
            final Object value = record.get(field.pos());
            Schema schema = field.schema();
            if (schema.isNullable()) {
                nullable.add(fieldPath);
                if (value != null) {
                    covered.add(fieldPath);
                }
                schema = schema.getTypes().stream().filter(s -> s.getType() != Schema.Type.NULL).findFirst().orElseThrow();
            }
            if (schema.getType() == Schema.Type.ARRAY) {
                arrays.add(fieldPath);
                if (value instanceof Collection<?> items && !items.isEmpty()) {
                    covered.add(fieldPath);
                    items.stream().filter(IndexedRecord.class::isInstance)
                            .forEach(item -> walk(fieldPath + "[]", (IndexedRecord) item, nullable, arrays, covered));
                }
            } else if (value instanceof IndexedRecord nested) {
                walk(fieldPath, nested, nullable, arrays, covered);
            }
        }
    }

    private static List<Instant> instants(final IndexedRecord record) {
        final List<Instant> found = new ArrayList<>();
        for (final Schema.Field field : record.getSchema().getFields()) {
            final Object value = record.get(field.pos());
            if (value instanceof Instant instant) {
                found.add(instant);
            } else if (value instanceof IndexedRecord nested) {
                found.addAll(instants(nested));
            }
        }
        return found;
    }
}
