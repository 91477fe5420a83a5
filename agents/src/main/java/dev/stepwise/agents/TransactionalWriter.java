package dev.stepwise.agents;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidPidMappingException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.UnknownProducerIdException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An agent's transactional producer: writes one batch's outputs and its consumer offsets in one
 * transaction, and replaces itself when the broker no longer accepts it.
 *
 * <p>Why replace rather than stop: a broker outage longer than the transaction timeout makes the
 * coordinator abort the transaction that was open at the crash and bump the producer's epoch, so the
 * next commit fails as fenced (or, under transactions v2, with an invalid transaction state) although
 * no other incarnation exists. Before this class, that stopped the agent for good and every search
 * waited for verdicts that never came. Kafka Streams treats the same errors as "task migrated" and
 * builds a new producer (its {@code StreamsProducer.isRecoverable}); so does this: close the old one
 * without waiting, build one with the same transactional id and {@code initTransactions} (which ends
 * whatever the old epoch left open), after which the agent re-reads its batch from the committed
 * offsets. A real zombie, a second live instance with this instance id, is caught by the consumer
 * (static membership fences it with {@code FencedInstanceIdException}, which stays fatal); as a last
 * guard, being fenced {@value #MAX_FENCINGS_IN_A_ROW} times with no commit in between stops the agent.
 */
final class TransactionalWriter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TransactionalWriter.class);

    /** Fencings with no successful commit in between before the agent gives up (see the class comment). */
    static final int MAX_FENCINGS_IN_A_ROW = 5;

    private final Supplier<Producer<String, SpecificRecord>> producers;
    private final String who;
    private Producer<String, SpecificRecord> producer;
    /** The producer must be replaced before the next transaction. */
    private boolean replaceBeforeNextUse;
    private boolean transactionOpen;
    private int fencingsInARow;
    private int replacements;

    /**
     * @param producers builds a transactional producer, not yet initialised, with this agent's
     *                  transactional id; called here (so that a bad producer setting fails the agent's
     *                  creation) and once per replacement
     * @param who       the agent, for log lines
     */
    TransactionalWriter(final Supplier<Producer<String, SpecificRecord>> producers, final String who) {
        this.producers = producers;
        this.who = who;
        this.producer = producers.get();
    }

    /** Fences older incarnations of this transactional id (aborting their open transaction). */
    void initialize() {
        producer.initTransactions();
    }

    /** True when the last failure left the producer unusable: the caller rewinds only after {@link #ensureUsable()}. */
    boolean replacementDue() {
        return replaceBeforeNextUse;
    }

    /** How many times the producer was replaced since the agent started. */
    int replacements() {
        return replacements;
    }

    /**
     * Replaces an unusable producer. Its {@code initTransactions} completes or aborts what the old
     * epoch left open, so committed offsets read after this call are final.
     *
     * @throws org.apache.kafka.common.KafkaException when the broker cannot be reached yet; the next
     *         call tries again with a new producer
     */
    void ensureUsable() {
        if (!replaceBeforeNextUse) {
            return;
        }
        closeQuietly(Duration.ZERO);
        producer = producers.get();
        replacements++;
        producer.initTransactions();
        replaceBeforeNextUse = false;
        LOG.info("{}: replaced its producer (replacement {})", who, replacements);
    }

    /** Writes the outputs and the offsets after them in one transaction and commits it. */
    void commit(final List<ProducerRecord<String, SpecificRecord>> outputs, final Map<TopicPartition, OffsetAndMetadata> offsets,
                final ConsumerGroupMetadata group) {
        ensureUsable();
        producer.beginTransaction();
        transactionOpen = true;
        for (final ProducerRecord<String, SpecificRecord> output : outputs) {
            producer.send(output);
        }
        producer.sendOffsetsToTransaction(offsets, group);
        producer.commitTransaction();
        transactionOpen = false;
        fencingsInARow = 0;
    }

    /**
     * After a failed batch: aborts its transaction, or, when the producer can no longer be used (the
     * error says so, or the abort itself fails), arranges its replacement.
     *
     * @return what was done, for the agent's log line
     * @throws RuntimeException the error itself when the producer was fenced too often in a row
     */
    String afterFailure(final RuntimeException error) {
        final boolean wasOpen = transactionOpen;
        transactionOpen = false;
        if (producerLost(error)) {
            if (error instanceof ProducerFencedException && ++fencingsInARow >= MAX_FENCINGS_IN_A_ROW) {
                LOG.error("{}: fenced {} times in a row without a commit; another live instance must share its "
                        + "transactional id", who, fencingsInARow);
                throw error;
            }
            replaceBeforeNextUse = true;
            return ", replacing its producer (" + error.getClass().getSimpleName() + ")";
        }
        if (!wasOpen || replaceBeforeNextUse) {
            return "";
        }
        try {
            producer.abortTransaction();
            return ", aborted its transaction";
        } catch (RuntimeException abortFailed) {
            // E.g. the commit timed out and the producer insists on a retried commit, or it is in an error state.
            replaceBeforeNextUse = true;
            return ", could not abort its transaction (" + abortFailed + "), replacing its producer";
        }
    }

    /**
     * The errors after which a producer cannot go on but a new one with the same transactional id can
     * (Kafka Streams' list, plus the invalid state a coordinator-side abort causes under transactions v2).
     */
    static boolean producerLost(final Throwable error) {
        return error instanceof ProducerFencedException
                || error instanceof InvalidProducerEpochException
                || error instanceof InvalidTxnStateException
                || error instanceof InvalidPidMappingException
                || error instanceof UnknownProducerIdException
                || error instanceof OutOfOrderSequenceException;
    }

    @Override
    public void close() {
        close(Duration.ZERO);
    }

    void close(final Duration timeout) {
        closeQuietly(timeout);
    }

    private void closeQuietly(final Duration timeout) {
        try {
            producer.close(timeout);
        } catch (RuntimeException e) {
            LOG.warn("{}: error closing the producer", who, e);
        }
    }
}
