package dev.stepwise.topology;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.LongSupplier;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replaces a failed stream thread a bounded number of times within a window, then shuts the whole
 * application down: a transient failure (a broker restart, a registry blip) heals, a persistent one
 * does not become an endless crash loop. After the tutorials' MaxFailuresUncaughtExceptionHandler.
 */
final class BoundedReplaceThreadHandler implements StreamsUncaughtExceptionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(BoundedReplaceThreadHandler.class);

    private final int maxReplacements;
    private final long windowMs;
    private final LongSupplier clock;
    private final Deque<Long> replacements = new ArrayDeque<>();

    BoundedReplaceThreadHandler(final int maxReplacements, final Duration window, final LongSupplier clock) {
        if (maxReplacements < 0) {
            throw new IllegalArgumentException("maxReplacements must not be negative, got " + maxReplacements);
        }
        this.maxReplacements = maxReplacements;
        this.windowMs = window.toMillis();
        this.clock = clock;
    }

    @Override
    public synchronized StreamThreadExceptionResponse handle(final Throwable exception) {
        final long now = clock.getAsLong();
        while (!replacements.isEmpty() && replacements.peekFirst() <= now - windowMs) {
            replacements.removeFirst();
        }
        if (replacements.size() < maxReplacements) {
            replacements.addLast(now);
            LOG.error("Stream thread failed; replacing it ({} of {} within {} ms)", replacements.size(),
                    maxReplacements, windowMs, exception);
            return StreamThreadExceptionResponse.REPLACE_THREAD;
        }
        LOG.error("Stream thread failed {} times within {} ms; shutting the application down", maxReplacements + 1,
                windowMs, exception);
        return StreamThreadExceptionResponse.SHUTDOWN_APPLICATION;
    }
}
