package dev.stepwise.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stepwise.bench.GridConfig.StrategySpec;
import dev.stepwise.search.strategy.Parameter;
import dev.stepwise.search.strategy.StrategyDescriptor;
import dev.stepwise.search.strategy.StrategyState;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KnobsTest {

    /** A strategy of our own, so the test does not depend on how the shipped ones are tuned. */
    private static final StrategyDescriptor CHAINS = new StrategyDescriptor("chains", "n chains",
            List.of(Parameter.integer("n", 4, 1, 64, "chains"), Parameter.integer("max-n", 8, 1, 64, "most chains"),
                    Parameter.flag("fast", false, "a flag")),
            StrategyState.class, p -> null);

    @Test
    void theKnobGrowsWithTheBudgetFromOneUnitUpAndStaysInItsRange() {
        final StrategySpec spec = new StrategySpec("chains", Map.of("n", 1.0, "max-n", 2.0), 10, 3, Map.of());
        assertThat(Knobs.params(spec, CHAINS, 8)).containsEntry("n", "1").containsEntry("max-n", "2");
        assertThat(Knobs.params(spec, CHAINS, 64)).containsEntry("n", "6").containsEntry("max-n", "12");
        assertThat(Knobs.params(spec, CHAINS, 512)).containsEntry("n", "51").containsEntry("max-n", "64");
        assertThat(spec.maxModelCalls(64)).isEqualTo(192);
    }

    @Test
    void aStrategyWithoutAKnobGetsItsFixedParametersAndTheBudgetAsItsCap() {
        final StrategySpec spec = new StrategySpec("chains", Map.of(), 0, 0, Map.of("n", "3"));
        assertThat(Knobs.params(spec, CHAINS, 512)).isEqualTo(Map.of("n", "3"));
        assertThat(spec.maxModelCalls(512)).isEqualTo(512);
        assertThat(Knobs.text(Map.of("n", "3"), 512)).isEqualTo("n=3 max-model-calls=512");
    }

    @Test
    void aKnobOnAnUnknownParameterOrAFlagIsRejected() {
        assertThatThrownBy(() -> Knobs.params(new StrategySpec("chains", Map.of("width", 1.0), 10, 1, Map.of()), CHAINS, 64))
                .hasMessageContaining("no parameter 'width'");
        assertThatThrownBy(() -> Knobs.params(new StrategySpec("chains", Map.of("fast", 1.0), 10, 1, Map.of()), CHAINS, 64))
                .hasMessageContaining("is a flag");
    }
}
