package dev.stepwise.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stepwise.schemas.avro.AnswerPublished;
import dev.stepwise.schemas.avro.DeadLetter;
import dev.stepwise.schemas.avro.PromptSubmitted;
import dev.stepwise.search.strategy.StrategyRegistry;
import dev.stepwise.topology.ingress.PromptValidator;
import dev.stepwise.topology.ingress.TextPromptParser;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.processor.api.MockProcessorContext.CapturedForward;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TextIngressProcessorTest {

    private final TopologyConfig config = TopologyConfig.of(Map.of());
    private final MockProcessorContext<String, Object> context = new MockProcessorContext<>();
    private final TextIngressProcessor processor = new TextIngressProcessor(
            new TextPromptParser(StrategyRegistry.standard(), config.defaultStrategy(), config.defaultBudget()),
            new PromptValidator(config.limits(), StrategyRegistry.standard()), new CommitPacer(0));

    @BeforeEach
    void init() {
        processor.init(context);
        context.setRecordMetadata("stepwise.prompts.text", 2, 41);
        context.setCurrentSystemTimeMs(5_000L);
    }

    private static byte[] utf8(final String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aValidPromptGoesToThePromptsSinkKeyedByItsId() {
        processor.process(new Record<>(utf8("k1"), utf8("What is 3 + 4?"), 1_000L));

        final List<CapturedForward<? extends String, ?>> forwarded = context.forwarded();
        assertThat(forwarded).singleElement().satisfies(f -> {
            assertThat(f.childName()).contains(StepwiseTopology.PROMPTS_SINK);
            assertThat(f.record().key()).isEqualTo("k1");
            assertThat(f.record().timestamp()).isEqualTo(1_000L);
            assertThat(((PromptSubmitted) f.record().value()).getText()).isEqualTo("What is 3 + 4?");
        });
        // The search waits for it: committed right away, not at Streams' interval.
        assertThat(context.committed()).isTrue();
    }

    @Test
    void withoutAKeyThePromptIdComesFromPartitionAndOffset() {
        processor.process(new Record<>(null, utf8("x"), 1_000L));

        assertThat(context.forwarded()).singleElement()
                .satisfies(f -> assertThat(f.record().key()).isEqualTo("text-2-41"));
    }

    @Test
    void anInvalidPromptGoesToTheDeadLetterSinkWithWhereItCameFromAndIsAnsweredWithTheReason() {
        processor.process(new Record<>(utf8("k2"), utf8("{\"text\": \"\"}"), 1_000L));

        assertThat(context.forwarded()).hasSize(2);
        assertThat(context.forwarded().get(1)).satisfies(f -> {
            assertThat(f.childName()).contains(StepwiseTopology.TEXT_ANSWERS_SINK);
            assertThat(f.record().key()).isEqualTo("k2");
            final AnswerPublished answer = (AnswerPublished) f.record().value();
            assertThat(answer.getAnswer()).isNull();
            assertThat(answer.getStopCause()).isEqualTo("rejected");
            assertThat(answer.getError()).contains("empty");
        });
        assertThat(context.forwarded().get(0)).satisfies(f -> {
            assertThat(f.childName()).contains(StepwiseTopology.TEXT_DEAD_LETTER_SINK);
            final DeadLetter letter = (DeadLetter) f.record().value();
            assertThat(letter.getErrorType()).isEqualTo("empty-text");
            assertThat(letter.getPartition()).isEqualTo(2);
            assertThat(letter.getOffset()).isEqualTo(41L);
            assertThat(letter.getError()).startsWith("Rejected stepwise.prompts.text[2]@41: ");
            assertThat(letter.getRejectedAt().toEpochMilli()).isEqualTo(5_000L);
        });
    }
}
