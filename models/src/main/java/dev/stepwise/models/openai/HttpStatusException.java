package dev.stepwise.models.openai;

import dev.stepwise.models.ModelCallException;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * The server answered with an error status. Keeps what the backend needs to react: the status, the server's message
 * and the parameter it names (OpenAI's {@code error.param}), and how long {@code Retry-After} asked to wait.
 */
final class HttpStatusException extends ModelCallException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String serverMessage;
    private final String param;
    private final transient Duration retryAfter;

    HttpStatusException(final String message, final int status, final String serverMessage, final String param,
                        final Duration retryAfter, final boolean retriable) {
        super(message, null, retriable);
        this.status = status;
        this.serverMessage = serverMessage;
        this.param = param;
        this.retryAfter = retryAfter;
    }

    int status() {
        return status;
    }

    /** Whether the server refused the request because of {@code parameter} (by name, or by its message). */
    boolean blames(final String parameter, final String messagePattern) {
        return status == 400 && (parameter.equals(param)
                || serverMessage.toLowerCase(Locale.ROOT).matches("(?s).*(" + messagePattern + ").*"));
    }

    Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
