package dev.stepwise.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.stepwise.schemas.EventSamples;
import dev.stepwise.schemas.avro.AnswerPublished;
import dev.stepwise.schemas.avro.PromptSubmitted;
import dev.stepwise.schemas.avro.StepProposed;
import dev.stepwise.schemas.avro.StepVerified;
import dev.stepwise.schemas.topics.Topic;
import dev.stepwise.schemas.topics.Topics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class AvroSerdesTest {

    private static final Topics TOPICS = Topics.defaults();

    private InMemorySchemaRegistry registry;
    private AvroSerdes serdes;

    @BeforeEach
    void newRegistry() {
        registry = new InMemorySchemaRegistry();
        serdes = new AvroSerdes(registry);
    }

    static Stream<Topic<?>> eventTopics() {
        return TOPICS.eventTopics().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("eventTopics")
    <V> void everySampleEventRoundTripsThroughItsTopicSerdeAndReadsBackEqual(final Topic<V> topic) {
        final V sample = EventSamples.sampleFor(topic);
        final Serde<V> serde = serdes.valueSerde(topic);

        final byte[] bytes = serde.serializer().serialize(topic.name(), sample);
        final V read = serde.deserializer().deserialize(topic.name(), bytes);

        assertThat(read).isEqualTo(sample).isNotSameAs(sample);
        assertThat(read).isEqualTo(EventSamples.sampleFor(topic));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("eventTopics")
    <V> void bytesAreMagicZeroThenTheBigEndianIdOfTheWriterSchemaRegisteredUnderTheTopicValueSubject(final Topic<V> topic) {
        final V sample = EventSamples.sampleFor(topic);

        final byte[] bytes = serdes.valueSerde(topic).serializer().serialize(topic.name(), sample);

        assertThat(bytes[0]).isEqualTo((byte) 0);
        final int id = ((bytes[1] & 0xff) << 24) | ((bytes[2] & 0xff) << 16) | ((bytes[3] & 0xff) << 8) | (bytes[4] & 0xff);
        assertThat(registry.schemaById(id)).isEqualTo(((SpecificRecord) sample).getSchema());
        assertThat(registry.subjects()).containsExactly(topic.name() + "-value").containsExactly(topic.valueSubject());
    }

    @Test
    void failureShapesOfStepsAndAnswersRoundTripToo() {
        final StepProposed failedStep = EventSamples.stepProposedFailed();
        final AnswerPublished failedAnswer = EventSamples.answerPublishedFailed();

        assertThat(roundTrip(TOPICS.stepsProposed(), failedStep)).isEqualTo(failedStep);
        assertThat(roundTrip(TOPICS.answers(), failedAnswer)).isEqualTo(failedAnswer);
    }

    @Test
    void idsArePerSchemaSoTwoTopicsOfOneTypeShareOneIdAndTwoTypesDoNot() {
        final byte[] prompt = serialize(TOPICS.prompts(), EventSamples.promptSubmitted());
        final byte[] promptElsewhere = serialize(new Topics("other", 1).prompts(), EventSamples.promptSubmitted());
        final byte[] verdict = serialize(TOPICS.stepsVerified(), EventSamples.stepVerified());

        assertThat(header(promptElsewhere)).isEqualTo(header(prompt));
        assertThat(header(verdict)).isNotEqualTo(header(prompt));
        assertThat(registry.subjects()).containsExactly("other.prompts-value", "stepwise.prompts-value",
                "stepwise.steps.verified-value");
    }

    @Test
    void serializerRegistersOncePerSubjectAndDeserializerLooksEachIdUpOnce() {
        final CountingRegistry counting = new CountingRegistry(registry);
        final Serde<StepVerified> serde = new AvroSerdes(counting).valueSerde(TOPICS.stepsVerified());

        for (int i = 0; i < 5; i++) {
            final byte[] bytes = serde.serializer().serialize(TOPICS.stepsVerified().name(), EventSamples.stepVerified());
            serde.deserializer().deserialize(TOPICS.stepsVerified().name(), bytes);
        }

        assertThat(counting.registrations.get()).isEqualTo(1);
        assertThat(counting.lookups.get()).isEqualTo(1);
    }

    @Test
    void nullStaysNullBothWays() {
        final Serde<PromptSubmitted> serde = serdes.valueSerde(TOPICS.prompts());

        assertThat(serde.serializer().serialize("t", null)).isNull();
        assertThat(serde.deserializer().deserialize("t", null)).isNull();
    }

    @Test
    void plainTextTopicGetsAStringSerde() {
        final Serde<String> serde = serdes.valueSerde(TOPICS.promptsText());

        final byte[] bytes = serde.serializer().serialize(TOPICS.promptsText().name(), "What is 2 + 2?");

        assertThat(bytes).isEqualTo("What is 2 + 2?".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(registry.subjects()).isEmpty();
    }

    @Test
    void wrongMagicByteIsRejectedNamingTheTopic() {
        final byte[] bytes = serialize(TOPICS.prompts(), EventSamples.promptSubmitted());
        bytes[0] = 0x7b; // '{': someone wrote JSON to the Avro topic

        final UndecodableRecordException error = decodeFailure(TOPICS.prompts(), bytes);

        assertThat(error.reason()).isEqualTo(UndecodableRecordException.Reason.WRONG_MAGIC_BYTE);
        assertThat(error).hasMessageContaining("stepwise.prompts").hasMessageContaining("0x7b");
    }

    @Test
    void unknownSchemaIdIsRejectedWithTheIdAndTopic() {
        final byte[] bytes = serialize(TOPICS.prompts(), EventSamples.promptSubmitted());
        ByteBuffer.wrap(bytes).putInt(1, 4242);

        final UndecodableRecordException error = decodeFailure(TOPICS.prompts(), bytes);

        assertThat(error.reason()).isEqualTo(UndecodableRecordException.Reason.UNKNOWN_SCHEMA_ID);
        assertThat(error).hasMessageContaining("4242").hasMessageContaining("stepwise.prompts");
    }

    @Test
    void fewerThanFiveBytesAreTruncatedAndNoBytesAreEmpty() {
        for (int length = 1; length < ConfluentWireFormat.HEADER_LENGTH; length++) {
            final UndecodableRecordException error = decodeFailure(TOPICS.prompts(), new byte[length]);
            assertThat(error.reason()).as("%d bytes", length).isEqualTo(UndecodableRecordException.Reason.TRUNCATED);
            assertThat(error).hasMessageContaining("stepwise.prompts");
        }
        assertThat(decodeFailure(TOPICS.prompts(), new byte[0]).reason()).isEqualTo(UndecodableRecordException.Reason.EMPTY);
    }

    @Test
    void aBodyCutOffAnywhereIsTruncatedNeverAWrongRecord() {
        final byte[] bytes = serialize(TOPICS.prompts(), EventSamples.promptSubmitted());

        for (int length = ConfluentWireFormat.HEADER_LENGTH; length < bytes.length; length++) {
            final UndecodableRecordException error = decodeFailure(TOPICS.prompts(), Arrays.copyOf(bytes, length));
            assertThat(error.reason()).as("cut to %d of %d bytes", length, bytes.length)
                    .isEqualTo(UndecodableRecordException.Reason.TRUNCATED);
        }
    }

    @Test
    void trailingBytesAfterTheBodyAreMalformed() {
        final byte[] bytes = serialize(TOPICS.prompts(), EventSamples.promptSubmitted());

        final UndecodableRecordException error = decodeFailure(TOPICS.prompts(), Arrays.copyOf(bytes, bytes.length + 3));

        assertThat(error.reason()).isEqualTo(UndecodableRecordException.Reason.MALFORMED_BODY);
    }

    @Test
    void aRecordWrittenWithAnOlderSchemaReadsIntoTheCurrentClassWithDefaults() throws IOException {
        // PromptSubmitted as it might have looked before 'requester', Strategy.branching/maxDepth/maxRevisions
        // and Budget.maxTokens/deadline were added (all with defaults).
        final Schema older = new Schema.Parser().parse("""
                {"type": "record", "name": "PromptSubmitted", "namespace": "dev.stepwise.schemas.avro",
                 "fields": [
                   {"name": "promptId", "type": "string"},
                   {"name": "text", "type": "string"},
                   {"name": "strategy", "type": {"type": "record", "name": "Strategy", "fields": [
                     {"name": "name", "type": "string"},
                     {"name": "beamWidth", "type": "int"}]}},
                   {"name": "budget", "type": {"type": "record", "name": "Budget", "fields": [
                     {"name": "maxModelCalls", "type": "int"}]}},
                   {"name": "submittedAt", "type": {"type": "long", "logicalType": "timestamp-millis"}}
                 ]}
                """);
        final GenericRecord strategy = new GenericData.Record(older.getField("strategy").schema());
        strategy.put("name", "best-of-n");
        strategy.put("beamWidth", 5);
        final GenericRecord budget = new GenericData.Record(older.getField("budget").schema());
        budget.put("maxModelCalls", 50);
        final GenericRecord old = new GenericData.Record(older);
        old.put("promptId", "p-old");
        old.put("text", "What is 6 * 7?");
        old.put("strategy", strategy);
        old.put("budget", budget);
        old.put("submittedAt", EventSamples.SUBMITTED_AT.toEpochMilli());
        final int id = registry.register(TOPICS.prompts().valueSubject(), older);

        final PromptSubmitted read = serdes.valueSerde(TOPICS.prompts()).deserializer()
                .deserialize(TOPICS.prompts().name(), frame(id, older, old));

        assertThat(read.getPromptId()).isEqualTo("p-old");
        assertThat(read.getText()).isEqualTo("What is 6 * 7?");
        assertThat(read.getSubmittedAt()).isEqualTo(EventSamples.SUBMITTED_AT);
        assertThat(read.getRequester()).as("default of the added field").isEqualTo("anonymous");
        assertThat(read.getStrategy().getName()).isEqualTo("best-of-n");
        assertThat(read.getStrategy().getBeamWidth()).isEqualTo(5);
        assertThat(read.getStrategy().getBranching()).isEqualTo(3);
        assertThat(read.getStrategy().getMaxDepth()).isEqualTo(40);
        assertThat(read.getStrategy().getMaxRevisions()).isEqualTo(2);
        assertThat(read.getBudget().getMaxModelCalls()).isEqualTo(50);
        assertThat(read.getBudget().getMaxTokens()).isEqualTo(1_000_000L);
        assertThat(read.getBudget().getDeadline()).isNull();
    }

    @Test
    void aWriterSchemaTheCurrentClassCannotReadIsIncompatibleNotMalformed() throws IOException {
        // StepVerified with 'score' as a string: a breaking change that the registry should have refused.
        final Schema broken = new Schema.Parser().parse("""
                {"type": "record", "name": "StepVerified", "namespace": "dev.stepwise.schemas.avro",
                 "fields": [{"name": "promptId", "type": "string"}, {"name": "stepId", "type": "string"},
                            {"name": "score", "type": "string"}]}
                """);
        final GenericRecord record = new GenericData.Record(broken);
        record.put("promptId", "p");
        record.put("stepId", "s");
        record.put("score", "high");
        final int id = registry.register(TOPICS.stepsVerified().valueSubject(), broken);

        final UndecodableRecordException error = decodeFailure(TOPICS.stepsVerified(), frame(id, broken, record));

        assertThat(error.reason()).isEqualTo(UndecodableRecordException.Reason.INCOMPATIBLE_SCHEMA);
        assertThat(error).hasMessageContaining("stepwise.steps.verified").hasMessageContaining("score");
    }

    @Test
    void anUnreachableRegistryIsReportedAsSuchNotAsABadRecord() {
        final byte[] bytes = serialize(TOPICS.prompts(), EventSamples.promptSubmitted());
        final SchemaRegistryClient down = new SchemaRegistryClient() {
            @Override
            public int register(final String subject, final Schema schema) {
                throw new SchemaRegistryException("down", 0, 0);
            }

            @Override
            public Schema schemaById(final int id) {
                throw new SchemaRegistryException("GET http://127.0.0.1:8081/schemas/ids/1 failed: Connection refused", 0, 0);
            }

            @Override
            public List<String> subjects() {
                throw new SchemaRegistryException("down", 0, 0);
            }
        };

        final UndecodableRecordException error = catchThrowableOfType(UndecodableRecordException.class,
                () -> new AvroSerdes(down).valueSerde(TOPICS.prompts()).deserializer().deserialize("stepwise.prompts", bytes));

        assertThat(error.reason()).isEqualTo(UndecodableRecordException.Reason.REGISTRY_UNAVAILABLE);
        assertThat(error).hasMessageContaining("Connection refused");
    }

    // ---------------------------------------------------------------------------------------------

    private <V> byte[] serialize(final Topic<V> topic, final V value) {
        return serdes.valueSerde(topic).serializer().serialize(topic.name(), value);
    }

    private <V> V roundTrip(final Topic<V> topic, final V value) {
        return serdes.valueSerde(topic).deserializer().deserialize(topic.name(), serialize(topic, value));
    }

    private <V> UndecodableRecordException decodeFailure(final Topic<V> topic, final byte[] bytes) {
        return catchThrowableOfType(UndecodableRecordException.class,
                () -> serdes.valueSerde(topic).deserializer().deserialize(topic.name(), bytes));
    }

    private static byte[] header(final byte[] bytes) {
        return Arrays.copyOf(bytes, ConfluentWireFormat.HEADER_LENGTH);
    }

    /** Confluent framing written by hand, so the test does not lean on the serializer it checks. */
    private static byte[] frame(final int id, final Schema schema, final GenericRecord record) throws IOException {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0);
        out.write(ByteBuffer.allocate(4).putInt(id).array());
        final BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(schema).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    /** Counts the calls that go to the registry, to check what the serdes cache. */
    private static final class CountingRegistry implements SchemaRegistryClient {
        private final SchemaRegistryClient delegate;
        private final AtomicInteger registrations = new AtomicInteger();
        private final AtomicInteger lookups = new AtomicInteger();

        CountingRegistry(final SchemaRegistryClient delegate) {
            this.delegate = delegate;
        }

        @Override
        public int register(final String subject, final Schema schema) {
            registrations.incrementAndGet();
            return delegate.register(subject, schema);
        }

        @Override
        public Schema schemaById(final int id) {
            lookups.incrementAndGet();
            return delegate.schemaById(id);
        }

        @Override
        public List<String> subjects() {
            return delegate.subjects();
        }
    }
}
