package dev.stepwise.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * Runs a server as a separate, long-lived process through its script under {@code infra/bin/}, for
 * users who want a broker or registry that outlives one {@code stepwise} command.
 */
abstract class ScriptCommand implements Callable<Integer> {

    @Parameters(paramLabel = "start|stop|status", description = "What to do.")
    String action;

    abstract String script();

    @Override
    public Integer call() throws Exception {
        if (!List.of("start", "stop", "status").contains(action)) {
            throw new IllegalArgumentException("expected start, stop or status, got '" + action + "'");
        }
        final Path home = Path.of(System.getProperty("stepwise.home", "."));
        final Path script = home.resolve("infra").resolve("bin").resolve(script());
        if (!Files.isExecutable(script)) {
            throw new IllegalStateException("Cannot find " + script + "; run this from a Stepwise checkout (./stepwise " + script() + " ...)");
        }
        final List<String> command = new ArrayList<>(List.of(script.toString(), action));
        return new ProcessBuilder(command).inheritIO().start().waitFor();
    }

    @Command(name = "kafka", mixinStandardHelpOptions = true,
            description = {"Start, stop or check a separate-process Kafka broker.",
                "A single-node KRaft broker run by infra/bin/kafka.",
                "Port from STEPWISE_KAFKA_PORT (default 9092); data under .stepwise/kafka."})
    static final class Kafka extends ScriptCommand {
        @Override
        String script() {
            return "kafka";
        }
    }

    @Command(name = "registry", mixinStandardHelpOptions = true,
            description = {"Start, stop or check a separate-process schema registry.",
                "Apicurio Registry run by infra/bin/registry.",
                "Its Confluent-compatible API is at http://127.0.0.1:PORT/apis/ccompat/v7."})
    static final class Registry extends ScriptCommand {
        @Override
        String script() {
            return "registry";
        }
    }
}
