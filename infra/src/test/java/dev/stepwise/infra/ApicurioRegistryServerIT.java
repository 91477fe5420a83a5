package dev.stepwise.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The registry child process: it fails early with its log, and never outlives the JVM that started it. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ApicurioRegistryServerIT {

    @Test
    void registryStopsWhenTheJvmThatStartedItIsKilledWithSigkill(@TempDir final Path workDir) throws Exception {
        final Process holder = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                RegistryHolderMain.class.getName(), workDir.toString())
                .redirectErrorStream(true)
                .start();
        final long registryPid;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8))) {
            registryPid = readRegistryPid(out);
            final ProcessHandle registry = ProcessHandle.of(registryPid).orElseThrow();
            assertThat(registry.isAlive()).isTrue();
            assertThat(registry.parent().map(ProcessHandle::pid)).as("the registry is a child of the holder JVM")
                    .contains(holder.pid());
            assertThat(holder.children().map(ProcessHandle::pid)).as("the registry and its watchdog")
                    .hasSize(2).contains(registryPid);

            holder.destroyForcibly(); // SIGKILL: no shutdown hook runs
            assertThat(holder.waitFor(30, TimeUnit.SECONDS)).isTrue();

            await("registry pid " + registryPid + " gone").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                    .until(() -> ProcessHandle.of(registryPid).filter(ProcessHandle::isAlive).isEmpty());
        } finally {
            holder.destroyForcibly();
        }
    }

    @Test
    void aProcessThatExitsEarlyFailsAtOnceWithTheLastLinesOfItsLog(@TempDir final Path dir) throws Exception {
        final Path fakeJava = dir.resolve("java");
        Files.writeString(fakeJava, "#!/bin/sh\necho 'Error: this is not the registry'\nexit 3\n");
        Files.setPosixFilePermissions(fakeJava, PosixFilePermissions.fromString("rwx------"));
        final String previous = System.getProperty(ApicurioRegistryServer.JAVA_PROPERTY);
        System.setProperty(ApicurioRegistryServer.JAVA_PROPERTY, fakeJava.toString());
        try {
            final long start = System.nanoTime();
            assertThatThrownBy(() -> ApicurioRegistryServer.start(dir.resolve("work"), Duration.ofSeconds(60)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("exited with status 3 before it was ready")
                    .hasMessageContaining("Error: this is not the registry");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        } finally {
            if (previous == null) {
                System.clearProperty(ApicurioRegistryServer.JAVA_PROPERTY);
            } else {
                System.setProperty(ApicurioRegistryServer.JAVA_PROPERTY, previous);
            }
        }
    }

    private static long readRegistryPid(final BufferedReader out) throws Exception {
        final StringBuilder seen = new StringBuilder();
        String line;
        while ((line = out.readLine()) != null) {
            if (line.startsWith("REGISTRY_PID=")) {
                return Long.parseLong(line.substring("REGISTRY_PID=".length()).strip());
            }
            seen.append(line).append('\n');
        }
        throw new AssertionError("The holder JVM exited without starting a registry:\n" + seen);
    }

}
