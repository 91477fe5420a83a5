package dev.stepwise.topology;

import dev.stepwise.schemas.avro.DeadLetter;
import dev.stepwise.schemas.deadletter.DeadLetters;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Sends a rejected input record, with its original key and value bytes, to a dead-letter sink and logs why. */
final class DeadLetterForwarder {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterForwarder.class);

    private DeadLetterForwarder() {
    }

    static void forward(final ProcessorContext<String, Object> context, final Record<byte[], byte[]> record,
                        final RecordMetadata where, final RuntimeException error, final String component,
                        final String sink) {
        final DeadLetter letter = DeadLetters.of(where.topic(), where.partition(), where.offset(), record.key(),
                record.value(), error, component, Instant.ofEpochMilli(context.currentSystemTimeMs()));
        LOG.warn("{} ({})", letter.getError(), letter.getErrorType());
        final String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
        context.forward(new Record<String, Object>(key, letter, record.timestamp()), sink);
    }
}
