package dev.stepwise.topology;

import static dev.stepwise.search.testing.TestEvents.T0;
import static dev.stepwise.search.testing.TestEvents.beam;
import static dev.stepwise.search.testing.TestEvents.budget;
import static dev.stepwise.search.testing.TestEvents.prompt;
import static dev.stepwise.search.testing.TestEvents.step;
import static dev.stepwise.search.testing.TestEvents.verdict;

import dev.stepwise.schemas.avro.RevisionRequested;
import dev.stepwise.schemas.avro.StepProposalRequested;
import dev.stepwise.schemas.avro.StepProposed;
import dev.stepwise.schemas.avro.StepVerified;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.test.TestRecord;

/**
 * Grows one prompt's search tree through the topology, playing proposer and verifier, and records
 * what each event cost: the time {@code TopologyTestDriver} took to process it (decode, search,
 * store, forward), and the bytes it wrote to the state stores (their changelog records, key and value).
 *
 * <p>The search is a beam that never finishes: every step is accepted and none is terminal, so each level
 * adds {@code width x branching} steps to the tree (all but {@code width} of them pruned) and the tree grows
 * without end; step texts are distinct, so no samples merge. Used by {@link SearchStoreCost} (the table)
 * and by the tests that bound the bytes an event writes.
 */
final class GrowingSearch {

    /** What one event cost, and how many steps the tree held when it came. */
    record Sample(int steps, long nanos, long bytesWritten) {
    }

    static final int WIDTH = 4;
    static final int BRANCHING = 4;
    /** The deepest a beam may go (the registry's maximum): enough for 8,000 steps at 4 x 4. */
    private static final int MAX_DEPTH = 512;
    private static final int MAX_CALLS = 100_000;
    /** A step text of a realistic length (a line of working), made distinct by its step id. */
    private static final String TEXT = "Multiply the partial result by the next factor and carry the tens: ";

    private final TopologyFixture fx;
    private final Map<String, TestOutputTopic<byte[], byte[]>> changelogs = new HashMap<>();
    private long now = T0;
    private int steps;

    GrowingSearch(final TopologyFixture fx) {
        this.fx = fx;
    }

    /**
     * Submits {@code promptId} and plays its search until its tree holds at least {@code targetSteps} steps.
     *
     * @return one sample per event, in order (the prompt first)
     */
    List<Sample> grow(final String promptId, final int targetSteps) {
        final List<Sample> samples = new ArrayList<>();
        steps = 0;
        drainChangelogs();
        samples.add(timed(() -> fx.submit(prompt(promptId, "What is 12 * 34 * 56?", beam(WIDTH, BRANCHING, MAX_DEPTH, 2),
                budget(MAX_CALLS, 100_000_000L, T0 + 3_600_000L), T0), now)));
        while (steps < targetSteps) {
            final List<StepProposed> proposed = new ArrayList<>();
            for (final StepProposalRequested request : fx.requests.readValuesToList()) {
                if (!request.getPromptId().equals(promptId)) {
                    continue;
                }
                for (int i = 0; i < request.getSamples(); i++) {
                    final String id = request.getRequestId() + "." + i;
                    proposed.add(StepProposed.newBuilder(step(promptId, request.getRequestId(), i, TEXT + id))
                            .setChainId(request.getChainId()).setParentStepId(request.getParentStepId())
                            .setDepth(request.getDepth()).build());
                }
            }
            for (final RevisionRequested revision : fx.revisions.readValuesToList()) {
                if (revision.getPromptId().equals(promptId)) {
                    throw new IllegalStateException("every step is accepted, yet " + revision.getRequestId() + " was asked for");
                }
            }
            if (proposed.isEmpty()) {
                throw new IllegalStateException("the search asked for nothing more at " + steps + " steps");
            }
            for (final StepProposed step : proposed) {
                now++;
                samples.add(timed(() -> fx.propose(step, now)));
                steps++;
            }
            for (final StepProposed step : proposed) {
                now++;
                final StepVerified verdict = verdict(promptId, step.getStepId(), 0.9);
                samples.add(timed(() -> fx.verify(verdict, now)));
            }
            fx.decisions.readValuesToList();
            fx.verifications.readValuesToList();
        }
        return samples;
    }

    private Sample timed(final Runnable event) {
        final int before = steps;
        final long start = System.nanoTime();
        event.run();
        final long nanos = System.nanoTime() - start;
        return new Sample(before, nanos, drainChangelogs());
    }

    /** Reads every changelog record written since the last call; returns their bytes (keys and values). */
    private long drainChangelogs() {
        long bytes = 0;
        for (final String topic : fx.driver.producedTopicNames()) {
            if (!topic.endsWith("-changelog")) {
                continue;
            }
            final TestOutputTopic<byte[], byte[]> changelog = changelogs.computeIfAbsent(topic,
                    t -> fx.driver.createOutputTopic(t, new ByteArrayDeserializer(), new ByteArrayDeserializer()));
            for (final TestRecord<byte[], byte[]> written : changelog.readRecordsToList()) {
                bytes += (written.key() == null ? 0 : written.key().length)
                        + (written.value() == null ? 0 : written.value().length);
            }
        }
        return bytes;
    }
}
