package dev.stepwise.cli;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;

/** Log levels for the CLI: quiet by default so command output stays readable, INFO with --verbose. */
final class Logging {

    private static volatile boolean verbose;

    private Logging() {
    }

    static void configure(final boolean beVerbose) {
        verbose = beVerbose;
        if (beVerbose) {
            Configurator.setLevel("dev.stepwise", Level.INFO);
            Configurator.setLevel("org.apache.kafka.clients.NetworkClient", Level.WARN);
        }
    }

    /** The levels of -v as the system properties log4j2.xml reads, for a configuration not loaded yet. */
    static void verboseLevelsAsProperties() {
        System.setProperty("stepwise.log.level", Level.INFO.name());
        System.setProperty("stepwise.network.log.level", Level.WARN.name());
    }

    static boolean isVerbose() {
        return verbose;
    }
}
