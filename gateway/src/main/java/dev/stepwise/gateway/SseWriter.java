package dev.stepwise.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.webserver.ServerConnectionException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Writes server-sent events the way OpenAI's servers do, and flushes each one so it leaves at once:
 * {@code data: <json>\n\n} for Chat Completions chunks, {@code event: <type>\ndata: <json>\n\n} for Responses
 * events, {@code data: [DONE]\n\n} to end a chat stream, and {@code : <comment>\n\n} as a keep-alive that every
 * SSE parser skips. JSON is written on one line (Jackson escapes new lines inside strings), so a payload is
 * always a single {@code data:} line.
 */
final class SseWriter {

    private final OutputStream out;

    SseWriter(final OutputStream out) {
        this.out = out;
    }

    /** {@code data: <json>} followed by a blank line. */
    static String dataFrame(final String json) {
        return "data: " + json + "\n\n";
    }

    /** {@code event: <name>}, {@code data: <json>}, then a blank line. */
    static String eventFrame(final String name, final String json) {
        return "event: " + name + "\n" + dataFrame(json);
    }

    /** A comment line: ignored by SSE parsers, but it tells the server whether the client is still there. */
    static String commentFrame(final String comment) {
        return ": " + comment.replace('\n', ' ') + "\n\n";
    }

    static final String DONE_FRAME = dataFrame("[DONE]");

    void data(final JsonNode json) {
        write(dataFrame(Jsons.write(json)));
    }

    void event(final String name, final JsonNode json) {
        write(eventFrame(name, Jsons.write(json)));
    }

    void comment(final String comment) {
        write(commentFrame(comment));
    }

    void done() {
        write(DONE_FRAME);
    }

    private void write(final String frame) {
        try {
            out.write(frame.getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException | UncheckedIOException | ServerConnectionException e) {
            // Helidon reports a write to a closed connection as ServerConnectionException (a broken pipe).
            throw new ClientGoneException(e);
        }
    }

    /** The client closed the connection: nobody reads this stream any more. */
    static final class ClientGoneException extends RuntimeException {

        private static final long serialVersionUID = 1L;

        ClientGoneException(final Exception cause) {
            super("The client closed the connection: " + cause.getMessage(), cause);
        }
    }
}
