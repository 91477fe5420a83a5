package dev.stepwise.schemas.deadletter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stepwise.schemas.avro.DeadLetter;
import dev.stepwise.schemas.serde.UndecodableRecordException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

class DeadLettersTest {

    private static final Instant AT = Instant.parse("2025-06-01T12:00:01.500Z");
    private static final byte[] KEY = "prompt-0001".getBytes(StandardCharsets.UTF_8);
    private static final byte[] VALUE = "{\"text\":\"What is 2 + 2?\"}".getBytes(StandardCharsets.UTF_8);

    @Test
    void undecodableRecordKeepsItsBytesWhereItCameFromAndTheReasonAsAKebabCode() {
        final ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>("stepwise.prompts", 2, 17L, KEY, VALUE);
        final UndecodableRecordException error = new UndecodableRecordException(
                UndecodableRecordException.Reason.WRONG_MAGIC_BYTE, "Unknown magic byte 0x7b on topic stepwise.prompts");

        final DeadLetter letter = DeadLetters.of(record, error, "topology", AT);

        assertThat(letter.getSourceTopic()).isEqualTo("stepwise.prompts");
        assertThat(letter.getPartition()).isEqualTo(2);
        assertThat(letter.getOffset()).isEqualTo(17L);
        assertThat(letter.getErrorType()).isEqualTo("wrong-magic-byte");
        assertThat(letter.getError())
                .isEqualTo("Rejected stepwise.prompts[2]@17: Unknown magic byte 0x7b on topic stepwise.prompts");
        assertThat(letter.getComponent()).isEqualTo("topology");
        assertThat(letter.getKey()).isEqualTo(ByteBuffer.wrap(KEY));
        assertThat(letter.getValue()).isEqualTo(ByteBuffer.wrap(VALUE));
        assertThat(letter.getRejectedAt()).isEqualTo(AT);
    }

    @Test
    void everyUndecodableReasonHasItsOwnCode() {
        assertThat(DeadLetters.errorType(new UndecodableRecordException(UndecodableRecordException.Reason.TRUNCATED, "x")))
                .isEqualTo("truncated");
        assertThat(DeadLetters.errorType(
                new UndecodableRecordException(UndecodableRecordException.Reason.UNKNOWN_SCHEMA_ID, "x")))
                .isEqualTo("unknown-schema-id");
        assertThat(DeadLetters.errorType(
                new UndecodableRecordException(UndecodableRecordException.Reason.INCOMPATIBLE_SCHEMA, "x")))
                .isEqualTo("incompatible-schema");
    }

    @Test
    void rejectedInputCarriesItsOwnCodeAndMessage() {
        final RejectedInputException error = new RejectedInputException("invalid-budget",
                "maxModelCalls must be between 1 and 100000, got 0");

        final DeadLetter letter = DeadLetters.of("stepwise.prompts", 0, 3L, KEY, VALUE, error, "topology", AT);

        assertThat(letter.getErrorType()).isEqualTo("invalid-budget");
        assertThat(letter.getError())
                .isEqualTo("Rejected stepwise.prompts[0]@3: maxModelCalls must be between 1 and 100000, got 0");
    }

    @Test
    void anyOtherErrorIsNamedByItsClassEvenWithoutAMessage() {
        final DeadLetter letter = DeadLetters.of("stepwise.steps.proposed", 1, 99L, null, null,
                new IllegalStateException(), "verifier", AT);

        assertThat(letter.getErrorType()).isEqualTo("IllegalStateException");
        assertThat(letter.getError()).isEqualTo("Rejected stepwise.steps.proposed[1]@99: java.lang.IllegalStateException");
        assertThat(letter.getKey()).isNull();
        assertThat(letter.getValue()).isNull();
    }
}
