package dev.stepwise.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stepwise.bench.GridConfig.StrategySpec;
import dev.stepwise.search.strategy.StrategyDescriptor;
import dev.stepwise.search.strategy.StrategyRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GridConfigTest {

    private static final StrategyRegistry REGISTRY = StrategyRegistry.standard();

    @TempDir
    Path dir;

    @Test
    void theDefaultGridSpansEightToFiveHundredTwelveCallsWithDisjointSeeds() {
        final GridConfig grid = GridConfig.defaults();
        assertThat(grid.budgets()).first().isEqualTo(8);
        assertThat(grid.budgets()).last().isEqualTo(512);
        assertThat(grid.verifiers()).extracting(GridConfig.VerifierSpec::name).containsExactly("exact", "noisy");
        assertThat(grid.profiles()).containsExactly("uniform", "realistic");
        assertThat(SeedRange.parse(grid.problems().seeds()).overlap(SeedRange.parse(grid.problems().calibrationSeeds())))
                .isEmpty();
        assertThat(SeedRange.parse(grid.quick().seeds()).overlap(SeedRange.parse(grid.quick().calibrationSeeds()))).isEmpty();
        assertThat(grid.quick().budgets()).contains(grid.headline().referenceBudget());
    }

    @Test
    void everyKnobOfTheDefaultGridIsAParameterItsStrategyDeclaresAtEveryBudget() {
        final GridConfig grid = GridConfig.defaults();
        for (final StrategySpec spec : grid.strategies()) {
            final StrategyDescriptor descriptor = REGISTRY.find(spec.name()).orElse(null);
            if (descriptor == null) {
                // Not written yet: the bench leaves it out and says so.
                continue;
            }
            for (final int budget : grid.budgets()) {
                final Map<String, String> params = Knobs.params(spec, descriptor, budget);
                assertThat(REGISTRY.resolve(spec.name(), params).name()).isEqualTo(spec.name());
            }
        }
    }

    @Test
    void theHeadlineStrategiesAreInTheGrid() {
        final GridConfig grid = GridConfig.defaults();
        assertThat(grid.strategy(grid.headline().candidate())).isNotNull();
        assertThat(grid.strategy(grid.headline().reference())).isNotNull();
        assertThat(grid.strategy(grid.headline().adaptive())).isNotNull();
        assertThat(grid.verifier(grid.pipeline().verifier())).isNotNull();
    }

    @Test
    void aGridFileWithAMisspeltKeyIsRejected() throws Exception {
        final Path file = dir.resolve("grid.json");
        Files.writeString(file, GridConfig.defaults().toJson().replace("\"about\"", "\"abuot\""));
        assertThatThrownBy(() -> GridConfig.read(file)).hasMessageContaining("abuot");
    }

    @Test
    void aGridWrittenAsJsonReadsBackTheSame() throws Exception {
        final Path file = dir.resolve("grid.json");
        Files.writeString(file, GridConfig.defaults().toJson());
        assertThat(GridConfig.read(file)).isEqualTo(GridConfig.defaults());
    }

    @Test
    void budgetsMustAscend() {
        final GridConfig grid = GridConfig.defaults();
        assertThatThrownBy(() -> new GridConfig(grid.about(), List.of(64, 16), grid.strategies(), grid.verifiers(),
                grid.profiles(), grid.problems(), grid.quick(), grid.headline(), grid.pipeline()))
                .hasMessageContaining("ascending");
    }
}
