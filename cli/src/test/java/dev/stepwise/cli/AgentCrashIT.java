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
import java.util.Set;
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
 * A proposer process is killed with SIGKILL in the middle of a run, with model calls in flight (the
 * synthetic model answers after a lognormal latency, so slow and fast calls overlap), and another one
 * is started: no prompt is lost and each gets exactly one answer, still right.
 *
 * <p>What the log may hold twice, and why that is safe: the agent commits a record's outputs as soon as
 * it finishes, but the offset only up to the first record still in flight. The killed instance's
 * records after that offset are handled again by its successor and written again with the same step
 * ids and the same text (ids derive from the request's; the synthetic model is seeded by them), which
 * the search drops as duplicates. What it never holds is a step of the killed instance's open
 * transaction: read_committed readers never see it.
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
        final Map<String, String> config = StackConfigs.onTopics(SharedInfra.bootstrapServers(), SharedInfra.registryUrl(),
                topics, dir.resolve("state"));

        final String[] proposerArgs = {"proposer", "--bootstrap", SharedInfra.bootstrapServers(), "--registry", SharedInfra.registryUrl(),
            "--topic-prefix", topics.prefix(), "--instance-id", "crash-proposer",
            "--set", "agent.static.membership=true", "--set", "topic.partitions=" + topics.partitions(),
            "--set", "topic.agent.partitions=" + topics.agentPartitions(),
            "--set", "synthetic.latency=lognormal", "--set", "synthetic.latency.median.ms=40",
            "--set", "synthetic.latency.p99.ms=400"};

        try (StepwiseStack rest = StepwiseStack.start(config, new StackOptions(), new StepwiseStack.Parts(true, 0, 1, 1));
             CliProcess first = CliProcess.start(dir, "proposer-1", proposerArgs)) {
            first.awaitLine("stepwise proposer running.*", Duration.ofMinutes(2))
                    .orElseThrow(() -> new AssertionError("proposer did not start\n" + first.transcript()));

            final List<GeneratedProblem> problems = SyntheticTaskSuite.mixed(PROMPTS, 12, 99);
            final Map<String, GeneratedProblem> byId = new LinkedHashMap<>();
            for (int i = 0; i < problems.size(); i++) {
                byId.put("crash-" + i, problems.get(i));
            }
            final AvroSerdes serdes = new AvroSerdes(SharedInfra.registryClient());
            try (PromptClient client = new PromptClient(SharedInfra.bootstrapServers(), SharedInfra.registryClient(), topics)) {
                final Instant now = Instant.now();
                byId.forEach((id, p) -> client.submit(DefaultPrompts.of(id, p.text(), "crash-test", now)));

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

            final Map<String, Set<String>> textsByStepId = readAll(serdes, topics.stepsProposed()).stream()
                    .collect(Collectors.groupingBy(r -> r.value().getStepId(),
                            Collectors.mapping(r -> r.value().getText(), Collectors.toSet())));
            assertThat(textsByStepId).as("a step written again after the crash is the same step")
                    .allSatisfy((id, texts) -> assertThat(texts).hasSize(1));
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
