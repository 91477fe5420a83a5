package dev.stepwise.agents;

import dev.stepwise.schemas.topics.Topic;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;

/** Picks a handler's outputs apart by topic. */
final class Outputs {

    private Outputs() {
    }

    /** The values written to {@code topic}, in order. */
    static <V extends SpecificRecord> List<V> on(final Topic<V> topic, final List<AgentHandler.Output<?>> outputs) {
        return outputs.stream()
                .filter(output -> output.topic().name().equals(topic.name()))
                .map(output -> topic.valueType().cast(output.value()))
                .toList();
    }
}
