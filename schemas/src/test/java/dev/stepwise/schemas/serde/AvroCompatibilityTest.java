package dev.stepwise.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stepwise.schemas.avro.StepProposalRequested;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

class AvroCompatibilityTest {

    private static Schema parse(final String json) {
        return new Schema.Parser().parse(json);
    }

    @Test
    void aSchemaReadsItself() {
        assertThat(AvroCompatibility.problems(StepProposalRequested.SCHEMA$, StepProposalRequested.SCHEMA$)).isEmpty();
        assertThat(AvroCompatibility.canRead(StepProposalRequested.SCHEMA$, StepProposalRequested.SCHEMA$)).isTrue();
    }

    @Test
    void problemsNameTheFieldPathThroughNestedRecordsAndArrays() {
        final Schema writer = parse("""
                {"type": "record", "name": "R", "fields": [
                  {"name": "context", "type": {"type": "record", "name": "C", "fields": [
                    {"name": "priorSteps", "type": {"type": "array", "items": "string"}}]}}]}
                """);
        final Schema reader = parse("""
                {"type": "record", "name": "R", "fields": [
                  {"name": "context", "type": {"type": "record", "name": "C", "fields": [
                    {"name": "priorSteps", "type": {"type": "array", "items": "int"}}]}}]}
                """);

        assertThat(AvroCompatibility.problems(reader, writer)).singleElement().asString()
                .startsWith("context.priorSteps[]: TYPE_MISMATCH")
                .contains("INT").contains("STRING");
        assertThat(AvroCompatibility.canRead(reader, writer)).isFalse();
    }

    @Test
    void anAddedFieldWithoutDefaultIsNamedWithTheFix() {
        final Schema writer = parse("{\"type\": \"record\", \"name\": \"R\", \"fields\": [{\"name\": \"a\", \"type\": \"int\"}]}");
        final Schema reader = parse("""
                {"type": "record", "name": "R", "fields": [{"name": "a", "type": "int"}, {"name": "b", "type": "long"}]}
                """);

        assertThat(AvroCompatibility.problems(reader, writer)).containsExactly(
                "b: field has no default, so data written without it cannot be read (add \"default\")");
        assertThat(AvroCompatibility.problems(writer, reader)).as("dropping a field is fine for the reader").isEmpty();
    }

    @Test
    void anUnknownEnumSymbolWithoutAnEnumDefaultIsAProblem() {
        final Schema writer = parse("""
                {"type": "record", "name": "R", "fields": [{"name": "e", "type": {"type": "enum", "name": "E", "symbols": ["A", "B"]}}]}
                """);
        final Schema reader = parse("""
                {"type": "record", "name": "R", "fields": [{"name": "e", "type": {"type": "enum", "name": "E", "symbols": ["A"]}}]}
                """);

        assertThat(AvroCompatibility.problems(reader, writer)).singleElement().asString().startsWith("e: enum symbols").contains("B");
    }
}
