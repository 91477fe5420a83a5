package dev.stepwise.infra;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stepwise.schemas.serde.ConfluentSchemaRegistryClient;
import dev.stepwise.schemas.topics.Topic;
import dev.stepwise.schemas.topics.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The whole local backend: starts ready, keeps data in a data dir, and leaves no process behind. */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class LocalStackIT {

    private static final Schema SCHEMA = SchemaBuilder.record("Probe").namespace("dev.stepwise.it").fields()
            .requiredString("id").endRecord();

    @Test
    void startsBrokerAndRegistryWithTopicsAndCloseLeavesNoChildProcess() throws Exception {
        final Set<Long> before = descendantPids();
        final Topics topics = new Topics("it-local-stack", 2);
        final LocalStack stack = LocalStack.start(LocalStackOptions.ephemeral(topics));
        final Set<Long> started;
        try {
            started = descendantPids();
            started.removeAll(before);
            assertThat(started).as("the registry runs as a child process").contains(stack.registry().pid());
            assertThat(stack.startupTime()).isPositive();

            try (Admin admin = admin(stack.bootstrapServers())) {
                assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS))
                        .containsAll(topics.all().stream().map(Topic::name).toList());
            }
            try (ConfluentSchemaRegistryClient registry = ConfluentSchemaRegistryClient.create(stack.registryUrl())) {
                assertThat(stack.registryUrl()).endsWith("/apis/ccompat/v7");
                assertThat(registry.compatibilityLevel()).isEqualTo("BACKWARD");
                assertThat(registry.subjects()).isEmpty();
            }
        } finally {
            stack.close();
        }

        assertThat(ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).map(ProcessHandle::pid))
                .as("processes started by the stack are gone after close()")
                .doesNotContainAnyElementsOf(started);
        stack.close(); // idempotent
    }

    @Test
    void dataDirKeepsTopicsAndSchemasAcrossRestarts(@TempDir final Path dataDir) throws Exception {
        final Topics topics = new Topics("it-restart", 1);
        final int id;
        try (LocalStack stack = LocalStack.start(options(dataDir, topics));
             ConfluentSchemaRegistryClient registry = ConfluentSchemaRegistryClient.create(stack.registryUrl())) {
            id = registry.register("it-restart-probe-value", SCHEMA);
        }

        try (LocalStack stack = LocalStack.start(options(dataDir, null));
             ConfluentSchemaRegistryClient registry = ConfluentSchemaRegistryClient.create(stack.registryUrl());
             Admin admin = admin(stack.bootstrapServers())) {
            assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).contains(topics.prompts().name());
            assertThat(registry.subjects()).contains("it-restart-probe-value");
            assertThat(registry.schemaById(id)).isEqualTo(SCHEMA);
        }
    }

    private static LocalStackOptions options(final Path dataDir, final Topics topics) {
        return new LocalStackOptions(dataDir, 0, topics, Duration.ofSeconds(120));
    }

    private static Admin admin(final String bootstrap) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
    }

    private static Set<Long> descendantPids() {
        return ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).map(ProcessHandle::pid)
                .collect(Collectors.toSet());
    }
}
