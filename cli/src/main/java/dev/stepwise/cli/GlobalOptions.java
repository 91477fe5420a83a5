package dev.stepwise.cli;

import dev.stepwise.schemas.config.CommonConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** Options every command that talks to Kafka shares: where the cluster and registry are, and config overrides. */
public final class GlobalOptions {

    @Option(names = "--bootstrap", paramLabel = "HOST:PORT",
            description = "Kafka bootstrap servers of an existing cluster (env STEPWISE_BOOTSTRAP). Without it, commands that need a cluster start an embedded one or use the one './stepwise up' started.")
    String bootstrap;

    @Option(names = "--registry", paramLabel = "URL",
            description = "Base URL of a Confluent-compatible schema registry API (env STEPWISE_REGISTRY_URL), e.g. http://host:8081 or http://host:8080/apis/ccompat/v7.")
    String registry;

    @Option(names = "--topic-prefix", paramLabel = "PREFIX", description = "Prefix of every topic name (default: stepwise).")
    String topicPrefix;

    @Option(names = "--config", paramLabel = "FILE", description = "A properties file of configuration keys (env STEPWISE_CONFIG).")
    Path configFile;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Set any configuration key, e.g. --set agent.max.in.flight=128. Wins over the file and the environment.")
    Map<String, String> overrides = new LinkedHashMap<>();

    @Option(names = {"-v", "--verbose"}, description = "Log what the services do (INFO) on standard error.")
    boolean verbose;

    /** Flags as configuration keys; {@code extra} comes from command-specific flags. */
    Map<String, String> config(final Map<String, String> extra) {
        final Map<String, String> flags = new LinkedHashMap<>(extra);
        flags.put(CommonConfig.BOOTSTRAP_SERVERS, bootstrap);
        flags.put(CommonConfig.SCHEMA_REGISTRY_URL, registry);
        flags.put(CommonConfig.TOPIC_PREFIX, topicPrefix);
        flags.putAll(overrides);
        final Map<String, String> env = System.getenv();
        final Path file = configFile != null ? configFile
                : env.containsKey("STEPWISE_CONFIG") ? Path.of(env.get("STEPWISE_CONFIG")) : null;
        return ConfigLayers.load(file, env, flags);
    }
}
