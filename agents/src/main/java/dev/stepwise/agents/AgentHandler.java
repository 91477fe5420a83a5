package dev.stepwise.agents;

import dev.stepwise.schemas.topics.Topic;
import java.util.List;
import java.util.Objects;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * What one kind of agent does with one request; {@link TransactionalAgent} runs it for every record
 * of a batch, concurrently, and writes the outputs in one transaction with the input offsets.
 * A handler may write to several topics (a proposer writes its steps and the verification requests
 * for them), and they are committed together or not at all. Implementations are stateless and thread-safe.
 *
 * @param <I> request type
 */
public interface AgentHandler<I extends SpecificRecord> {

    /** Where the requests come from. */
    Topic<I> input();

    /** Every topic the outputs may go to, for the start-up log line. */
    List<Topic<?>> outputs();

    /** The key of the outputs: the prompt id, so that every event of a prompt stays on one partition. */
    String promptId(I request);

    /**
     * The outputs for one request, in the order they should be written; empty when there is nothing to do.
     *
     * @throws dev.stepwise.schemas.deadletter.RejectedInputException when the request is unusable (it is dead-lettered)
     *                                                                (a model failure is not thrown: one that retrying cannot fix
     *                                                                is answered in the outputs, one the backend's retries did not
     *                                                                fix writes nothing, and the search asks again)
     * @throws InterruptedException                                   when the agent is stopping
     */
    List<Output<?>> handle(I request) throws InterruptedException;

    /**
     * One record to write: the topic and the value. The type parameter ties the value to its topic, so an event
     * cannot land on a topic of another type; the key is the request's {@link AgentHandler#promptId prompt id}.
     *
     * @param <V> value type of the topic
     */
    record Output<V extends SpecificRecord>(Topic<V> topic, V value) {

        public Output {
            Objects.requireNonNull(topic, "topic");
            Objects.requireNonNull(value, "value");
        }

        /** The record to send, keyed by {@code promptId}. */
        ProducerRecord<String, SpecificRecord> toRecord(final String promptId) {
            return new ProducerRecord<>(topic.name(), promptId, value);
        }
    }
}
