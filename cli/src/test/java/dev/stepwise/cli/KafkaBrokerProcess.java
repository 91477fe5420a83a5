package dev.stepwise.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A real broker in a separate process, started and stopped with {@code infra/bin/kafka} (what
 * {@code ./stepwise kafka start|stop} runs), that a test can kill with SIGKILL and start again on
 * the same port and log dir. Its data, pid file and server.log live under {@code home}/kafka.
 *
 * <pre>{@code
 * try (KafkaBrokerProcess broker = KafkaBrokerProcess.start(dir)) {
 *     broker.kill9();      // no controlled shutdown, no flush: what a crash or the OOM killer does
 *     broker.restart();    // same port, same data: clients reconnect on their own
 * }
 * }</pre>
 */
final class KafkaBrokerProcess implements AutoCloseable {

    /** Failsafe runs in the module directory. */
    private static final Path SCRIPT = Path.of("..", "infra", "bin", "kafka").toAbsolutePath().normalize();
    private static final Duration SCRIPT_TIMEOUT = Duration.ofMinutes(3);

    private final Path home;
    private final int port;
    private final int controllerPort;

    private KafkaBrokerProcess(final Path home, final int port, final int controllerPort) {
        this.home = home;
        this.port = port;
        this.controllerPort = controllerPort;
    }

    /** Formats a log dir under {@code home} and starts a broker on free ports; returns when it is ready. */
    static KafkaBrokerProcess start(final Path home) throws IOException, InterruptedException {
        final KafkaBrokerProcess broker = new KafkaBrokerProcess(home, freePort(), freePort());
        broker.run("start");
        return broker;
    }

    /** Starts the broker again on the same ports and log dir (after {@link #kill9()}); returns when it is ready. */
    void restart() throws IOException, InterruptedException {
        run("start");
    }

    String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** The pid of the running broker, from the script's pid file. */
    long pid() throws IOException {
        return Long.parseLong(Files.readString(home.resolve("kafka").resolve("kafka.pid")).strip());
    }

    /** SIGKILL, then waits until the process is gone (so its port is free again). */
    void kill9() throws IOException, InterruptedException {
        final long pid = pid();
        final ProcessHandle broker = ProcessHandle.of(pid)
                .orElseThrow(() -> new IllegalStateException("broker pid " + pid + " is not running"));
        broker.destroyForcibly();
        try {
            broker.onExit().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("broker pid " + pid + " did not die on SIGKILL", e);
        }
    }

    /** The broker's own log (the current run's; the previous run's is server.log.1). */
    Path serverLog() {
        return home.resolve("kafka").resolve("server.log");
    }

    /** Controlled shutdown (SIGTERM, SIGKILL after 30 s); nothing if it is not running. */
    @Override
    public void close() throws IOException, InterruptedException {
        run("stop");
    }

    private void run(final String command) throws IOException, InterruptedException {
        final ProcessBuilder builder = new ProcessBuilder(SCRIPT.toString(), command).redirectErrorStream(true);
        final Map<String, String> env = builder.environment();
        env.put("STEPWISE_HOME", home.toString());
        env.put("STEPWISE_KAFKA_PORT", Integer.toString(port));
        env.put("STEPWISE_KAFKA_CONTROLLER_PORT", Integer.toString(controllerPort));
        env.put("JAVA_HOME", System.getProperty("java.home"));
        final Process process = builder.start();
        final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(SCRIPT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("infra/bin/kafka " + command + " did not finish:\n" + output);
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException("infra/bin/kafka " + command + " failed (exit " + process.exitValue() + "):\n" + output);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("No free port on 127.0.0.1", e);
        }
    }
}
