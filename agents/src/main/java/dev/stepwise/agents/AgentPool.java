package dev.stepwise.agents;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.kafka.common.TopicPartition;

/**
 * Several instances of one agent kind in one JVM ({@code stepwise up --proposers N}): each has its
 * own clients and instance id, and the consumer group spreads the input partitions over them.
 */
public final class AgentPool implements Agent {

    /** How often {@link #awaitAssignment} looks at the members; each member's own wait is condition-based. */
    private static final Duration ASSIGNMENT_CHECK = Duration.ofMillis(50);

    private final AgentKind kind;
    private final List<Agent> members;

    AgentPool(final AgentKind kind, final List<Agent> members) {
        this.kind = kind;
        this.members = List.copyOf(members);
    }

    /** The instances, in instance id order. */
    public List<Agent> members() {
        return members;
    }

    @Override
    public AgentKind kind() {
        return kind;
    }

    @Override
    public List<String> instanceIds() {
        return members.stream().flatMap(member -> member.instanceIds().stream()).toList();
    }

    @Override
    public void start() {
        members.forEach(Agent::start);
    }

    /** Starts every instance and waits until all have stopped. */
    @Override
    public void run() {
        start();
        try {
            for (final Agent member : members) {
                while (!member.awaitTermination(Duration.ofMinutes(1))) {
                    // keep waiting: instances stop only on close or a fatal error
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** True while any instance runs. */
    @Override
    public boolean isRunning() {
        return members.stream().anyMatch(Agent::isRunning);
    }

    /** Waits until some instance owns a partition (after a group's first join, the members together own them all). */
    @Override
    public boolean awaitAssignment(final Duration timeout) throws InterruptedException {
        final long deadline = System.nanoTime() + timeout.toNanos();
        do {
            for (final Agent member : members) {
                if (member.awaitAssignment(ASSIGNMENT_CHECK.dividedBy(members.size()).plusMillis(1))) {
                    return true;
                }
            }
        } while (System.nanoTime() < deadline);
        return false;
    }

    /** The partitions the instances own together. */
    @Override
    public Set<TopicPartition> assignment() {
        final Set<TopicPartition> union = new HashSet<>();
        members.forEach(member -> union.addAll(member.assignment()));
        return Set.copyOf(union);
    }

    @Override
    public boolean awaitTermination(final Duration timeout) throws InterruptedException {
        final long deadline = System.nanoTime() + timeout.toNanos();
        for (final Agent member : members) {
            if (!member.awaitTermination(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))) {
                return false;
            }
        }
        return true;
    }

    /** The first fatal error of any instance. */
    @Override
    public Optional<Throwable> failure() {
        return members.stream().map(Agent::failure).flatMap(Optional::stream).findFirst();
    }

    /** Closes all instances at once, so the whole pool takes about {@code timeout}, not N times it. */
    @Override
    public void close(final Duration timeout) {
        // Each member bounds its own close by the timeout; closing the executor waits for all of them.
        try (ExecutorService closers = Executors.newVirtualThreadPerTaskExecutor()) {
            members.forEach(member -> closers.submit(() -> member.close(timeout)));
        }
    }
}
