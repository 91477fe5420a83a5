package dev.stepwise.topology;

import dev.stepwise.schemas.avro.PromptSubmitted;
import dev.stepwise.schemas.avro.StepProposed;
import dev.stepwise.schemas.avro.StepVerified;
import dev.stepwise.schemas.deadletter.RejectedInputException;
import dev.stepwise.schemas.serde.UndecodableRecordException;
import dev.stepwise.topology.ingress.PromptValidator;
import dev.stepwise.topology.search.Commands;
import dev.stepwise.topology.search.SearchPolicy;
import dev.stepwise.topology.search.SearchTree;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The I/O around {@link SearchPolicy}: decodes prompts, steps and verdicts (as bytes, so that an
 * undecodable record becomes a dead letter with its original bytes instead of stopping the
 * pipeline), loads and saves each prompt's {@link SearchTree}, forwards the commands the policy
 * returns to the named sinks, and on a wall-clock punctuator applies deadlines and timeouts.
 *
 * <p>The punctuator does not scan every search: a second store indexes each tree under its next
 * wake-up time ({@code <19-digit time>/<promptId>}), so each punctuation reads only the due entries.
 */
final class SearchProcessor implements Processor<byte[], byte[], String, Object> {

    private static final Logger LOG = LoggerFactory.getLogger(SearchProcessor.class);
    private static final String COMPONENT = "topology";

    private final StepwiseTopology.Wiring wiring;
    private final SearchPolicy policy;
    private final PromptValidator validator;
    private final Duration punctuateInterval;

    private ProcessorContext<String, Object> context;
    private KeyValueStore<String, SearchTree> trees;
    private KeyValueStore<String, String> timers;

    SearchProcessor(final StepwiseTopology.Wiring wiring, final SearchPolicy policy, final PromptValidator validator,
                    final Duration punctuateInterval) {
        this.wiring = wiring;
        this.policy = policy;
        this.validator = validator;
        this.punctuateInterval = punctuateInterval;
    }

    @Override
    public void init(final ProcessorContext<String, Object> processorContext) {
        this.context = processorContext;
        this.trees = processorContext.getStateStore(StepwiseTopology.SEARCH_TREE_STORE);
        this.timers = processorContext.getStateStore(StepwiseTopology.SEARCH_TIMER_STORE);
        processorContext.schedule(punctuateInterval, PunctuationType.WALL_CLOCK_TIME, this::punctuate);
    }

    @Override
    public void process(final Record<byte[], byte[]> record) {
        final RecordMetadata where = context.recordMetadata().orElseThrow(
                () -> new IllegalStateException("records reach the search processor only from its source topics"));
        final String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
        final long now = record.timestamp();
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
        } catch (final RejectedInputException e) {
            deadLetter(record, where, e);
            return;
        } catch (final RuntimeException e) {
            // A bug in the search must not turn one record into a crash loop: the tree is left as it
            // was (nothing was saved), the record is kept on the dead-letter topic, and the error logged.
            LOG.error("Search failed on {}[{}]@{}; record dead-lettered", where.topic(), where.partition(),
                    where.offset(), e);
            deadLetter(record, where, e);
            return;
        }
        if (outcome != null) {
            save(outcome.tree(), outcome.wakeBefore());
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
            return onEvent(step.getPromptId(), tree -> policy.onStep(tree, step, now));
        }
        if (topic.equals(wiring.verdictsTopic())) {
            final StepVerified verdict = decode(wiring.verdicts(), topic, value);
            requireKey(key, verdict.getPromptId());
            return onEvent(verdict.getPromptId(), tree -> policy.onVerdict(tree, verdict, now));
        }
        throw new IllegalStateException("The search processor does not read " + topic);
    }

    private Outcome onPrompt(final String key, final PromptSubmitted prompt, final long now) {
        validator.validate(key, prompt);
        final SearchTree existing = trees.get(prompt.getPromptId());
        if (existing != null) {
            LOG.info("Ignoring a second submission of prompt {}: it is already {}", prompt.getPromptId(),
                    existing.status().name().toLowerCase(Locale.ROOT));
            return null;
        }
        final SearchPolicy.Started started = policy.start(prompt, now);
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

    /** Deadlines, verdict and proposal timeouts, and tombstone purges that are due at wall-clock {@code now}. */
    private void punctuate(final long now) {
        final List<KeyValue<String, String>> due = new ArrayList<>();
        try (KeyValueIterator<String, String> it = timers.range(null, timerUpperBound(now))) {
            it.forEachRemaining(due::add);
        }
        for (final KeyValue<String, String> entry : due) {
            timers.delete(entry.key);
            final SearchTree tree = trees.get(entry.value);
            if (tree == null || tree.wakeAt() != timerTime(entry.key)) {
                continue;
            }
            if (policy.isExpired(tree, now)) {
                trees.delete(tree.promptId());
                continue;
            }
            final Commands commands;
            try {
                commands = policy.onTick(tree, now);
            } catch (final RuntimeException e) {
                // The tree in hand may be half-updated; the stored one is not. Keep that and retry it
                // after a back-off, so a bug costs one log line per back-off rather than a dead search.
                final long retryAt = now + policy.settings().verdictTimeoutMs();
                LOG.error("Search of prompt {} failed on a timer; retrying at {}", tree.promptId(), retryAt, e);
                final SearchTree unchanged = trees.get(tree.promptId());
                unchanged.wakeAt(retryAt);
                trees.put(unchanged.promptId(), unchanged);
                timers.put(timerKey(retryAt, unchanged.promptId()), unchanged.promptId());
                continue;
            }
            save(tree, -1L);
            forward(commands, now);
        }
    }

    private void save(final SearchTree tree, final long wakeBefore) {
        final long wakeAfter = policy.nextWakeUp(tree);
        tree.wakeAt(wakeAfter);
        trees.put(tree.promptId(), tree);
        if (wakeBefore != wakeAfter) {
            if (wakeBefore >= 0) {
                timers.delete(timerKey(wakeBefore, tree.promptId()));
            }
            timers.put(timerKey(wakeAfter, tree.promptId()), tree.promptId());
        }
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
        commands.answer().ifPresent(answer -> {
            LOG.info("Answered prompt {} after {} model calls", answer.getPromptId(), answer.getModelCalls());
            context.forward(new Record<String, Object>(answer.getPromptId(), answer, timestamp), StepwiseTopology.ANSWERS_SINK);
        });
    }

    private void deadLetter(final Record<byte[], byte[]> record, final RecordMetadata where, final RuntimeException error) {
        DeadLetterForwarder.forward(context, record, where, error, COMPONENT, StepwiseTopology.SEARCH_DEAD_LETTER_SINK);
    }

    /**
     * Timer keys sort by due time: the time is zero-padded to 19 digits (any non-negative long), so
     * the string order of keys (and of their UTF-8 bytes in the store) is the numeric order of times.
     */
    static String timerKey(final long at, final String promptId) {
        return String.format(Locale.ROOT, "%019d/%s", Math.max(0, at), promptId);
    }

    /** The last key due at {@code now}: '/' (0x2F) sorts before '0' (0x30), so every "&lt;now&gt;/id" is below "&lt;now&gt;0". */
    private static String timerUpperBound(final long now) {
        return String.format(Locale.ROOT, "%019d0", Math.max(0, now));
    }

    private static long timerTime(final String key) {
        return Long.parseLong(key.substring(0, key.indexOf('/')));
    }
}
