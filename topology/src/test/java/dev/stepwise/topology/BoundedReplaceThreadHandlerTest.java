package dev.stepwise.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.junit.jupiter.api.Test;

class BoundedReplaceThreadHandlerTest {

    private final AtomicLong clock = new AtomicLong(1_000_000L);
    private final BoundedReplaceThreadHandler handler =
            new BoundedReplaceThreadHandler(2, Duration.ofSeconds(60), clock::get);

    @Test
    void replacesTheThreadUpToTheBoundThenShutsTheApplicationDown() {
        final RuntimeException boom = new IllegalStateException("boom");

        assertThat(handler.handle(boom)).isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
        assertThat(handler.handle(boom)).isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
        assertThat(handler.handle(boom)).isEqualTo(StreamThreadExceptionResponse.SHUTDOWN_APPLICATION);
    }

    @Test
    void failuresOlderThanTheWindowNoLongerCount() {
        final RuntimeException boom = new IllegalStateException("boom");
        handler.handle(boom);
        handler.handle(boom);
        clock.addAndGet(60_000L);

        assertThat(handler.handle(boom)).isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
    }
}
