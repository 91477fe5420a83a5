package dev.stepwise.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** How many agents to run, and where an embedded broker and registry keep their data. */
public final class StackOptions {

    @Option(names = "--proposers", paramLabel = "N", defaultValue = "1", description = "Proposer instances to run (default: ${DEFAULT-VALUE}).")
    int proposers = 1;

    @Option(names = "--verifiers", paramLabel = "N", defaultValue = "1", description = "Verifier instances to run (default: ${DEFAULT-VALUE}).")
    int verifiers = 1;

    @Option(names = "--revisers", paramLabel = "N", defaultValue = "1", description = "Reviser instances to run (default: ${DEFAULT-VALUE}).")
    int revisers = 1;

    @Option(names = "--kafka-port", paramLabel = "PORT", defaultValue = "0", description = "Port of the embedded broker (default: a free port).")
    int kafkaPort;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Keep the embedded broker's and registry's data here across restarts (default: a temporary directory, deleted on exit).")
    Path dataDir;

    void validate() {
        if (proposers < 1 || verifiers < 1 || revisers < 1) {
            throw new IllegalArgumentException("--proposers, --verifiers and --revisers must each be at least 1");
        }
        if (kafkaPort < 0 || kafkaPort > 65535) {
            throw new IllegalArgumentException("--kafka-port must be a port number, got " + kafkaPort);
        }
    }
}
