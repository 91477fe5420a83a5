package dev.stepwise.infra;

import java.nio.file.Path;
import java.time.Duration;

/**
 * A JVM that starts a registry, prints its pid, and then only waits: {@link ApicurioRegistryServerIT}
 * kills this JVM with SIGKILL and checks that the registry goes too.
 */
public final class RegistryHolderMain {

    private RegistryHolderMain() {
    }

    /** {@code args[0]}: the registry's work dir (the test owns and deletes it; a SIGKILLed JVM cannot). */
    public static void main(final String[] args) throws InterruptedException {
        final ApicurioRegistryServer server = ApicurioRegistryServer.start(Path.of(args[0]), Duration.ofSeconds(120));
        System.out.println("REGISTRY_PID=" + server.pid());
        System.out.flush();
        Thread.currentThread().join();
    }
}
