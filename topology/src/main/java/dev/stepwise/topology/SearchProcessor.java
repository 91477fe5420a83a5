package dev.stepwise.topology;

import dev.stepwise.schemas.avro.PromptCancelled;
import dev.stepwise.schemas.avro.PromptSubmitted;
import dev.stepwise.schemas.avro.SearchTimer;
import dev.stepwise.schemas.avro.StepProposed;
import dev.stepwise.schemas.avro.StepVerified;
import dev.stepwise.schemas.deadletter.RejectedInputException;
import dev.stepwise.schemas.serde.UndecodableRecordException;
import dev.stepwise.search.Commands;
import dev.stepwise.search.SearchEngine;
import dev.stepwise.search.SearchTree;
import dev.stepwise.search.SearchTreeJson;
import dev.stepwise.topology.ingress.PromptValidator;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.function.Function;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The I/O around {@link SearchEngine}: decodes prompts, steps, verdicts and timers (as bytes, so that
 * an undecodable record becomes a dead letter with its original bytes instead of stopping the
 * pipeline), loads and saves each prompt's {@link SearchTree} through {@link SearchTrees} (which writes
 * only what an event changed, and keeps the trees in use in memory), and forwards the commands the
 * engine returns to the named sinks.
 *
 * <p>Timeouts and deadlines go through the log. A wall-clock punctuator finds the searches that are
 * due — the timer store indexes each tree under its next wake-up time ({@link WakeUps}), so a
 * punctuation reads only the due entries — and writes a {@link SearchTimer} for each; the search
 * acts when it reads the timer back. Kafka Streams hands a task's records over in timestamp order and
 * fetches what is already on the broker before it moves on, so every reply written before the timer
 * is processed before it. A topology that is behind on its inputs (after a restart, a rebalance or a
 * broker outage) therefore never takes a reply that is waiting in the log for a lost one; the
 * punctuator alone, which runs on the wall clock whatever has been read, would.
 */
final class SearchProcessor implements Processor<byte[], byte[], String, Object> {

    private static final Logger LOG = LoggerFactory.getLogger(SearchProcessor.class);
    private static final String COMPONENT = "topology";

    /** How long a written timer may take to come back before the punctuator writes another (it should never be needed). */
    private static final int REFIRE_AFTER_PUNCTUATIONS = 20;

    private final StepwiseTopology.Wiring wiring;
    private final SearchEngine engine;
    private final PromptValidator validator;
    private final Duration punctuateInterval;
    private final SearchTreeJson json;
    private final int treeCacheSteps;
    private final CommitPacer commits;

    private ProcessorContext<String, Object> context;
    private SearchTrees trees;
    private WakeUps wakeUps;

    SearchProcessor(final StepwiseTopology.Wiring wiring, final SearchEngine engine, final PromptValidator validator,
                    final Duration punctuateInterval, final SearchTreeJson json, final int treeCacheSteps,
                    final CommitPacer commits) {
        this.wiring = wiring;
        this.engine = engine;
        this.validator = validator;
        this.punctuateInterval = punctuateInterval;
        this.json = json;
        this.treeCacheSteps = treeCacheSteps;
        this.commits = commits;
    }

    /**
     * Called when the task starts, and again when Kafka Streams revives it after restoring its stores: the
     * cache of trees starts empty each time, so it never holds what the restored stores do not.
     */
    @Override
    public void init(final ProcessorContext<String, Object> processorContext) {
        this.context = processorContext;
        this.trees = new SearchTrees(processorContext.getStateStore(StepwiseTopology.SEARCH_TREE_STORE),
                processorContext.getStateStore(StepwiseTopology.SEARCH_ENTRY_STORE), json, treeCacheSteps);
        this.wakeUps = new WakeUps(processorContext.getStateStore(StepwiseTopology.SEARCH_TIMER_STORE));
        processorContext.schedule(punctuateInterval, PunctuationType.WALL_CLOCK_TIME, this::punctuate);
        if (commits.minGapMs() > 0) {
            // Pays a commit owed since a flood's last record once its gap has passed.
            processorContext.schedule(Duration.ofMillis(commits.minGapMs()), PunctuationType.WALL_CLOCK_TIME, commits::settle);
        }
    }

    /** The task is closing (it moves, fails, or the app stops): its cached trees go with it. */
    @Override
    public void close() {
        if (context != null) {
            commits.forget(context);
        }
        if (trees != null) {
            trees.clear();
        }
    }

    @Override
    public void process(final Record<byte[], byte[]> record) {
        final RecordMetadata where = context.recordMetadata().orElseThrow(
                () -> new IllegalStateException("records reach the search processor only from its source topics"));
        final String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
        final long now = record.timestamp();
        commits.recordStarted(context.currentSystemTimeMs());
        try {
            processRecord(record, where, key, now);
        } finally {
            commits.recordEnded(context.currentSystemTimeMs());
        }
    }

    private void processRecord(final Record<byte[], byte[]> record, final RecordMetadata where, final String key,
                              final long now) {
        final Outcome outcome;
        try {
            outcome = handle(where.topic(), key, record.value(), now);
        } catch (final UndecodableRecordException e) {
            if (e.reason() == UndecodableRecordException.Reason.REGISTRY_UNAVAILABLE) {
                // Not bad input: the record is probably fine and the registry will be back. Fail the
                // task so it is retried (bounded by the uncaught-exception handler) instead of losing it.
                throw e;
            }
            deadLetter(record, where, e);
            return;
        } catch (final RejectedPrompts.Rejection e) {
            deadLetter(record, where, e);
            if (RejectedPrompts.answerable(e)) {
                context.forward(new Record<String, Object>(e.promptId(), RejectedPrompts.answer(e, now), now),
                        StepwiseTopology.ANSWERS_SINK);
                commitSoon();
            }
            return;
        } catch (final RejectedInputException e) {
            deadLetter(record, where, e);
            return;
        } catch (final RuntimeException e) {
            // A bug in the search must not turn one record into a crash loop: the stored tree is left as
            // it was (nothing was saved), the record is kept on the dead-letter topic, and the error logged.
            // The engine may have changed the cached tree before it failed, so that copy is dropped.
            if (key != null) {
                trees.forget(key);
            }
            LOG.error("Search failed on {}[{}]@{}; record dead-lettered", where.topic(), where.partition(),
                    where.offset(), e);
            deadLetter(record, where, e);
            return;
        }
        if (outcome != null) {
            try {
                save(outcome.tree(), outcome.wakeBefore());
            } catch (final RuntimeException e) {
                trees.forget(outcome.tree().promptId());
                throw e;
            }
            forward(outcome.commands(), now);
        }
    }

    private record Outcome(SearchTree tree, long wakeBefore, Commands commands) {
    }

    private Outcome handle(final String topic, final String key, final byte[] value, final long now) {
        if (topic.equals(wiring.promptsTopic())) {
            return onPrompt(key, decode(wiring.prompts(), topic, value), now);
        }
        if (topic.equals(wiring.stepsTopic())) {
            final StepProposed step = decode(wiring.steps(), topic, value);
            requireKey(key, step.getPromptId());
            return onEvent(step.getPromptId(), tree -> engine.onStep(tree, step, now, wallClock()));
        }
        if (topic.equals(wiring.verdictsTopic())) {
            final StepVerified verdict = decode(wiring.verdicts(), topic, value);
            requireKey(key, verdict.getPromptId());
            return onEvent(verdict.getPromptId(), tree -> engine.onVerdict(tree, verdict, now, wallClock()));
        }
        if (topic.equals(wiring.cancellationsTopic())) {
            final PromptCancelled cancel = decode(wiring.cancellations(), topic, value);
            requireKey(key, cancel.getPromptId());
            return onEvent(cancel.getPromptId(), tree -> engine.onCancel(tree, cancel, now, wallClock()));
        }
        if (topic.equals(wiring.timersTopic())) {
            final SearchTimer timer = decode(wiring.timers(), topic, value);
            requireKey(key, timer.getPromptId());
            return onEvent(timer.getPromptId(), tree -> engine.onTimer(tree, now, wallClock()));
        }
        throw new IllegalStateException("The search processor does not read " + topic);
    }

    private Outcome onPrompt(final String key, final PromptSubmitted prompt, final long now) {
        try {
            validator.validate(key, prompt);
        } catch (final RejectedInputException e) {
            throw new RejectedPrompts.Rejection(prompt.getPromptId(),
                    prompt.getStrategy() == null ? null : prompt.getStrategy().getName(), e);
        }
        final SearchTree.Status existing = trees.status(prompt.getPromptId());
        if (existing != null) {
            LOG.info("Ignoring a second submission of prompt {}: it is already {}", prompt.getPromptId(),
                    existing.name().toLowerCase(Locale.ROOT));
            return null;
        }
        final SearchEngine.Started started = engine.start(prompt, now, wallClock());
        LOG.debug("Started {} search for prompt {}", started.tree().strategy(), prompt.getPromptId());
        return new Outcome(started.tree(), -1L, started.commands());
    }

    private Outcome onEvent(final String promptId, final Function<SearchTree, Commands> event) {
        final SearchTree tree = trees.get(promptId);
        if (tree == null) {
            LOG.debug("Ignoring an event for prompt {}: no search for it here (never started, or purged)", promptId);
            return null;
        }
        final long wakeBefore = tree.wakeAt();
        final Commands commands = event.apply(tree);
        commands.ignored().ifPresent(why -> LOG.debug("Prompt {}: ignored an event: {}", promptId, why));
        return new Outcome(tree, wakeBefore, commands);
    }

    /**
     * This service's clock. Records are judged at their own time, but what the search sends is stamped
     * with the later of the two, so that work sent while the topology is catching up is not overdue at once.
     */
    private long wallClock() {
        return context.currentSystemTimeMs();
    }

    private static void requireKey(final String key, final String promptId) {
        if (!promptId.equals(key)) {
            throw new RejectedInputException(PromptValidator.KEY_MISMATCH, "Record key '" + key
                    + "' is not the prompt id '" + promptId + "'; events must be keyed by their prompt id");
        }
    }

    private static <T> T decode(final Deserializer<T> deserializer, final String topic, final byte[] value) {
        final T decoded = deserializer.deserialize(topic, value);
        if (decoded == null) {
            throw new UndecodableRecordException(UndecodableRecordException.Reason.EMPTY,
                    "Null value on topic " + topic + ": expected a Confluent-framed Avro record");
        }
        return decoded;
    }

    /**
     * Writes a timer for every search that is due at wall-clock {@code now} (its timeouts and deadline are
     * judged when the timer is read back), and purges tombstones whose retention is over.
     */
    private void punctuate(final long now) {
        for (final WakeUps.Due due : wakeUps.takeDue(now)) {
            final SearchTree tree = trees.get(due.promptId());
            if (tree == null || tree.wakeAt() != due.at()) {
                continue;
            }
            if (engine.isExpired(tree, now)) {
                trees.delete(tree.promptId());
                continue;
            }
            context.forward(new Record<String, Object>(tree.promptId(), SearchTimer.newBuilder()
                    .setPromptId(tree.promptId())
                    .setDueAt(Instant.ofEpochMilli(due.at()))
                    .setFiredAt(Instant.ofEpochMilli(now))
                    .build(), now), StepwiseTopology.TIMERS_SINK);
            // The timer is written in the same transaction as this index update, so it comes back; if it
            // somehow did not, the search would sleep until its deadline. Looking again later costs nothing.
            final long again = now + punctuateInterval.toMillis() * REFIRE_AFTER_PUNCTUATIONS;
            tree.wakeAt(again);
            trees.put(tree);
            wakeUps.move(tree.promptId(), -1L, again);
        }
    }

    private void save(final SearchTree tree, final long wakeBefore) {
        final long wakeAfter = engine.nextWakeUp(tree);
        tree.wakeAt(wakeAfter);
        trees.put(tree);
        wakeUps.move(tree.promptId(), wakeBefore, wakeAfter);
    }

    private void forward(final Commands commands, final long timestamp) {
        for (final var decision : commands.decisions()) {
            context.forward(new Record<String, Object>(decision.getPromptId(), decision, timestamp), StepwiseTopology.DECISIONS_SINK);
        }
        for (final var request : commands.proposals()) {
            context.forward(new Record<String, Object>(request.getPromptId(), request, timestamp),
                    StepwiseTopology.STEPS_REQUESTED_SINK);
        }
        for (final var revision : commands.revisions()) {
            context.forward(new Record<String, Object>(revision.getPromptId(), revision, timestamp),
                    StepwiseTopology.REVISIONS_REQUESTED_SINK);
        }
        for (final var verification : commands.verifications()) {
            context.forward(new Record<String, Object>(verification.getPromptId(), verification, timestamp),
                    StepwiseTopology.VERIFICATIONS_REQUESTED_SINK);
        }
        commands.answer().ifPresent(answer -> {
            LOG.info("Answered prompt {} after {} model calls", answer.getPromptId(), answer.getModelCalls());
            context.forward(new Record<String, Object>(answer.getPromptId(), answer, timestamp), StepwiseTopology.ANSWERS_SINK);
        });
        if (somebodyWaits(commands)) {
            commitSoon();
        }
    }

    /** Agents wait for requests and clients for answers; decisions alone are only read by audits. */
    private static boolean somebodyWaits(final Commands commands) {
        return !commands.proposals().isEmpty() || !commands.revisions().isEmpty()
                || !commands.verifications().isEmpty() || commands.answer().isPresent();
    }

    /** An agent or a client waits for what this record wrote: commit soon (see {@link CommitPacer}). */
    private void commitSoon() {
        commits.owe(context);
    }

    private void deadLetter(final Record<byte[], byte[]> record, final RecordMetadata where, final RuntimeException error) {
        DeadLetterForwarder.forward(context, record, where, error, COMPONENT, StepwiseTopology.SEARCH_DEAD_LETTER_SINK);
    }
}
