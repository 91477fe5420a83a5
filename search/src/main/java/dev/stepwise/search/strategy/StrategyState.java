package dev.stepwise.search.strategy;

import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * A strategy's own state for one prompt, stored in the search tree next to the engine's. Each
 * strategy has its own typed class (declared with it in the registry, which registers it with the
 * tree's JSON mapper under the strategy's name), so no strategy reads or writes another's fields.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "strategy")
public interface StrategyState {
}
