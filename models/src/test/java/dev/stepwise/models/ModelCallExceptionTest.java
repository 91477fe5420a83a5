package dev.stepwise.models;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class ModelCallExceptionTest {

    @Test
    void theExistingConstructorsMeanRetriable() {
        final IOException cause = new IOException("connection reset");

        assertThat(new ModelCallException("HTTP 503").retriable()).isTrue();
        assertThat(new ModelCallException("cannot reach the server", cause))
                .hasCause(cause).satisfies(e -> assertThat(e.retriable()).isTrue());
    }

    @Test
    void notRetriableKeepsItsMessageAndSaysRetryingWillNotHelp() {
        final ModelCallException failure = ModelCallException.notRetriable("HTTP 401: invalid API key");

        assertThat(failure.retriable()).isFalse();
        assertThat(failure).hasMessage("HTTP 401: invalid API key").hasNoCause();
    }
}
