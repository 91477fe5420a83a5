package dev.stepwise.cli;

import java.util.concurrent.CountDownLatch;

/**
 * Keeps a long-running command alive until SIGINT or SIGTERM, then closes what it started from a
 * named shutdown hook, so that Ctrl-C or {@code kill} leaves no broker, registry or child process behind.
 */
final class UntilShutdown {

    private UntilShutdown() {
    }

    static void await(final AutoCloseable running) throws InterruptedException {
        final CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                running.close();
            } catch (Exception e) {
                // The JVM is exiting; the parts have logged their own errors.
            } finally {
                stopped.countDown();
            }
        }, "stepwise-shutdown"));
        stopped.await();
    }
}
