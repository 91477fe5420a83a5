package dev.stepwise.bench;

import dev.stepwise.agents.Agent;
import dev.stepwise.agents.AgentConfig;
import dev.stepwise.agents.AgentKind;
import dev.stepwise.agents.Agents;
import dev.stepwise.client.ClientSettings;
import dev.stepwise.client.StepwiseClient;
import dev.stepwise.infra.LocalStack;
import dev.stepwise.infra.LocalStackOptions;
import dev.stepwise.models.ModelBackend;
import dev.stepwise.models.ModelBackendConfig;
import dev.stepwise.models.ModelBackends;
import dev.stepwise.schemas.config.CommonConfig;
import dev.stepwise.schemas.serde.ConfluentSchemaRegistryClient;
import dev.stepwise.schemas.topics.Topics;
import dev.stepwise.topology.TopologyApp;
import dev.stepwise.topology.TopologyConfig;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pipeline for one measurement: an embedded broker and registry, the topology, and agents over the synthetic
 * backend with the given settings (latency, in-flight cap), either in this JVM or as separate {@code stepwise}
 * processes, as a user scales them; and a client. Closed as a whole, processes with SIGTERM.
 */
final class PipelineRig implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PipelineRig.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration PROCESS_START_TIMEOUT = Duration.ofMinutes(3);
    /** The CLI's entry point, present when the bench runs as {@code ./stepwise bench}. */
    private static final String CLI_MAIN = "dev.stepwise.cli.StepwiseCommand";

    private final Deque<AutoCloseable> started = new ArrayDeque<>();
    private final LocalStack stack;
    private final ConfluentSchemaRegistryClient registry;
    private final StepwiseClient client;
    private final Topics topics = Topics.defaults();

    /**
     * @param settings   agent and backend keys ({@code synthetic.*}, {@code agent.*}), as {@code --set} takes them
     * @param instances  agent instances per kind: proposer, verifier, reviser
     * @param processes  whether each instance runs as its own process (else all in this JVM)
     */
    PipelineRig(final Map<String, String> settings, final Map<AgentKind, Integer> instances, final boolean processes)
            throws InterruptedException {
        final Path stateDir = tempDir();
        started.push(() -> deleteQuietly(stateDir));
        try {
            stack = LocalStack.start(LocalStackOptions.ephemeral(topics));
            started.push(stack);
            final Map<String, String> config = new HashMap<>(settings);
            config.put(CommonConfig.BOOTSTRAP_SERVERS, stack.bootstrapServers());
            config.put(CommonConfig.SCHEMA_REGISTRY_URL, stack.registryUrl());
            config.put(TopologyConfig.STATE_DIR, stateDir.toString());
            final TopologyApp topology = TopologyApp.create(new TopologyConfig(config), false);
            started.push(() -> topology.close(CLOSE_TIMEOUT));
            topology.start();
            registry = ConfluentSchemaRegistryClient.create(stack.registryUrl());
            started.push(registry);
            if (processes) {
                startProcesses(settings, instances);
            } else {
                startInProcess(config, instances);
            }
            client = StepwiseClient.connect(ClientSettings.of(stack.bootstrapServers(), registry, topics)
                    .withMaxUnclaimedAnswers(100_000));
            started.push(client);
        } catch (RuntimeException | InterruptedException e) {
            close();
            throw e;
        }
    }

    /** Whether agents can run as processes here: only when the bench runs inside the {@code stepwise} CLI. */
    static boolean processesAvailable() {
        try {
            Class.forName(CLI_MAIN, false, PipelineRig.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    /** The synthetic backend with these settings, for in-process runs of the same prompts. */
    static ModelBackend backend(final Map<String, String> settings) {
        final Map<String, String> model = new HashMap<>();
        settings.forEach((k, v) -> {
            if (k.startsWith("synthetic.") || k.startsWith("model.")) {
                model.put(k, v);
            }
        });
        return ModelBackends.create(ModelBackendConfig.fromMap(model));
    }

    StepwiseClient client() {
        return client;
    }

    Topics topics() {
        return topics;
    }

    String bootstrapServers() {
        return stack.bootstrapServers();
    }

    ConfluentSchemaRegistryClient registry() {
        return registry;
    }

    private void startInProcess(final Map<String, String> config, final Map<AgentKind, Integer> instances) {
        final AgentConfig agentConfig = new AgentConfig(config);
        final ModelBackend model = backend(config);
        started.push(model);
        instances.forEach((kind, count) -> {
            for (int i = 0; i < count; i++) {
                final Agent agent = Agents.create(kind, agentConfig.withInstanceId("bench-" + kind.component() + "-" + i),
                        model, registry);
                started.push(() -> agent.close(CLOSE_TIMEOUT));
                agent.start();
            }
        });
    }

    private void startProcesses(final Map<String, String> settings, final Map<AgentKind, Integer> instances)
            throws InterruptedException {
        final List<Process> launched = new ArrayList<>();
        final CountDownLatch ready = new CountDownLatch(instances.values().stream().mapToInt(Integer::intValue).sum());
        for (final Map.Entry<AgentKind, Integer> entry : instances.entrySet()) {
            for (int i = 0; i < entry.getValue(); i++) {
                // Up to 17 JVMs share two cores here: C1 only and the serial collector keep their own start-up and
                // background work from being what the scaling part measures.
                final List<String> command = new ArrayList<>(List.of(javaBinary(), "-Xmx256m", "-XX:+UseSerialGC",
                        "-XX:TieredStopAtLevel=1", "--enable-native-access=ALL-UNNAMED", "-cp",
                        System.getProperty("java.class.path"), CLI_MAIN, entry.getKey().component(),
                        "--bootstrap", stack.bootstrapServers(), "--registry", stack.registryUrl(),
                        "--instance-id", "bench-" + entry.getKey().component() + "-" + i));
                settings.forEach((k, v) -> command.addAll(List.of("--set", k + "=" + v)));
                final Process process;
                try {
                    process = new ProcessBuilder(command).redirectErrorStream(true).start();
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot start " + String.join(" ", command), e);
                }
                launched.add(process);
                started.push(() -> stop(process));
                Thread.ofVirtual().start(() -> watch(process, ready));
            }
        }
        if (!ready.await(PROCESS_START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("agent processes did not all start within " + PROCESS_START_TIMEOUT);
        }
        LOG.info("{} agent processes running", launched.size());
    }

    /** Reads a process's output (so it never blocks on a full pipe) and counts it ready on its "running" line. */
    private static void watch(final Process process, final CountDownLatch ready) {
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("stepwise ") && line.contains(" running ")) {
                    ready.countDown();
                }
                LOG.debug("agent {}: {}", process.pid(), line);
            }
        } catch (IOException e) {
            LOG.debug("agent {} output closed: {}", process.pid(), e.toString());
        }
    }

    private static void stop(final Process process) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(CLOSE_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }

    private static String javaBinary() {
        return ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    @Override
    public void close() {
        while (!started.isEmpty()) {
            final AutoCloseable part = started.pop();
            try {
                part.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                LOG.warn("Error while stopping {}: {}", part, e.toString());
            }
        }
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("stepwise-bench-pipeline-");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create a state directory for the topology", e);
        }
    }

    private static void deleteQuietly(final Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (final Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            LOG.warn("Could not delete {}: {}", dir, e.toString());
        }
    }
}
