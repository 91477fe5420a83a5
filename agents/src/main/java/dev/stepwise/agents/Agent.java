package dev.stepwise.agents;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;

/**
 * A running agent service: one instance ({@link TransactionalAgent}) or several in one JVM
 * ({@link AgentPool}). The lifecycle is the one every Stepwise service follows: build the clients
 * once, {@link #start()} (or {@link #run()} on the calling thread), and {@link #close(Duration)} from
 * a shutdown hook.
 *
 * <pre>{@code
 * Agent agent = Agents.create(AgentKind.PROPOSER, config, backend, registry);
 * Runtime.getRuntime().addShutdownHook(new Thread(() -> agent.close(Duration.ofSeconds(30)), "stepwise-proposer-shutdown"));
 * agent.run();   // returns after close, or after a fatal error: see failure()
 * }</pre>
 */
public interface Agent extends AutoCloseable {

    /** What {@link #close()} waits for at most. */
    Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(30);

    AgentKind kind();

    /** The instance ids, one per consumer/producer pair. */
    List<String> instanceIds();

    /**
     * Starts the agent on its own thread and returns at once.
     *
     * @throws IllegalStateException when it was already started or closed
     */
    void start();

    /**
     * Runs the agent on the calling thread until it is closed or fails with a fatal error.
     *
     * @throws IllegalStateException when it was already started or closed
     */
    void run();

    /** True from start until the agent has stopped, whether closed or failed. */
    boolean isRunning();

    /**
     * Waits until the agent owns at least one partition of its input topic.
     *
     * @return false when the timeout elapsed first
     */
    boolean awaitAssignment(Duration timeout) throws InterruptedException;

    /** The input partitions the agent owns now. */
    Set<TopicPartition> assignment();

    /**
     * Waits until the agent has stopped and closed its clients.
     *
     * @return false when the timeout elapsed first
     */
    boolean awaitTermination(Duration timeout) throws InterruptedException;

    /** The fatal error that stopped the agent, if one did; empty while running and after a clean close. */
    Optional<Throwable> failure();

    /**
     * Stops the agent: what has finished is committed; model calls still running are interrupted and their
     * records left uncommitted (redone, with the same ids, by whoever owns their partitions next). Waits up to
     * {@code timeout} for that. Idempotent; safe to call from a shutdown hook.
     */
    void close(Duration timeout);

    @Override
    default void close() {
        close(DEFAULT_CLOSE_TIMEOUT);
    }
}
