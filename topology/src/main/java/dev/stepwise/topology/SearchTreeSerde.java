package dev.stepwise.topology;

import dev.stepwise.search.SearchTree;
import dev.stepwise.search.SearchTreeJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * JSON serde of the search trees' summaries, for the tree store and its changelog: a tree is written
 * without its entries, which {@link SearchTrees} keeps in a store of their own. JSON rather than Avro
 * because the state is internal to this topology (see {@link SearchTree}); {@link SearchTreeJson} reads
 * what a newer or older version wrote, including a tree an earlier version stored whole.
 */
final class SearchTreeSerde implements Serde<SearchTree> {

    private final SearchTreeJson json;

    SearchTreeSerde(final SearchTreeJson json) {
        this.json = json;
    }

    @Override
    public Serializer<SearchTree> serializer() {
        return (topic, tree) -> {
            if (tree == null) {
                return null;
            }
            try {
                return json.writeSummary(tree);
            } catch (final UncheckedIOException e) {
                throw new SerializationException(e.getMessage(), e.getCause());
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
                return json.read(bytes);
            } catch (final IOException e) {
                throw new SerializationException("Cannot read a search state from " + topic, e);
            }
        };
    }
}
