package dev.stepwise.topology;

import dev.stepwise.schemas.avro.PromptSubmitted;
import dev.stepwise.schemas.deadletter.RejectedInputException;
import dev.stepwise.topology.ingress.PromptValidator;
import dev.stepwise.topology.ingress.TextPromptParser;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * Reads {@code prompts.text} (plain text or a JSON object, for kcat and the console producer) and
 * writes each valid prompt as a {@link PromptSubmitted} to the prompts topic, so that the log holds
 * every prompt in one format and the search starts from there. The prompt id is the record key or,
 * without one, {@code text-<partition>-<offset>}, which a replay reproduces. Invalid input becomes a
 * dead letter with its original bytes.
 */
final class TextIngressProcessor implements Processor<byte[], byte[], String, Object> {

    private static final String COMPONENT = "topology";

    private final TextPromptParser parser;
    private final PromptValidator validator;
    private final CommitPacer commits;
    private ProcessorContext<String, Object> context;

    TextIngressProcessor(final TextPromptParser parser, final PromptValidator validator, final CommitPacer commits) {
        this.parser = parser;
        this.validator = validator;
        this.commits = commits;
    }

    @Override
    public void init(final ProcessorContext<String, Object> processorContext) {
        this.context = processorContext;
    }

    @Override
    public void close() {
        if (context != null) {
            commits.forget(context);
        }
    }

    @Override
    public void process(final Record<byte[], byte[]> record) {
        commits.recordStarted(context.currentSystemTimeMs());
        try {
            processRecord(record);
        } finally {
            commits.recordEnded(context.currentSystemTimeMs());
        }
    }

    private void processRecord(final Record<byte[], byte[]> record) {
        final RecordMetadata where = context.recordMetadata().orElseThrow(
                () -> new IllegalStateException("records reach the text ingress only from its source topic"));
        String promptId = null;
        try {
            final String key = record.key() == null ? null : utf8(record.key(), "key");
            promptId = key == null || key.isBlank()
                    ? "text-" + where.partition() + "-" + where.offset()
                    : key;
            final String text = record.value() == null ? "" : utf8(record.value(), "value");
            final PromptSubmitted prompt = parser.parse(promptId, text, Instant.ofEpochMilli(record.timestamp()));
            validator.validate(promptId, prompt);
            context.forward(new Record<String, Object>(promptId, prompt, record.timestamp()), StepwiseTopology.PROMPTS_SINK);
            // The search reads the prompt back only once this transaction commits.
            commits.owe(context);
        } catch (final RejectedInputException e) {
            DeadLetterForwarder.forward(context, record, where, e, COMPONENT, StepwiseTopology.TEXT_DEAD_LETTER_SINK);
            final RejectedPrompts.Rejection rejection = new RejectedPrompts.Rejection(promptId, null, e);
            if (RejectedPrompts.answerable(rejection)) {
                // The sender waits on the answers topic under this id; tell it why, there.
                context.forward(new Record<String, Object>(promptId, RejectedPrompts.answer(rejection, record.timestamp()),
                        record.timestamp()), StepwiseTopology.TEXT_ANSWERS_SINK);
                commits.owe(context);
            }
        }
    }

    /** Strict UTF-8: a lenient decode would turn bad bytes into U+FFFD and run a search on garbage. */
    private static String utf8(final byte[] bytes, final String what) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (final CharacterCodingException e) {
            throw new RejectedInputException(PromptValidator.INVALID_ENCODING, "The record " + what + " is not UTF-8 text");
        }
    }
}
