package dev.stepwise.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The schemas document themselves: a registry UI, {@code stepwise describe} and a reader of the raw
 * topic all see these docs. Every record, enum and field needs one, through nested records, arrays,
 * maps and unions.
 */
class SchemaDocumentationTest {

    @TestFactory
    Stream<DynamicTest> everyRecordEnumAndFieldOfEveryEventHasADoc() {
        return ReleasedSchemas.currentEvents().values().stream().map(schema -> DynamicTest.dynamicTest(schema.getName(),
                () -> assertThat(undocumented(schema)).as("add a \"doc\" to these in src/main/avro").isEmpty()));
    }

    @TestFactory
    Stream<DynamicTest> everyEventButDeadLetterHasAStringPromptId() {
        return ReleasedSchemas.currentEvents().values().stream()
                .filter(schema -> !schema.getName().equals("DeadLetter"))
                .map(schema -> DynamicTest.dynamicTest(schema.getName(), () -> {
                    final Schema.Field promptId = schema.getField("promptId");
                    assertThat(promptId).as("%s.promptId", schema.getName()).isNotNull();
                    assertThat(promptId.schema().getType()).isEqualTo(Schema.Type.STRING);
                }));
    }

    @Test
    void theCheckFindsMissingDocsDeepInsideArraysAndUnions() {
        final Schema schema = new Schema.Parser().parse("""
                {"type": "record", "name": "Outer", "doc": "documented",
                 "fields": [
                   {"name": "plain", "type": "string"},
                   {"name": "list", "doc": "documented", "type": {"type": "array", "items":
                     {"type": "record", "name": "Item", "doc": " ", "fields": [
                       {"name": "inner", "type": "int", "doc": "documented"}]}}},
                   {"name": "choice", "doc": "documented", "type": ["null",
                     {"type": "enum", "name": "Colour", "symbols": ["RED"]}], "default": null}
                 ]}
                """);

        assertThat(undocumented(schema)).containsExactlyInAnyOrder("field Outer.plain", "record Item", "enum Colour");
    }

    /** Records, enums and fields reachable from {@code schema} that have a missing or blank doc. */
    static List<String> undocumented(final Schema schema) {
        final List<String> missing = new ArrayList<>();
        walk(schema, missing, new HashSet<>());
        return missing;
    }

    private static void walk(final Schema schema, final List<String> missing, final Set<String> seen) {
        switch (schema.getType()) {
            case RECORD -> {
                if (!seen.add(schema.getFullName())) {
                    return;
                }
                if (isBlank(schema.getDoc())) {
                    missing.add("record " + schema.getName());
                }
                for (final Schema.Field field : schema.getFields()) {
                    if (isBlank(field.doc())) {
                        missing.add("field " + schema.getName() + "." + field.name());
                    }
                    walk(field.schema(), missing, seen);
                }
            }
            case ENUM -> {
                if (seen.add(schema.getFullName()) && isBlank(schema.getDoc())) {
                    missing.add("enum " + schema.getName());
                }
            }
            case ARRAY -> walk(schema.getElementType(), missing, seen);
            case MAP -> walk(schema.getValueType(), missing, seen);
            case UNION -> schema.getTypes().forEach(branch -> walk(branch, missing, seen));
            default -> {
                // Primitives and fixed types are documented by the field that holds them.
            }
        }
    }

    private static boolean isBlank(final String doc) {
        return doc == null || doc.isBlank();
    }
}
