package dev.stepwise.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EmbeddedKafkaBrokerTest {

    @Test
    void singleNodePropsMakeInternalTopicsWorkOnOneNode() {
        final Map<String, String> props = EmbeddedKafkaBroker.singleNodeProps(9092, 9093, Path.of("/tmp/k"));

        assertThat(props).containsEntry("offsets.topic.replication.factor", "1")
                .containsEntry("transaction.state.log.replication.factor", "1")
                .containsEntry("transaction.state.log.min.isr", "1")
                .containsEntry("min.insync.replicas", "1")
                .containsEntry("group.initial.rebalance.delay.ms", "0");
    }

    @Test
    void singleNodePropsListenOnLoopbackOnly() {
        final Map<String, String> props = EmbeddedKafkaBroker.singleNodeProps(9092, 9093, Path.of("/tmp/k"));

        assertThat(props).containsEntry("listeners", "PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093")
                .containsEntry("advertised.listeners", "PLAINTEXT://127.0.0.1:9092")
                .containsEntry("controller.quorum.voters", "1@127.0.0.1:9093")
                .containsEntry("log.dirs", Path.of("/tmp/k").toString());
    }

    @Test
    void rejectsAPortOutsideTheTcpRange() {
        assertThatThrownBy(() -> EmbeddedKafkaBroker.start(65_536, null)).isInstanceOf(IllegalArgumentException.class);
    }
}
