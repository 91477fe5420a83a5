package dev.stepwise.search.strategy;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonAutoDetect.Visibility;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.TreeSet;

/**
 * What a strategy that samples independent chains (lanes) remembers: which chains are still going and how many
 * it started. Each such strategy has its own subclass, so the tree's JSON names the strategy it belongs to.
 */
@JsonAutoDetect(fieldVisibility = Visibility.ANY, getterVisibility = Visibility.NONE,
        isGetterVisibility = Visibility.NONE, setterVisibility = Visibility.NONE)
@JsonIgnoreProperties(ignoreUnknown = true)
public abstract class LanesState implements StrategyState {

    /** The chains still going: neither finished nor ended. */
    TreeSet<Integer> active = new TreeSet<>();
    /** Chains started so far; the next one is numbered this. */
    int started;

    /** The number of chains still going. */
    public int activeChains() {
        return active.size();
    }

    /** The number of chains started so far. */
    public int startedChains() {
        return started;
    }
}
