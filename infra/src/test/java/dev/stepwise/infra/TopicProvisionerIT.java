package dev.stepwise.infra;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stepwise.infra.TopicProvisioner.ProvisionResult;
import dev.stepwise.infra.testing.SharedInfra;
import dev.stepwise.schemas.topics.Topic;
import dev.stepwise.schemas.topics.Topics;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SharedInfra.class)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class TopicProvisionerIT {

    @Test
    void createsEveryDeclaredTopicOnceAndASecondCallCreatesNothing() {
        final Topics topics = new Topics(SharedInfra.uniqueName("provision"), 3);
        final List<String> names = names(topics);

        final ProvisionResult first = TopicProvisioner.ensureTopics(SharedInfra.admin(), topics, TopicProvisioner.BROKER_DEFAULT_REPLICATION);
        final ProvisionResult second = TopicProvisioner.ensureTopics(SharedInfra.admin(), topics, TopicProvisioner.BROKER_DEFAULT_REPLICATION);

        assertThat(first.created()).containsExactlyInAnyOrderElementsOf(names);
        assertThat(first.existing()).isEmpty();
        assertThat(second.created()).isEmpty();
        assertThat(second.existing()).containsExactlyInAnyOrderElementsOf(names);
    }

    @Test
    void createdTopicsHaveTheDeclaredPartitionsAndRetentionConfigs() throws Exception {
        final Topics topics = new Topics(SharedInfra.uniqueName("provision-configs"), 3);
        final Admin admin = SharedInfra.admin();
        TopicProvisioner.ensureTopics(admin, topics, (short) 1);

        final Map<String, TopicDescription> descriptions = admin.describeTopics(names(topics)).allTopicNames().get(30, TimeUnit.SECONDS);
        final Set<ConfigResource> resources = names(topics).stream()
                .map(name -> new ConfigResource(ConfigResource.Type.TOPIC, name)).collect(Collectors.toSet());
        final Map<ConfigResource, Config> configs = admin.describeConfigs(resources).all().get(30, TimeUnit.SECONDS);

        for (final Topic<?> topic : topics.all()) {
            assertThat(descriptions.get(topic.name()).partitions()).as(topic.name()).hasSize(topic.partitions());
            assertThat(descriptions.get(topic.name()).partitions().get(0).replicas()).as(topic.name()).hasSize(1);
            final Config config = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, topic.name()));
            assertThat(topic.configs()).as(topic.name()).containsKeys("retention.ms", "cleanup.policy");
            topic.configs().forEach((key, value) ->
                    assertThat(config.get(key).value()).as(topic.name() + " " + key).isEqualTo(value));
        }
    }

    @Test
    void leavesAnExistingTopicWithFewerPartitionsAsItIs() throws Exception {
        final Topics topics = new Topics(SharedInfra.uniqueName("provision-fewer"), 3);
        final Admin admin = SharedInfra.admin();
        final String prompts = topics.prompts().name();
        admin.createTopics(List.of(new NewTopic(prompts, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);

        final ProvisionResult result = TopicProvisioner.ensureTopics(admin, topics, TopicProvisioner.BROKER_DEFAULT_REPLICATION);

        assertThat(result.existing()).containsExactly(prompts);
        assertThat(result.created()).hasSize(topics.all().size() - 1).doesNotContain(prompts);
        assertThat(admin.describeTopics(List.of(prompts)).allTopicNames().get(30, TimeUnit.SECONDS).get(prompts).partitions())
                .hasSize(1);
    }

    private static List<String> names(final Topics topics) {
        return topics.all().stream().map(Topic::name).toList();
    }
}
