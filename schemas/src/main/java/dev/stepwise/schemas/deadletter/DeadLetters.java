package dev.stepwise.schemas.deadletter;

import dev.stepwise.schemas.avro.DeadLetter;
import dev.stepwise.schemas.serde.UndecodableRecordException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Locale;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Builds dead-letter records that keep the original bytes and say, in words, what was wrong and where. */
public final class DeadLetters {

    private DeadLetters() {
    }

    /**
     * A dead letter for the record at {@code topic}/{@code partition}/{@code offset}.
     *
     * @param component the service that rejected it (topology, proposer, verifier, reviser)
     */
    public static DeadLetter of(final String topic, final int partition, final long offset, final byte[] key,
                                final byte[] value, final Throwable error, final String component, final Instant at) {
        return DeadLetter.newBuilder()
                .setSourceTopic(topic)
                .setPartition(partition)
                .setOffset(offset)
                .setError(describe(topic, partition, offset, error))
                .setErrorType(errorType(error))
                .setComponent(component)
                .setKey(key == null ? null : ByteBuffer.wrap(key))
                .setValue(value == null ? null : ByteBuffer.wrap(value))
                .setRejectedAt(at)
                .build();
    }

    /** A dead letter for a consumed record. */
    public static DeadLetter of(final ConsumerRecord<byte[], byte[]> record, final Throwable error,
                                final String component, final Instant at) {
        return of(record.topic(), record.partition(), record.offset(), record.key(), record.value(), error, component, at);
    }

    /** "Rejected stepwise.prompts[2]@17: <what was wrong>" — the message a log line and a dead letter both carry. */
    public static String describe(final String topic, final int partition, final long offset, final Throwable error) {
        final String what = error.getMessage() == null ? error.getClass().getName() : error.getMessage();
        return "Rejected " + topic + "[" + partition + "]@" + offset + ": " + what;
    }

    /** A short, stable code for the kind of error, e.g. {@code wrong-magic-byte} or {@code invalid-budget}. */
    public static String errorType(final Throwable error) {
        if (error instanceof RejectedInputException rejected) {
            return rejected.code();
        }
        if (error instanceof UndecodableRecordException undecodable) {
            return undecodable.reason().name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
        return error.getClass().getSimpleName();
    }
}
