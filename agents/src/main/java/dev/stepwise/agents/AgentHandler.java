package dev.stepwise.agents;

import dev.stepwise.schemas.topics.Topic;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;

/**
 * What one kind of agent does with one request; {@link TransactionalAgent} runs it for every record
 * of a batch, concurrently, and writes the outputs in one transaction with the input offsets.
 * Implementations are stateless and thread-safe.
 *
 * @param <I> request type
 * @param <O> output type
 */
public interface AgentHandler<I extends SpecificRecord, O extends SpecificRecord> {

    /** Where the requests come from. */
    Topic<I> input();

    /** Where the outputs go. */
    Topic<O> output();

    /** The key of the outputs: the prompt id, so that every event of a prompt stays on one partition. */
    String promptId(I request);

    /**
     * The outputs for one request, in the order they should be written; empty when there is nothing to do.
     *
     * @throws dev.stepwise.schemas.deadletter.RejectedInputException when the request is unusable (it is dead-lettered)
     * @throws dev.stepwise.models.ModelCallException                 when the model still fails after retries with a retriable
     *                                                                error (the batch is retried later); a failure that retrying
     *                                                                cannot fix is answered in the outputs instead
     * @throws InterruptedException                                   when the agent is stopping
     */
    List<O> handle(I request) throws InterruptedException;
}
