package dev.stepwise.schemas.serde;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.avro.Schema;

/**
 * A registry in memory, behind the same interface as the HTTP client, for unit tests
 * (TopologyTestDriver, serde tests). Like Confluent's, the same schema gets the same id under any
 * subject. It does not check compatibility; integration tests use the real registry for that.
 */
public final class InMemorySchemaRegistry implements SchemaRegistryClient {

    private final Map<Schema, Integer> idsBySchema = new HashMap<>();
    private final List<Schema> schemasById = new ArrayList<>();
    private final Map<String, List<Integer>> versionsBySubject = new HashMap<>();

    @Override
    public synchronized int register(final String subject, final Schema schema) {
        final int id = idsBySchema.computeIfAbsent(schema, s -> {
            schemasById.add(s);
            return schemasById.size();
        });
        final List<Integer> versions = versionsBySubject.computeIfAbsent(subject, s -> new ArrayList<>());
        if (!versions.contains(id)) {
            versions.add(id);
        }
        return id;
    }

    @Override
    public synchronized Schema schemaById(final int id) {
        if (id < 1 || id > schemasById.size()) {
            throw new SchemaRegistryException("Schema " + id + " not found", 404, 40403);
        }
        return schemasById.get(id - 1);
    }

    @Override
    public synchronized List<String> subjects() {
        return List.copyOf(new TreeSet<>(versionsBySubject.keySet()));
    }
}
