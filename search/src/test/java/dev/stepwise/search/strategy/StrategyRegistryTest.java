package dev.stepwise.search.strategy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stepwise.schemas.avro.Strategy;
import dev.stepwise.schemas.deadletter.RejectedInputException;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

class StrategyRegistryTest {

    private final StrategyRegistry registry = StrategyRegistry.standard();

    @Test
    void eachStrategyIsDeclaredOnceWithItsParametersAndTheDefaultIsOneOfThem() {
        assertThat(registry.names()).containsExactly("auto", "revise", "beam", "best-of-n", "weighted-best-of-n",
                "majority", "adaptive-majority", "lookahead");
        assertThat(registry.defaultName()).isEqualTo("auto");
        assertThat(registry.require("beam").parameterNames()).isEqualTo("beam-width, branching, max-depth, max-revisions");
        assertThat(registry.require("best-of-n").parameterNames()).isEqualTo("n, max-depth");
        assertThat(registry.strategies()).allSatisfy(d -> assertThat(d.description()).isNotBlank());
    }

    @Test
    void aParameterTiedToAFixedAvroFieldDefaultsToThatFieldsSchemaDefault() {
        // Otherwise an Avro prompt (which always carries the fixed fields) and a text prompt would disagree.
        final Schema schema = Strategy.getClassSchema();
        for (final StrategyDescriptor descriptor : registry.strategies()) {
            for (final Parameter parameter : descriptor.parameters()) {
                if (parameter.legacy() != null) {
                    final String field = switch (parameter.legacy()) {
                        case BEAM_WIDTH -> "beamWidth";
                        case BRANCHING -> "branching";
                        case MAX_DEPTH -> "maxDepth";
                        case MAX_REVISIONS -> "maxRevisions";
                    };
                    assertThat(schema.getField(field).defaultVal()).as(descriptor.name() + "." + parameter.name())
                            .isEqualTo(parameter.defaultValue());
                }
            }
        }
    }

    @Test
    void anAvroStrategyResolvesFromItsFixedFieldsAndTheParameterMapTakesPrecedence() {
        final Strategy avro = Strategy.newBuilder().setName("beam").setBeamWidth(3).setBranching(4).setMaxDepth(12)
                .setMaxRevisions(1).setParams(Map.of("branching", "5")).build();

        final ResolvedStrategy resolved = registry.resolve(avro);

        assertThat(resolved.parameters().values())
                .containsExactly(Map.entry("beam-width", 3), Map.entry("branching", 5), Map.entry("max-depth", 12),
                        Map.entry("max-revisions", 1));
    }

    @Test
    void anAvroStrategyWithNothingSetSearchesLikeATextPromptWithNothingSet() {
        assertThat(registry.resolve(Strategy.newBuilder().build())).isEqualTo(registry.resolve(null, Map.of()));
        assertThat(registry.resolve(Strategy.newBuilder().setName("best-of-n").build()))
                .isEqualTo(registry.resolve("best-of-n", Map.of()));
    }

    @Test
    void clientsMayUseAnAliasOrSnakeCase() {
        final ResolvedStrategy resolved = registry.resolve("best-of-n", Map.of("beam_width", "8", "MAX_DEPTH", "20"));
        assertThat(registry.resolve("majority", Map.of("N", "5")).parameters().intValue("n")).isEqualTo(5);

        assertThat(resolved.parameters().intValue("n")).isEqualTo(8);
        assertThat(resolved.parameters().intValue("max-depth")).isEqualTo(20);
    }

    @Test
    void toAvroWritesEveryValueToTheMapAndTheTiedOnesToTheFixedFieldsSoOldReadersSearchTheSame() {
        final Strategy avro = registry.toAvro(registry.resolve("beam", Map.of("beam-width", "4")));

        assertThat(avro.getName()).isEqualTo("beam");
        assertThat(avro.getParams()).containsExactly(Map.entry("beam-width", "4"), Map.entry("branching", "3"),
                Map.entry("max-depth", "40"), Map.entry("max-revisions", "2"));
        assertThat(avro.getBeamWidth()).isEqualTo(4);
        assertThat(registry.resolve(avro)).isEqualTo(registry.resolve("beam", Map.of("beam-width", "4")));
        // A strategy without tied parameters leaves the fixed fields at their defaults, which it ignores.
        final Strategy majority = registry.toAvro(registry.resolve("majority", Map.of("n", "16")));
        assertThat(registry.resolve(majority).parameters().intValue("n")).isEqualTo(16);
    }

    @Test
    void anUnknownStrategyNamesTheKnownOnes() {
        assertThatThrownBy(() -> registry.resolve("greedy", Map.of()))
                .isInstanceOfSatisfying(RejectedInputException.class, e -> assertThat(e.code()).isEqualTo("unknown-strategy"))
                .hasMessageContaining("Unknown strategy 'greedy'; known: auto, revise, beam, best-of-n,");
    }

    @Test
    void aParameterTheStrategyDoesNotHaveIsRejectedWithItsParameters() {
        assertThatThrownBy(() -> registry.resolve("best-of-n", Map.of("branching", "3")))
                .isInstanceOfSatisfying(RejectedInputException.class, e -> assertThat(e.code()).isEqualTo("invalid-strategy"))
                .hasMessageContaining("Strategy best-of-n has no parameter 'branching'; its parameters: n, max-depth");
    }

    @Test
    void valuesOfTheWrongTypeOrOutOfRangeAreRejected() {
        assertThatThrownBy(() -> registry.resolve("beam", Map.of("beam-width", "two")))
                .hasMessageContaining("Parameter beam-width of strategy beam must be a whole number, got 'two'");
        assertThatThrownBy(() -> registry.resolve("beam", Map.of("beam-width", "0")))
                .hasMessageContaining("must be in [1, 16], got 0");
        assertThatThrownBy(() -> registry.resolve(Strategy.newBuilder().setName("beam").setBranching(99).build()))
                .hasMessageContaining("Parameter branching of strategy beam must be in [1, 16], got 99");
        assertThatThrownBy(() -> registry.resolve("beam", Map.of("beam-width", "2", "beam_width", "3")))
                .hasMessageContaining("given twice");
    }

    @Test
    void parameterNamesListEveryNameAndAliasWithTheStrategiesThatTakeIt() {
        assertThat(registry.parameterNames()).containsEntry("beam-width", List.of("beam", "best-of-n", "lookahead"))
                .containsEntry("n", List.of("best-of-n", "weighted-best-of-n", "majority"))
                .containsEntry("branching", List.of("beam", "lookahead")).containsEntry("probe", List.of("auto"));
    }

    @Test
    void helpTextsSayTypeRangeAndDefault() {
        assertThat(BeamSearch.BEAM_WIDTH.typeAndDefault()).isEqualTo("integer in [1, 16], default 2");
        assertThat(Parameter.real("t", 0.5, 0, 1, "d").typeAndDefault()).isEqualTo("number in [0, 1], default 0.5");
        assertThat(Parameter.flag("f", true, "d").typeAndDefault()).isEqualTo("true or false, default true");
    }
}
