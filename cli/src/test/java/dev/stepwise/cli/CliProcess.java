package dev.stepwise.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The packaged {@code stepwise} jar run as a separate JVM, the way a user runs it, with its standard
 * output and error captured to files so tests can wait for lines and show them when they fail.
 */
final class CliProcess implements AutoCloseable {

    private static final Path MODULE = Path.of("").toAbsolutePath();
    private static final Path JAR = MODULE.resolve("target").resolve("stepwise.jar");
    private static final Path APICURIO = MODULE.resolve("..").resolve("infra").resolve("target").resolve("apicurio-registry").normalize();

    private final Process process;
    private final Path stdout;
    private final Path stderr;
    private final List<ProcessHandle> descendantsSeen = new ArrayList<>();

    private CliProcess(final Process process, final Path stdout, final Path stderr) {
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    static CliProcess start(final Path logDir, final String name, final String... args) throws IOException {
        if (!Files.isRegularFile(JAR)) {
            throw new IllegalStateException(JAR + " is missing: integration tests run after 'package'");
        }
        Files.createDirectories(logDir);
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx512m");
        command.add("-Dstepwise.apicurio.home=" + APICURIO);
        command.add("-Dstepwise.home=" + logDir);
        command.add("-jar");
        command.add(JAR.toString());
        command.addAll(List.of(args));
        final Path out = logDir.resolve(name + ".out");
        final Path err = logDir.resolve(name + ".err");
        final ProcessBuilder builder = new ProcessBuilder(command)
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
        builder.environment().keySet().removeIf(k -> k.startsWith("STEPWISE_"));
        return new CliProcess(builder.start(), out, err);
    }

    long pid() {
        return process.pid();
    }

    Process process() {
        return process;
    }

    /** Waits for a line of standard output matching {@code regex}; the match, or empty after the timeout or exit. */
    Optional<Matcher> awaitLine(final String regex, final Duration timeout) throws IOException, InterruptedException {
        final Pattern pattern = Pattern.compile(regex);
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (String line : stdoutLines()) {
                final Matcher m = pattern.matcher(line);
                if (m.matches()) {
                    return Optional.of(m);
                }
            }
            if (!process.isAlive()) {
                return Optional.empty();
            }
            rememberDescendants();
            process.waitFor(100, TimeUnit.MILLISECONDS);
        }
        return Optional.empty();
    }

    List<String> stdoutLines() throws IOException {
        return Files.readAllLines(stdout, StandardCharsets.UTF_8);
    }

    String stderrText() throws IOException {
        return Files.readString(stderr, StandardCharsets.UTF_8);
    }

    /** What the process printed, for assertion messages. */
    String transcript() {
        try {
            return "--- stdout ---\n" + String.join("\n", stdoutLines()) + "\n--- stderr (tail) ---\n" + tail(stderrText(), 4000);
        } catch (IOException e) {
            return "(cannot read output: " + e + ")";
        }
    }

    private static String tail(final String s, final int max) {
        return s.length() <= max ? s : s.substring(s.length() - max);
    }

    /** Child processes (e.g. the registry) seen so far, so a test can check they are gone after exit. */
    List<ProcessHandle> rememberDescendants() {
        process.descendants().forEach(d -> {
            if (descendantsSeen.stream().noneMatch(s -> s.pid() == d.pid())) {
                descendantsSeen.add(d);
            }
        });
        return List.copyOf(descendantsSeen);
    }

    /** SIGKILL: the process gets no chance to clean up. */
    void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM, then the exit code (or -1 if it did not exit in time). */
    int terminate(final Duration timeout) throws InterruptedException {
        rememberDescendants();
        process.destroy();
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : -1;
    }

    /** Waits for the exit code (or -1 after the timeout), noting child processes while it runs. */
    int awaitExit(final Duration timeout) throws InterruptedException {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            rememberDescendants();
            if (process.waitFor(100, TimeUnit.MILLISECONDS)) {
                return process.exitValue();
            }
        }
        return -1;
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }
}
