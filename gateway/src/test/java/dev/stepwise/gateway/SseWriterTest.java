package dev.stepwise.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SseWriterTest {

    @Test
    void framesAreDataLinesEventLinesCommentsAndDoneEachEndedByABlankLine() {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final SseWriter sse = new SseWriter(bytes);

        sse.data(Jsons.MAPPER.createObjectNode().put("content", "line one\nline two"));
        sse.event("response.created", Jsons.MAPPER.createObjectNode().put("type", "response.created"));
        sse.comment("searching\nstill");
        sse.done();

        assertThat(bytes.toString(StandardCharsets.UTF_8)).isEqualTo(
                "data: {\"content\":\"line one\\nline two\"}\n\n"
                        + "event: response.created\ndata: {\"type\":\"response.created\"}\n\n"
                        + ": searching still\n\n"
                        + "data: [DONE]\n\n");
    }

    @Test
    void aFailedWriteMeansTheClientIsGone() {
        final SseWriter sse = new SseWriter(new OutputStream() {
            @Override
            public void write(final int b) throws IOException {
                throw new IOException("Broken pipe");
            }
        });

        assertThatThrownBy(sse::done).isInstanceOf(SseWriter.ClientGoneException.class).hasMessageContaining("Broken pipe");
    }
}
