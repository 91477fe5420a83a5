package dev.stepwise.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.stepwise.infra.testing.SharedInfra;
import dev.stepwise.schemas.avro.AnswerPublished;
import dev.stepwise.schemas.avro.Budget;
import dev.stepwise.schemas.avro.PromptCancelled;
import dev.stepwise.schemas.avro.PromptSubmitted;
import dev.stepwise.schemas.avro.Strategy;
import dev.stepwise.schemas.serde.AvroSerdes;
import dev.stepwise.schemas.topics.Topic;
import dev.stepwise.schemas.topics.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The client on the real broker and registry, with the test playing the topology: it reads the prompts
 * the clients publish and writes decisions and answers for them.
 */
@ExtendWith(SharedInfra.class)
@Timeout(120)
class StepwiseClientIT {

    @Test
    void twoClientsSideBySideEachGetTheirOwnAnswersAndProgress() throws Exception {
        final Topics topics = SharedInfra.freshTopics("client-side-by-side");
        final List<Progress> progressOfA = new CopyOnWriteArrayList<>();
        try (StepwiseClient one = connect(topics, "one"); StepwiseClient two = connect(topics, "two");
             KafkaProducer<String, SpecificRecord> topology = producer()) {
            final PromptHandle a = one.submit(prompt("a"), progressOfA::add);
            final CompletableFuture<AnswerPublished> b = two.submit(prompt("b"));
            a.sent().get(30, TimeUnit.SECONDS);

            assertThat(readAll(topics, topics.prompts(), 2)).extracting(PromptSubmitted::getPromptId)
                    .containsExactlyInAnyOrder("a", "b");
            topology.send(new ProducerRecord<>(topics.decisions().name(), "a", RouterTest.decision("a", 0, "secret reason")));
            topology.send(new ProducerRecord<>(topics.decisions().name(), "b", RouterTest.decision("b", 0, "secret reason")));
            topology.send(new ProducerRecord<>(topics.answers().name(), "b", RouterTest.answer("b", "2")));
            topology.send(new ProducerRecord<>(topics.answers().name(), "a", RouterTest.answer("a", "1"))).get();

            assertThat(a.answer().get(30, TimeUnit.SECONDS).getAnswer()).isEqualTo("1");
            assertThat(b.get(30, TimeUnit.SECONDS).getAnswer()).isEqualTo("2");
            assertThat(progressOfA).singleElement().satisfies(p -> assertThat(p.promptId()).isEqualTo("a"));
            assertThat(one.waitingCount()).isZero();
            // Client two saw a's answer as well (it reads every partition) and keeps it, bounded, for a late asker.
            assertThat(two.answerOf("a", ProgressListener.NONE).get(30, TimeUnit.SECONDS).getAnswer()).isEqualTo("1");
        }
    }

    @Test
    void cancellingAPromptPublishesWhoAskedAndWhy() throws Exception {
        final Topics topics = SharedInfra.freshTopics("client-cancel");
        try (StepwiseClient client = connect(topics, "cancel")) {
            final PromptHandle handle = client.submit(prompt("c"), ProgressListener.NONE);
            handle.cancel("the client disconnected", "gateway-1").get(30, TimeUnit.SECONDS);

            final List<PromptCancelled> cancelled = readAll(topics, topics.promptsCancelled(), 1);
            assertThat(cancelled).singleElement().satisfies(c -> {
                assertThat(c.getPromptId()).isEqualTo("c");
                assertThat(c.getReason()).isEqualTo("the client disconnected");
                assertThat(c.getRequestedBy()).isEqualTo("gateway-1");
            });
            assertThat(handle.answer()).as("still waiting for the topology's 'cancelled' answer").isNotDone();
        }
    }

    private static StepwiseClient connect(final Topics topics, final String id) {
        return StepwiseClient.connect(ClientSettings.of(SharedInfra.bootstrapServers(), SharedInfra.registryClient(), topics)
                .withClientId("it-" + id));
    }

    private static PromptSubmitted prompt(final String id) {
        return PromptSubmitted.newBuilder().setPromptId(id).setText("square 3 repeatedly 2 times mod 7")
                .setStrategy(Strategy.newBuilder().build()).setBudget(Budget.newBuilder().build())
                .setSubmittedAt(Instant.now()).build();
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static KafkaProducer<String, SpecificRecord> producer() {
        final AvroSerdes serdes = new AvroSerdes(SharedInfra.registryClient());
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedInfra.bootstrapServers()),
                Serdes.String().serializer(), (topic, value) -> value == null ? null
                : ((org.apache.kafka.common.serialization.Serializer) serdes.valueSerde(value.getClass()).serializer())
                        .serialize(topic, value));
    }

    private static <V> List<V> readAll(final Topics topics, final Topic<V> topic, final int expected) {
        final AvroSerdes serdes = new AvroSerdes(SharedInfra.registryClient());
        try (KafkaConsumer<String, V> consumer = new KafkaConsumer<>(StepwiseClient.consumerProps(
                SharedInfra.bootstrapServers(), "it-reader"), Serdes.String().deserializer(),
                serdes.valueSerde(topic).deserializer())) {
            final List<TopicPartition> partitions = StepwiseClient.partitions(consumer, topic, Duration.ofSeconds(30));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            final List<V> values = new ArrayList<>();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                for (ConsumerRecord<String, V> r : consumer.poll(Duration.ofMillis(200))) {
                    values.add(r.value());
                }
                return values.size() >= expected;
            });
            return values;
        }
    }
}
