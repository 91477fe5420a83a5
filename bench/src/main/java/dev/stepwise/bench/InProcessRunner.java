package dev.stepwise.bench;

import dev.stepwise.agents.AgentHandler.Output;
import dev.stepwise.schemas.avro.AnswerPublished;
import dev.stepwise.schemas.avro.PromptSubmitted;
import dev.stepwise.schemas.avro.RevisionRequested;
import dev.stepwise.schemas.avro.SearchDecision;
import dev.stepwise.schemas.avro.StepProposalRequested;
import dev.stepwise.schemas.avro.StepProposed;
import dev.stepwise.schemas.avro.StepVerified;
import dev.stepwise.schemas.avro.VerificationRequested;
import dev.stepwise.search.Commands;
import dev.stepwise.search.SearchEngine;
import dev.stepwise.search.SearchTree;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Runs one prompt through the search without Kafka: the same {@link SearchEngine} and strategy classes the topology
 * runs, and the same proposer, verifier and reviser handlers the agents run, joined by a deterministic event loop.
 *
 * <p>The loop is one FIFO queue of what would travel on the topics. Work (a proposal, revision or verification
 * request) is handed to its agent's handler; what the handler writes is queued in the order it writes it (a
 * proposer's steps, then the verification requests their plan asks for); a step or verdict is handed to the engine,
 * and the engine's commands are queued in the order the topology forwards them. That is the pipeline with agents
 * that are all equally fast and a topology that reads each reply as it comes. The clock is virtual: each event
 * the engine handles is one millisecond after the one before, far inside every timeout, so timers never fire.
 *
 * <p>Calls are counted as the engine counts them, when a reply reaches it (a step as a proposer's or a reviser's
 * call, a verdict as a verifier's), and compared with the answer's {@code modelCalls} and {@code callsByRole}.
 * Work done after the answer (replies still queued) is counted apart: the pipeline spends it too, and its answer
 * does not count it either. Thread-safe: each call to {@link #run} has its own queue and tree.
 */
public final class InProcessRunner {

    /** The roles of {@code AnswerPublished.callsByRole}. */
    public static final String PROPOSER = "proposer";
    public static final String VERIFIER = "verifier";
    public static final String REVISER = "reviser";

    private final SearchEngine engine;
    private final AgentHandlers agents;

    public InProcessRunner(final SearchEngine engine, final AgentHandlers agents) {
        this.engine = Objects.requireNonNull(engine, "engine");
        this.agents = Objects.requireNonNull(agents, "agents");
    }

    /**
     * One prompt's search, from submission to answer.
     *
     * @param keepDecisions whether to keep the decision log (for comparing with a pipeline run)
     * @throws InterruptedException when the thread is interrupted
     */
    public RunResult run(final PromptSubmitted prompt, final boolean keepDecisions) throws InterruptedException {
        final Loop loop = new Loop(keepDecisions);
        long now = prompt.getSubmittedAt().toEpochMilli();
        final SearchEngine.Started started = engine.start(prompt, now);
        final SearchTree tree = started.tree();
        loop.take(started.commands());
        int events = 0;
        while (loop.answer == null && !loop.queue.isEmpty()) {
            final Object item = loop.queue.poll();
            switch (item) {
                case StepProposalRequested request -> loop.enqueue(agents.proposer().handle(request));
                case RevisionRequested request -> loop.enqueue(agents.reviser().handle(request));
                case VerificationRequested request -> loop.enqueue(agents.verifier().handle(request));
                case StepProposed step -> {
                    now++;
                    events++;
                    loop.count(step.getRevisionOf() == null ? PROPOSER : REVISER);
                    loop.take(engine.onStep(tree, step, now));
                }
                case StepVerified verdict -> {
                    now++;
                    events++;
                    loop.count(VERIFIER);
                    loop.take(engine.onVerdict(tree, verdict, now));
                }
                default -> throw new IllegalStateException("the bench loop cannot route " + item.getClass().getName());
            }
        }
        boolean stalled = false;
        if (loop.answer == null) {
            // Nothing is in flight and the search has not answered: in the pipeline it would wait for its deadline.
            stalled = true;
            loop.take(engine.onTimer(tree, Math.max(now + 1, tree.deadlineAt())));
        }
        if (loop.answer == null) {
            throw new IllegalStateException("prompt " + prompt.getPromptId() + " was not answered, even at its deadline");
        }
        final int late = (int) loop.queue.stream().filter(i -> i instanceof StepProposed || i instanceof StepVerified).count();
        return new RunResult(loop.answer, Map.copyOf(loop.counted), late, events, stalled,
                loop.decisions == null ? List.of() : List.copyOf(loop.decisions));
    }

    /** The queue and tallies of one run. */
    private static final class Loop {
        private final Deque<Object> queue = new ArrayDeque<>();
        private final Map<String, Integer> counted = new LinkedHashMap<>();
        private final List<SearchDecision> decisions;
        private AnswerPublished answer;

        Loop(final boolean keepDecisions) {
            this.decisions = keepDecisions ? new ArrayList<>() : null;
        }

        /** The engine's commands, in the order the topology forwards them. */
        void take(final Commands commands) {
            if (decisions != null) {
                decisions.addAll(commands.decisions());
            }
            queue.addAll(commands.proposals());
            queue.addAll(commands.revisions());
            queue.addAll(commands.verifications());
            commands.answer().ifPresent(a -> answer = a);
        }

        void enqueue(final List<Output<?>> outputs) {
            for (final Output<?> output : outputs) {
                queue.add(output.value());
            }
        }

        void count(final String role) {
            counted.merge(role, 1, Integer::sum);
        }
    }
}
