import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads a flood's figures from any Stepwise version's event log, without its schemas: the time from the first
 * prompt to the last answer whose record timestamps are at or after a given instant, and the verdicts committed
 * in that time. The same definition as {@code bench pipeline}'s ceiling, for code that cannot run that bench.
 *
 * <p>Usage: {@code java -cp 'cli/target/lib/*' FloodWindow.java BOOTSTRAP SINCE_EPOCH_MS [TOPIC_PREFIX]}
 */
public final class FloodWindow {

    public static void main(final String[] args) {
        final String bootstrap = args[0];
        final long since = Long.parseLong(args[1]);
        final String prefix = args.length > 2 ? args[2] : "stepwise";
        final List<Long> prompts = timestamps(bootstrap, prefix + ".prompts", since);
        final List<Long> answers = timestamps(bootstrap, prefix + ".answers", since);
        final long from = prompts.stream().mapToLong(Long::longValue).min().orElseThrow();
        final long to = answers.stream().mapToLong(Long::longValue).max().orElseThrow() + 1;
        final long verdicts = timestamps(bootstrap, prefix + ".steps.verified", from).stream().filter(t -> t < to).count();
        System.out.printf("prompts %d, answers %d, window %s .. %s (%d ms), verdicts %d, verified steps per second %.0f%n",
                prompts.size(), answers.size(), Instant.ofEpochMilli(from), Instant.ofEpochMilli(to), to - from, verdicts,
                verdicts * 1000.0 / (to - from));
    }

    /** Timestamps of the committed records of {@code topic} at or after {@code since}. */
    private static List<Long> timestamps(final String bootstrap, final String topic, final long since) {
        final Properties props = new Properties();
        props.put("bootstrap.servers", bootstrap);
        props.put("isolation.level", "read_committed");
        props.put("enable.auto.commit", "false");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            final List<TopicPartition> partitions = new ArrayList<>();
            for (final PartitionInfo p : consumer.partitionsFor(topic)) {
                partitions.add(new TopicPartition(topic, p.partition()));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            final Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            final List<Long> out = new ArrayList<>();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                for (final ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    if (r.timestamp() >= since) {
                        out.add(r.timestamp());
                    }
                }
            }
            return out;
        }
    }
}
