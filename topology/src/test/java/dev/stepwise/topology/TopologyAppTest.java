package dev.stepwise.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

class TopologyAppTest {

    @Test
    void streamsRunExactlyOnceWithoutCachingAndLeaveTheGroupQuickly() {
        final Properties props = TopologyApp.streamsProperties(TopologyConfig.of(Map.of(
                "bootstrap.servers", "broker:9092", "state.dir", "/tmp/stepwise-state")));

        assertThat(props)
                .containsEntry(StreamsConfig.APPLICATION_ID_CONFIG, "stepwise-topology")
                .containsEntry(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "broker:9092")
                .containsEntry(StreamsConfig.STATE_DIR_CONFIG, "/tmp/stepwise-state")
                .containsEntry(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2)
                .containsEntry(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100)
                // An idle thread must run the commit pacer's punctuation within the gap (50 ms by default).
                .containsEntry(StreamsConfig.POLL_MS_CONFIG, 50L)
                .containsEntry(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0)
                .containsEntry(StreamsConfig.REPLICATION_FACTOR_CONFIG, -1)
                .containsEntry(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, 0L)
                .containsEntry(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1)
                .containsEntry(StreamsConfig.GROUP_PROTOCOL_CONFIG, "classic")
                .containsEntry("consumer.session.timeout.ms", 10_000)
                .containsEntry("consumer.heartbeat.interval.ms", 1_000);
        // Kafka Streams accepts the whole set.
        new StreamsConfig(props);
    }

    @Test
    void streamsPrefixedKeysOverrideTheFixedSettings() {
        final Properties props = TopologyApp.streamsProperties(TopologyConfig.of(Map.of(
                "replication.factor", "3", "streams.commit.interval.ms", "1000", "streams.num.standby.replicas", "1")));

        assertThat(props)
                .containsEntry(StreamsConfig.REPLICATION_FACTOR_CONFIG, 3)
                .containsEntry(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "1000")
                .containsEntry(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, "1");
    }
}
