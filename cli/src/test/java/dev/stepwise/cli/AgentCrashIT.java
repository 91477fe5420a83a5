package dev.stepwise.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stepwise.infra.testing.SharedInfra;
import dev.stepwise.models.synthetic.SyntheticTaskSuite;
import dev.stepwise.models.synthetic.GeneratedProblem;
import dev.stepwise.schemas.avro.AnswerPublished;
import dev.stepwise.schemas.avro.StepProposed;
import dev.stepwise.schemas.serde.AvroSerdes;
import dev.stepwise.schemas.topics.Topic;
import dev.stepwise.schemas.topics.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serdes;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A proposer process is killed with SIGKILL in the middle of a run and another one is started: no
 * prompt is lost, each gets exactly one answer, and no step is duplicated on the step topic
 * (the agents produce and commit offsets in one transaction; read_committed readers never see the
 * killed instance's open transaction).
 */
@ExtendWith(SharedInfra.class)
class AgentCrashIT {

    private static final int PROMPTS = 10;

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void killingAProposerMidRunLosesNoPromptAndDuplicatesNoAnswer() throws Exception {
        final Topics topics = SharedInfra.freshTopics("crash");
        final Map<String, String> config = new LinkedHashMap<>();
        config.put("bootstrap.servers", SharedInfra.bootstrapServers());
        config.put("schema.registry.url", SharedInfra.registryUrl());
        config.put("topic.prefix", topics.prefix());
        config.put("topic.partitions", Integer.toString(topics.partitions()));
        config.put("application.id", topics.prefix() + "-topology");
        config.put("state.dir", dir.resolve("state").toString());

        final String[] proposerArgs = {"proposer", "--bootstrap", SharedInfra.bootstrapServers(), "--registry", SharedInfra.registryUrl(),
            "--topic-prefix", topics.prefix(), "--instance-id", "crash-proposer",
            "--set", "agent.static.membership=true", "--set", "topic.partitions=" + topics.partitions()};

        try (StepwiseStack rest = StepwiseStack.start(config, new StackOptions(), new StepwiseStack.Parts(true, 0, 1, 1));
             CliProcess first = CliProcess.start(dir, "proposer-1", proposerArgs)) {
            first.awaitLine("stepwise proposer running.*", Duration.ofMinutes(2))
                    .orElseThrow(() -> new AssertionError("proposer did not start\n" + first.transcript()));

            final List<GeneratedProblem> problems = SyntheticTaskSuite.mixed(PROMPTS, 12, 99);
            final Map<String, GeneratedProblem> byId = new LinkedHashMap<>();
            for (int i = 0; i < problems.size(); i++) {
                byId.put("crash-" + i, problems.get(i));
            }
            final PromptOptions defaults = new PromptOptions();
            final AvroSerdes serdes = new AvroSerdes(SharedInfra.registryClient());
            try (PromptClient client = new PromptClient(SharedInfra.bootstrapServers(), SharedInfra.registryClient(), topics)) {
                final Instant now = Instant.now();
                byId.forEach((id, p) -> client.submit(defaults.prompt(id, p.text(), "crash-test", now)));

                // Kill the proposer once it has done part of the work, but not all of it.
                awaitCommittedRecords(serdes, topics.stepsProposed(), 40, Duration.ofMinutes(2));
                first.kill9();
                try (CliProcess second = CliProcess.start(dir, "proposer-2", proposerArgs)) {
                    final Map<String, AnswerPublished> answers = client.awaitAnswers(byId.keySet(), Duration.ofMinutes(4), a -> { });
                    assertThat(answers.keySet()).as(second.transcript()).containsExactlyInAnyOrderElementsOf(byId.keySet());
                    final long correct = answers.values().stream()
                            .filter(a -> a.getAnswer() != null && SyntheticTaskSuite.isCorrect(byId.get(a.getPromptId()).text(), a.getAnswer())).count();
                    assertThat(correct).as("answers are still right after the crash").isGreaterThanOrEqualTo(PROMPTS - 1);
                }
            }

            final List<ConsumerRecord<String, AnswerPublished>> allAnswers = readAll(serdes, topics.answers());
            final Map<String, Long> answersPerPrompt = allAnswers.stream()
                    .collect(Collectors.groupingBy(ConsumerRecord::key, Collectors.counting()));
            assertThat(answersPerPrompt).as("exactly one answer per prompt").hasSize(PROMPTS).allSatisfy((k, n) -> assertThat(n).isEqualTo(1L));

            final List<String> stepIds = readAll(serdes, topics.stepsProposed()).stream()
                    .map(r -> r.value().getStepId()).toList();
            assertThat(stepIds).as("no step produced twice").doesNotHaveDuplicates();
        }
    }

    private static void awaitCommittedRecords(final AvroSerdes serdes, final Topic<StepProposed> topic, final int atLeast,
                                              final Duration timeout) {
        Awaitility.await("at least " + atLeast + " committed steps on " + topic.name())
                .atMost(timeout).pollInterval(Duration.ofMillis(300))
                .until(() -> readAll(serdes, topic).size() >= atLeast);
    }

    /** Every committed record of a topic, read from the beginning with read_committed. */
    private static <V> List<ConsumerRecord<String, V>> readAll(final AvroSerdes serdes, final Topic<V> topic) {
        final Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedInfra.bootstrapServers());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaConsumer<String, V> consumer = new KafkaConsumer<>(props, Serdes.String().deserializer(),
                serdes.valueSerde(topic).deserializer())) {
            final List<TopicPartition> tps = consumer.partitionsFor(topic.name(), Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic.name(), p.partition())).toList();
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            final Map<TopicPartition, Long> end = consumer.endOffsets(tps);
            final List<ConsumerRecord<String, V>> records = new ArrayList<>();
            final long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (tps.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp)) && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            return records;
        }
    }
}
