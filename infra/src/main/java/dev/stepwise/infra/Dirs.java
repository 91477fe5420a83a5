package dev.stepwise.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Small file and port helpers shared by the servers in this package. */
final class Dirs {

    private Dirs() {
    }

    /**
     * Deletes {@code dir} and everything under it; a missing directory is fine. Hand-written because
     * the JDK has no recursive delete and this module does not otherwise need commons-io.
     */
    static void deleteRecursively(final Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (final IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (final IOException e) {
            throw new UncheckedIOException("Could not delete " + dir, e);
        }
    }

    /**
     * A port that was free on 127.0.0.1 a moment ago. Another process could take it before the
     * server binds it; that window is small, and it is the only way to name a port up front where
     * a config needs it (the KRaft voter list, a child process's command line).
     */
    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (final IOException e) {
            throw new UncheckedIOException("No free port on 127.0.0.1", e);
        }
    }
}
