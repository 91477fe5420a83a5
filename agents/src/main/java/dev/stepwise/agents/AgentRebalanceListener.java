package dev.stepwise.agents;

import java.util.Collection;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An agent's part in its group's rebalances: on assignment, reads which records past the committed offsets a former
 * owner already wrote; before partitions leave, commits what has finished; then drops what is in flight for them.
 * Keeps the assignment other threads see up to date, and logs the moves. Runs on the loop thread, inside its poll.
 */
final class AgentRebalanceListener implements ConsumerRebalanceListener {

    private static final Logger LOG = LoggerFactory.getLogger(AgentRebalanceListener.class);

    private final String who;
    private final Consumer<byte[], byte[]> consumer;
    private final AgentRunState state;
    private final CommittedPositions positions;
    private final InFlightRecords<?> inFlight;
    private final AgentCommits commits;
    private final BooleanSupplier clientsClosed;

    /** @param clientsClosed true once the agent has closed its clients: nothing can be committed any more */
    AgentRebalanceListener(final String who, final Consumer<byte[], byte[]> consumer, final AgentRunState state,
                           final CommittedPositions positions, final InFlightRecords<?> inFlight, final AgentCommits commits,
                           final BooleanSupplier clientsClosed) {
        this.who = who;
        this.consumer = consumer;
        this.state = state;
        this.positions = positions;
        this.inFlight = inFlight;
        this.commits = commits;
        this.clientsClosed = clientsClosed;
    }

    @Override
    public void onPartitionsAssigned(final Collection<TopicPartition> partitions) {
        if (!partitions.isEmpty()) {
            positions.rememberWrittenPastTheOffsets(partitions);
        }
        state.assigned(consumer.assignment());
        LOG.info("{}: assigned {}", who, partitions);
    }

    @Override
    public void onPartitionsRevoked(final Collection<TopicPartition> partitions) {
        if (!partitions.isEmpty() && !positions.rewindDue() && !clientsClosed.getAsBoolean()) {
            commits.commitBeforeRevoke(partitions);
        }
        inFlight.forget(partitions);
        state.assigned(consumer.assignment());
        LOG.info("{}: revoked {}", who, partitions);
    }

    @Override
    public void onPartitionsLost(final Collection<TopicPartition> partitions) {
        inFlight.forget(partitions);
        state.assigned(consumer.assignment());
        LOG.warn("{}: lost {}", who, partitions);
    }
}
