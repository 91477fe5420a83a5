package dev.stepwise.schemas.serde;

import java.util.List;
import org.apache.avro.Schema;

/**
 * The part of the Confluent Schema Registry API that Stepwise needs. Implemented over HTTP by
 * {@link ConfluentSchemaRegistryClient} (any Confluent-compatible registry: Confluent, Apicurio's
 * ccompat API, Karapace, Redpanda) and in memory by {@link InMemorySchemaRegistry} for unit tests.
 */
public interface SchemaRegistryClient {

    /**
     * Registers {@code schema} under {@code subject} (or finds it, if already registered) and
     * returns its global id, as {@code POST /subjects/{subject}/versions} does.
     *
     * @throws SchemaRegistryException when the registry refuses the schema (e.g. it breaks compatibility) or is unreachable
     */
    int register(String subject, Schema schema);

    /**
     * The schema with the given global id, as {@code GET /schemas/ids/{id}} returns it.
     *
     * @throws SchemaRegistryException with {@link SchemaRegistryException#isNotFound()} when no schema has this id
     */
    Schema schemaById(int id);

    /** Subjects currently registered, as {@code GET /subjects} returns them. */
    List<String> subjects();
}
