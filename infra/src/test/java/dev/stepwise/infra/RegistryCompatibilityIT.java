package dev.stepwise.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.stepwise.infra.testing.SharedInfra;
import dev.stepwise.schemas.serde.ConfluentSchemaRegistryClient;
import dev.stepwise.schemas.serde.SchemaRegistryException;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The real registry enforces what our schema evolution rule assumes: BACKWARD compatibility, so a
 * change that old data cannot be read with is refused, and a defaulted new field is accepted.
 */
@ExtendWith(SharedInfra.class)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class RegistryCompatibilityIT {

    private static final Schema V1 = SchemaBuilder.record("Probe").namespace("dev.stepwise.it").fields()
            .requiredString("id")
            .requiredInt("count")
            .endRecord();
    /** count: int -> string; old records cannot be read with it. */
    private static final Schema TYPE_CHANGED = SchemaBuilder.record("Probe").namespace("dev.stepwise.it").fields()
            .requiredString("id")
            .requiredString("count")
            .endRecord();
    /** A new field without default; old records have no value for it. */
    private static final Schema FIELD_WITHOUT_DEFAULT = SchemaBuilder.record("Probe").namespace("dev.stepwise.it").fields()
            .requiredString("id")
            .requiredInt("count")
            .requiredString("note")
            .endRecord();
    /** A new optional field with default null: how Stepwise evolves its events. */
    private static final Schema FIELD_WITH_DEFAULT = SchemaBuilder.record("Probe").namespace("dev.stepwise.it").fields()
            .requiredString("id")
            .requiredInt("count")
            .optionalString("note")
            .endRecord();

    private final ConfluentSchemaRegistryClient registry = SharedInfra.registryClient();

    @Test
    void globalCompatibilityIsBackward() {
        assertThat(registry.compatibilityLevel()).isEqualTo("BACKWARD");
    }

    @Test
    void changingAFieldTypeIsRefusedWithStatus409() {
        final String subject = SharedInfra.uniqueName("compat-type") + "-value";
        registry.register(subject, V1);

        final SchemaRegistryException refusal =
                catchThrowableOfType(SchemaRegistryException.class, () -> registry.register(subject, TYPE_CHANGED));

        assertThat(refusal).isNotNull();
        assertThat(refusal.status()).isEqualTo(409);
        assertThat(registry.versions(subject)).containsExactly(1);
    }

    @Test
    void addingAFieldWithoutDefaultIsRefusedWithStatus409() {
        final String subject = SharedInfra.uniqueName("compat-no-default") + "-value";
        registry.register(subject, V1);

        final SchemaRegistryException refusal =
                catchThrowableOfType(SchemaRegistryException.class, () -> registry.register(subject, FIELD_WITHOUT_DEFAULT));

        assertThat(refusal).isNotNull();
        assertThat(refusal.status()).isEqualTo(409);
        assertThat(registry.versions(subject)).containsExactly(1);
    }

    @Test
    void addingAFieldWithDefaultIsAcceptedAsANewVersionWithANewId() {
        final String subject = SharedInfra.uniqueName("compat-default") + "-value";
        final int v1 = registry.register(subject, V1);

        final int v2 = registry.register(subject, FIELD_WITH_DEFAULT);

        assertThat(v2).isNotEqualTo(v1);
        assertThat(registry.versions(subject)).containsExactly(1, 2);
        assertThat(registry.schemaById(v1)).isEqualTo(V1);
        assertThat(registry.schemaById(v2)).isEqualTo(FIELD_WITH_DEFAULT);
        assertThat(registry.register(subject, FIELD_WITH_DEFAULT)).as("registering again finds the same id").isEqualTo(v2);
    }
}
