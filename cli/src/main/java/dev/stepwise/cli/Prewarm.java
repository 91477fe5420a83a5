package dev.stepwise.cli;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
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
            if (Arrays.asList(args).contains("-v") || Arrays.asList(args).contains("--verbose")) {
                // Read by log4j2.xml: the configuration loads on the thread below, possibly after Logging.configure
                // set the levels, and would put them back.
                Logging.verboseLevelsAsProperties();
            }
            Thread.ofPlatform().daemon().name("stepwise-prewarm").start(Prewarm::run);
        }
    }

    private static void run() {
        try {
            // A logger, not just the factory: binding the SLF4J provider leaves Log4j's configuration (an XML
            // parse and its plugins, ~0.25 s) to the first logger, which the main thread would then wait for.
            LoggerFactory.getLogger(Prewarm.class);
            ManagementFactory.getPlatformMBeanServer();
        } catch (RuntimeException | LinkageError e) {
            // Nothing is lost: the code that needs logging or the MBean server does this work itself and
            // reports what fails there, where it can be acted on.
            return;
        }
    }
}
