package dev.stepwise.topology;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.stepwise.topology.search.SearchTree;
import java.io.IOException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * JSON serde of the search state. JSON rather than Avro because the state is internal to this
 * topology (see {@link SearchTree}): unknown fields are ignored and missing ones keep their
 * defaults, so a newer or older version of the topology can read the changelog.
 */
final class SearchTreeSerde implements Serde<SearchTree> {

    private static final ObjectMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    @Override
    public Serializer<SearchTree> serializer() {
        return (topic, tree) -> {
            if (tree == null) {
                return null;
            }
            try {
                return JSON.writeValueAsBytes(tree);
            } catch (final IOException e) {
                throw new SerializationException("Cannot write the search state of " + tree.promptId(), e);
            }
        };
    }

    @Override
    public Deserializer<SearchTree> deserializer() {
        return (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            try {
                return JSON.readValue(bytes, SearchTree.class);
            } catch (final IOException e) {
                throw new SerializationException("Cannot read a search state from " + topic, e);
            }
        };
    }
}
