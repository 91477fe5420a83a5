package dev.stepwise.cli;

import java.lang.management.ManagementFactory;
import java.util.Set;
import org.slf4j.LoggerFactory;

/**
 * Starts, on a background thread, two slow one-time initialisations that a short client command is sure to
 * need later: the logging backend (Kafka's clients log) and the JVM's platform MBean server (every Kafka
 * client registers its app-info MBean there, whatever its metric reporters). In a fresh JVM they take about
 * half a second of class loading; begun first thing, they overlap with the main thread's parsing of the
 * command line, and whoever needs them later finds them ready (or waits for the rest of the work, never
 * does it twice).
 */
final class Prewarm {

    /** The commands that get it: short ones against a running cluster, where start-up is most of the wait. */
    static final Set<String> COMMANDS = Set.of("ask", "explain");

    private Prewarm() {
    }

    /** Starts the background work when {@code args} name one of {@link #COMMANDS}. */
    static void startFor(final String[] args) {
        if (args.length > 0 && COMMANDS.contains(args[0])) {
            Thread.ofPlatform().daemon().name("stepwise-prewarm").start(Prewarm::run);
        }
    }

    private static void run() {
        try {
            LoggerFactory.getILoggerFactory();
            ManagementFactory.getPlatformMBeanServer();
        } catch (RuntimeException | LinkageError e) {
            // Nothing is lost: the code that needs logging or the MBean server does this work itself and
            // reports what fails there, where it can be acted on.
            return;
        }
    }
}
