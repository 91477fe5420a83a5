package dev.stepwise.agents;

import dev.stepwise.models.ModelCallException;
import dev.stepwise.schemas.avro.DeadLetter;
import dev.stepwise.schemas.deadletter.DeadLetters;
import dev.stepwise.schemas.deadletter.RejectedInputException;
import dev.stepwise.schemas.serde.UndecodableRecordException;
import dev.stepwise.schemas.topics.Topic;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one input record turns into: decode it, run the handler, and map every failure to what the
 * record deserves. It runs on its own virtual thread, so a slow model call delays only its own record.
 *
 * <ul>
 *   <li>An undecodable record becomes a dead letter with its original bytes.</li>
 *   <li>A registry outage while decoding is not the record's fault: decoding is tried again after a
 *       growing backoff, the record staying in flight (it holds back its partition's committed offset,
 *       nothing else).</li>
 *   <li>A model failure that retrying cannot fix, a rejected input and an unexpected error become a
 *       dead letter, so the partition never blocks on a record that will fail the same way forever.</li>
 *   <li>A retriable {@link ModelCallException} that escapes a handler written without
 *       {@link ModelCalls} (which turns it into "write nothing, the search asks again") is retried here
 *       after a backoff, as a safety net.</li>
 * </ul>
 *
 * @param <I> request type
 */
final class RecordWork<I extends SpecificRecord> {

    private static final Logger LOG = LoggerFactory.getLogger(RecordWork.class);

    private final String who;
    private final String component;
    private final AgentHandler<I> handler;
    private final Deserializer<I> decoder;
    private final Topic<DeadLetter> deadLetters;
    private final Backoff backoff;
    private final Clock clock;

    RecordWork(final String who, final String component, final AgentHandler<I> handler, final Deserializer<I> decoder,
               final Topic<DeadLetter> deadLetters, final Backoff backoff, final Clock clock) {
        this.who = who;
        this.component = component;
        this.handler = handler;
        this.decoder = decoder;
        this.deadLetters = deadLetters;
        this.backoff = backoff;
        this.clock = clock;
    }

    /**
     * The outputs to write for {@code record}, dead letters included.
     *
     * @throws InterruptedException when the work is cancelled (the record will be handled again)
     */
    List<ProducerRecord<String, SpecificRecord>> outputsFor(final ConsumerRecord<byte[], byte[]> record)
            throws InterruptedException {
        final I request;
        try {
            request = decode(record);
        } catch (RuntimeException e) {
            return List.of(deadLetter(record, e));
        }
        for (int attempt = 1; ; attempt++) {
            try {
                final String key = handler.promptId(request);
                return handler.handle(request).stream().map(output -> output.toRecord(key)).toList();
            } catch (ModelCallException e) {
                if (!e.retriable()) {
                    LOG.error("{}: model failure that retrying will not fix, handling {}[{}]@{}: {}", who, record.topic(),
                            record.partition(), record.offset(), e.getMessage());
                    return List.of(deadLetter(record, e));
                }
                LOG.warn("{}: retriable model failure escaped the handler for {}[{}]@{} (attempt {}), trying again: {}",
                        who, record.topic(), record.partition(), record.offset(), attempt, e.getMessage());
                Thread.sleep(backoff.delay(attempt).toMillis());
            } catch (RejectedInputException e) {
                return List.of(deadLetter(record, e));
            } catch (RuntimeException e) {
                LOG.error("{}: unexpected error handling {}[{}]@{}", who, record.topic(), record.partition(), record.offset(), e);
                return List.of(deadLetter(record, e));
            }
        }
    }

    /** Decodes the record, waiting out a registry outage; other decoding failures are the record's. */
    private I decode(final ConsumerRecord<byte[], byte[]> record) throws InterruptedException {
        if (record.value() == null) {
            throw new UndecodableRecordException(UndecodableRecordException.Reason.EMPTY,
                    "No value where a " + handler.input().valueType().getSimpleName() + " was expected");
        }
        for (int attempt = 1; ; attempt++) {
            try {
                return decoder.deserialize(record.topic(), record.headers(), record.value());
            } catch (UndecodableRecordException e) {
                if (e.reason() != UndecodableRecordException.Reason.REGISTRY_UNAVAILABLE) {
                    throw e;
                }
                LOG.warn("{}: registry unavailable decoding {}[{}]@{} (attempt {}), trying again: {}", who, record.topic(),
                        record.partition(), record.offset(), attempt, e.getMessage());
                Thread.sleep(backoff.delay(attempt).toMillis());
            }
        }
    }

    private ProducerRecord<String, SpecificRecord> deadLetter(final ConsumerRecord<byte[], byte[]> record, final Throwable reason) {
        LOG.warn("{}: dead-lettering {}", who, DeadLetters.describe(record.topic(), record.partition(), record.offset(), reason));
        final String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
        final DeadLetter letter = DeadLetters.of(record, reason, component, clock.instant());
        return new ProducerRecord<>(deadLetters.name(), key, letter);
    }
}
