package dev.stepwise.cli;

import dev.stepwise.schemas.topics.Topics;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** The configuration a test's stack needs to run on its own topics, Streams group and state, for a test to add to. */
final class StackConfigs {

    private StackConfigs() {
    }

    static Map<String, String> onTopics(final String bootstrapServers, final String registryUrl, final Topics topics,
                                        final Path stateDir) {
        final Map<String, String> config = new LinkedHashMap<>();
        config.put("bootstrap.servers", bootstrapServers);
        config.put("schema.registry.url", registryUrl);
        config.put("topic.prefix", topics.prefix());
        config.put("topic.partitions", Integer.toString(topics.partitions()));
        config.put("topic.agent.partitions", Integer.toString(topics.agentPartitions()));
        config.put("application.id", topics.prefix() + "-topology");
        config.put("state.dir", stateDir.toString());
        return config;
    }
}
