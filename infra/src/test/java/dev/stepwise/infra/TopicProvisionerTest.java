package dev.stepwise.infra;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stepwise.schemas.topics.Topics;
import org.junit.jupiter.api.Test;

class TopicProvisionerTest {

    @Test
    void rejectsAZeroOrNegativeReplicationFactorOtherThanBrokerDefault() {
        // Checked before the admin client is touched, so none is needed.
        assertThatThrownBy(() -> TopicProvisioner.ensureTopics(null, Topics.defaults(), (short) 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("replication factor");
        assertThatThrownBy(() -> TopicProvisioner.ensureTopics(null, Topics.defaults(), (short) -2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("replication factor");
    }
}
