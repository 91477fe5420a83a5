package dev.stepwise.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Confluent-compatible schema registry: Apicurio Registry 3.x, started from its Maven
 * Central distribution ({@code io.apicurio:apicurio-registry-app:tar.gz:all}, unpacked by this
 * module's build into {@code infra/target/apicurio-registry}) as a child process. Clients use its
 * Confluent API at {@link #ccompatUrl()}. Global compatibility is BACKWARD, as in Confluent's
 * registry (Apicurio's own default is NONE).
 *
 * <p>It is a child process, not a library, because Apicurio ships as a Quarkus application that
 * needs Java 21+ and 445 jars of its own; on the classpath they would clash with Kafka's.
 *
 * <p><b>The child never outlives this JVM.</b> A JVM shutdown hook closes it on a normal exit,
 * SIGINT or SIGTERM. For SIGKILL (no hook runs) a tiny {@code /bin/sh} watchdog is started next to
 * it; the watchdog blocks reading its stdin, which is a pipe from this JVM. When this JVM dies for
 * any reason the kernel closes the pipe, the read returns, and the watchdog sends SIGTERM to the
 * registry. That needs no polling and no native code ({@code prctl(PR_SET_PDEATHSIG)} cannot be
 * called from Java without JNI/FFM glue, and a loop checking the parent pid would wake up every
 * second). The registry itself stays a direct child of this JVM, so the JDK reaps it and
 * {@link Process#isAlive()} sees at once when it dies; a registry started under the shell would
 * linger as a zombie, look alive, and turn an early crash into a full start timeout. Where there
 * is no {@code /bin/sh} only the shutdown hook protects against leaks.
 *
 * <p>Locating the distribution, in order: system property {@value #HOME_PROPERTY}, environment
 * variable {@value #HOME_ENV}, then {@code infra/target/apicurio-registry} in the working directory
 * or any of its parents. The Java that runs it is this JVM's, or the one named by system property
 * {@value #JAVA_PROPERTY} (a {@code java} executable or a JDK/JRE home).
 */
public final class ApicurioRegistryServer implements AutoCloseable {

    public static final String HOME_PROPERTY = "stepwise.apicurio.home";
    public static final String HOME_ENV = "STEPWISE_APICURIO_HOME";
    public static final String JAVA_PROPERTY = "stepwise.registry.java";
    public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(120);
    /** The Confluent-compatible API, relative to the server root. */
    public static final String CCOMPAT_PATH = "/apis/ccompat/v7";

    private static final Logger LOG = LoggerFactory.getLogger(ApicurioRegistryServer.class);
    private static final String RELATIVE_HOME = "infra/target/apicurio-registry";
    private static final String RUNNER = "quarkus-run.jar";
    private static final String LOG_FILE = "registry.log";
    private static final Duration POLL_INTERVAL = Duration.ofMillis(100);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    private static final int LOG_TAIL_LINES = 30;
    private static final Path SHELL = Path.of("/bin/sh");

    /**
     * Waits for EOF on stdin (this JVM closed the pipe by dying), then sends SIGTERM to pid
     * {@code $1}. {@code $0} is the name {@code ps} shows. On a normal close the watchdog is killed
     * first, so it never signals a pid that may have been reused.
     */
    private static final String WATCHDOG_SCRIPT = "while read -r _; do :; done; kill -TERM \"$1\" 2>/dev/null";

    private final Process process;
    /** Null where there is no {@code /bin/sh}. */
    private final Process watchdog;
    private final int port;
    private final Path workDir;
    private final boolean deleteWorkDir;
    private final Path logFile;
    private final Thread shutdownHook;
    private boolean closed;

    private ApicurioRegistryServer(final Process process, final Process watchdog, final int port, final Path workDir,
                                   final boolean deleteWorkDir, final Path logFile) {
        this.process = process;
        this.watchdog = watchdog;
        this.port = port;
        this.workDir = workDir;
        this.deleteWorkDir = deleteWorkDir;
        this.logFile = logFile;
        this.shutdownHook = new Thread(this::close, "stepwise-registry-shutdown");
    }

    /**
     * Starts the registry and returns once its Confluent API answers.
     *
     * @param workDir where the log ({@code registry.log}) and the data (an H2 file database under {@code h2/}) go,
     *                kept across restarts; or null for a temporary directory, an in-memory database,
     *                and both deleted on {@link #close()}
     * @param timeout how long to wait for readiness; {@link #DEFAULT_START_TIMEOUT} is generous for a loaded 2-core machine
     * @throws IllegalStateException when the distribution is missing, the process exits, or it is not ready in time;
     *                               the message carries the last lines of its log
     */
    public static ApicurioRegistryServer start(final Path workDir, final Duration timeout) {
        final long startNanos = System.nanoTime();
        final Path home = locateDistribution();
        final boolean temporary = workDir == null;
        final Path dir = createWorkDir(workDir);
        final Path logFile = dir.resolve(LOG_FILE);
        final int port = Dirs.freePort();
        final List<String> command = registryCommand(home, port, Dirs.freePort(), temporary ? null : dir.resolve("h2"));

        final Process process;
        try {
            LOG.debug("Starting the schema registry: {}", command);
            process = new ProcessBuilder(command)
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.to(logFile.toFile()))
                    .start();
        } catch (final IOException e) {
            if (temporary) {
                Dirs.deleteRecursively(dir);
            }
            throw new UncheckedIOException("Could not start the schema registry: " + command, e);
        }
        closeStdin(process);
        final ApicurioRegistryServer server =
                new ApicurioRegistryServer(process, startWatchdog(process.pid()), port, dir, temporary, logFile);
        Runtime.getRuntime().addShutdownHook(server.shutdownHook);
        try {
            server.awaitReady(timeout);
        } catch (final RuntimeException e) {
            final String tail = server.logTail();
            server.close();
            throw new IllegalStateException(e.getMessage() + "\n--- last lines of " + logFile + " ---\n" + tail, e);
        }
        LOG.info("Schema registry (Apicurio, pid {}) ready at {} in {} ms", server.pid(), server.ccompatUrl(),
                (System.nanoTime() - startNanos) / 1_000_000);
        return server;
    }

    /** The Confluent-compatible API base, {@code http://127.0.0.1:PORT/apis/ccompat/v7}. */
    public String ccompatUrl() {
        return "http://127.0.0.1:" + port + CCOMPAT_PATH;
    }

    /** The HTTP port on 127.0.0.1. */
    public int port() {
        return port;
    }

    /** Pid of the registry's Java process. */
    public long pid() {
        return process.pid();
    }

    /** The registry's combined stdout and stderr. */
    public Path logFile() {
        return logFile;
    }

    /**
     * Stops the registry: SIGTERM (Quarkus shuts down cleanly in under 3 s), then SIGKILL after
     * 10 s. Deletes a temporary work dir. Idempotent.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        removeShutdownHook();
        final long startNanos = System.nanoTime();
        if (watchdog != null) {
            // Killed before the registry stops, so it never signals a pid that the system may reuse.
            watchdog.destroyForcibly();
        }
        process.destroy();
        if (!waitFor(process, STOP_TIMEOUT)) {
            LOG.warn("Schema registry (pid {}) did not stop within {}; killing it", process.pid(), STOP_TIMEOUT);
            process.destroyForcibly();
            waitFor(process, STOP_TIMEOUT);
        }
        if (deleteWorkDir) {
            Dirs.deleteRecursively(workDir);
        }
        LOG.info("Schema registry (pid {}) stopped in {} ms", process.pid(), (System.nanoTime() - startNanos) / 1_000_000);
    }

    /** The distribution directory (the one holding {@code quarkus-run.jar}). */
    public static Path locateDistribution() {
        final Optional<Path> configured = Optional.ofNullable(System.getProperty(HOME_PROPERTY))
                .or(() -> Optional.ofNullable(System.getenv(HOME_ENV)))
                .filter(value -> !value.isBlank())
                .map(Path::of);
        if (configured.isPresent()) {
            final Path home = configured.get().toAbsolutePath();
            if (!Files.isRegularFile(home.resolve(RUNNER))) {
                throw new IllegalStateException("No " + RUNNER + " in " + home + " (set by " + HOME_PROPERTY + " / " + HOME_ENV
                        + "); point it at an unpacked io.apicurio:apicurio-registry-app:tar.gz:all distribution");
            }
            return home;
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            final Path candidate = dir.resolve(RELATIVE_HOME);
            if (Files.isRegularFile(candidate.resolve(RUNNER))) {
                return candidate;
            }
        }
        throw new IllegalStateException("The Apicurio Registry distribution was not found: no " + RELATIVE_HOME + "/" + RUNNER
                + " above " + Path.of("").toAbsolutePath() + ". Run ./stepwise build (or mvn -pl infra generate-resources)"
                + " in the Stepwise checkout, or set -D" + HOME_PROPERTY + " / " + HOME_ENV + " to an unpacked distribution.");
    }

    /** The {@code java} executable that runs the registry; it must be Java 21 or newer. */
    static Path javaExecutable() {
        final String configured = System.getProperty(JAVA_PROPERTY);
        final Path java = configured == null || configured.isBlank()
                ? Path.of(System.getProperty("java.home"), "bin", "java")
                : Path.of(configured);
        if (Files.isDirectory(java)) {
            return java.resolve("bin").resolve("java");
        }
        return java;
    }

    static List<String> registryCommand(final Path home, final int port, final int managementPort, final Path h2Dir) {
        final List<String> command = new ArrayList<>(List.of(
                javaExecutable().toString(),
                // Measured: a small serial-GC C1-only JVM starts faster (4.5-5 s) than the defaults (4-14 s) and uses 220 MB RSS.
                "-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Dquarkus.http.host=127.0.0.1",
                "-Dquarkus.http.port=" + port,
                // Without these the management interface (health, metrics) listens on 0.0.0.0:9000.
                "-Dquarkus.management.host=127.0.0.1",
                "-Dquarkus.management.port=" + managementPort,
                "-Dquarkus.banner.enabled=false",
                "-Dapicurio.rules.global.compatibility=BACKWARD"));
        if (h2Dir != null) {
            command.add("-Dapicurio.datasource.url=jdbc:h2:file:" + h2Dir.toAbsolutePath().resolve("registry"));
        }
        command.add("-jar");
        command.add(home.resolve(RUNNER).toString());
        return command;
    }

    /** Starts the watchdog for {@code registryPid}, or returns null where there is no {@code /bin/sh}. */
    private static Process startWatchdog(final long registryPid) {
        if (!Files.isExecutable(SHELL)) {
            LOG.debug("No {}: the schema registry is only stopped by the shutdown hook if this JVM dies", SHELL);
            return null;
        }
        try {
            return new ProcessBuilder(SHELL.toString(), "-c", WATCHDOG_SCRIPT, "stepwise-registry-watchdog", Long.toString(registryPid))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
        } catch (final IOException e) {
            LOG.warn("Could not start the schema registry watchdog ({}); the registry is only stopped by the shutdown hook", e.toString());
            return null;
        }
    }

    /**
     * Polls the Confluent API until it answers 200. Hand-written rather than Awaitility, which is a
     * test library; the loop also has to stop early when the process dies.
     */
    private void awaitReady(final Duration timeout) {
        final URI subjects = URI.create(ccompatUrl() + "/subjects");
        final long deadline = System.nanoTime() + timeout.toNanos();
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()) {
            final HttpRequest request = HttpRequest.newBuilder(subjects).timeout(Duration.ofSeconds(5)).GET().build();
            while (true) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("The schema registry process exited with status " + process.exitValue()
                            + " before it was ready");
                }
                try {
                    final int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                    if (status == 200) {
                        return;
                    }
                    LOG.debug("Schema registry not ready yet: HTTP {}", status);
                } catch (final ConnectException e) {
                    LOG.trace("Schema registry not listening yet");
                } catch (final IOException e) {
                    LOG.debug("Schema registry not ready yet: {}", e.toString());
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("The schema registry was not ready within " + timeout + " at " + subjects);
                }
                Thread.sleep(POLL_INTERVAL.toMillis());
            }
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for the schema registry", e);
        }
    }

    private String logTail() {
        try {
            final List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
        } catch (final IOException | UncheckedIOException e) {
            return "(log not readable: " + e + ")";
        }
    }

    private void removeShutdownHook() {
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (final IllegalStateException e) {
            LOG.trace("JVM is shutting down; the hook is what is closing the registry");
        }
    }

    private static Path createWorkDir(final Path workDir) {
        try {
            return workDir == null ? Files.createTempDirectory("stepwise-registry-") : Files.createDirectories(workDir).toAbsolutePath();
        } catch (final IOException e) {
            throw new UncheckedIOException("Cannot create the registry work dir " + workDir, e);
        }
    }

    /** The registry reads nothing from stdin; closing our end gives it EOF instead of a pipe that never speaks. */
    private static void closeStdin(final Process process) {
        try {
            process.getOutputStream().close();
        } catch (final IOException e) {
            LOG.debug("Closing the registry's stdin failed: {}", e.toString());
        }
    }

    private static boolean waitFor(final Process process, final Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        }
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "ApicurioRegistryServer[pid=%d, url=%s]", pid(), ccompatUrl());
    }
}
