package dev.stepwise.cli;

import dev.stepwise.schemas.config.CommonConfig;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * Where a running {@code ./stepwise up} says its embedded broker and registry are, so that
 * {@code ./stepwise ask} in another terminal finds them without flags. Removed when {@code up} stops.
 */
final class RunFile {

    private RunFile() {
    }

    static Path path() {
        final String home = System.getProperty("stepwise.home", ".");
        return Path.of(home, ".stepwise", "run", "up.properties");
    }

    static void write(final String bootstrap, final String registry) {
        final Properties props = new Properties();
        props.setProperty(CommonConfig.BOOTSTRAP_SERVERS, bootstrap);
        props.setProperty(CommonConfig.SCHEMA_REGISTRY_URL, registry);
        props.setProperty("pid", Long.toString(ProcessHandle.current().pid()));
        try {
            Files.createDirectories(path().getParent());
            try (Writer w = Files.newBufferedWriter(path(), StandardCharsets.UTF_8)) {
                props.store(w, "written by ./stepwise up; removed when it stops");
            }
        } catch (IOException e) {
            throw new IllegalStateException("Cannot write " + path() + ": " + e.getMessage(), e);
        }
    }

    static void delete() {
        try {
            Files.deleteIfExists(path());
        } catch (IOException e) {
            // Best effort: a stale file is ignored by read() once its process is gone.
        }
    }

    /** The servers of a live {@code up}, if one is running. */
    static Optional<Map<String, String>> read() {
        final Path file = path();
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        final Properties props = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            props.load(r);
        } catch (IOException e) {
            return Optional.empty();
        }
        final boolean alive = Optional.ofNullable(props.getProperty("pid"))
                .flatMap(pid -> ProcessHandle.of(Long.parseLong(pid)))
                .map(ProcessHandle::isAlive).orElse(false);
        if (!alive) {
            return Optional.empty();
        }
        return Optional.of(Map.of(
                CommonConfig.BOOTSTRAP_SERVERS, props.getProperty(CommonConfig.BOOTSTRAP_SERVERS),
                CommonConfig.SCHEMA_REGISTRY_URL, props.getProperty(CommonConfig.SCHEMA_REGISTRY_URL)));
    }
}
