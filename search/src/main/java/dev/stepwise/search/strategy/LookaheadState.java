package dev.stepwise.search.strategy;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonAutoDetect.Visibility;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/** What {@link Lookahead} remembers: the level, its phase, and each candidate's rollout. */
@JsonAutoDetect(fieldVisibility = Visibility.ANY, getterVisibility = Visibility.NONE,
        isGetterVisibility = Visibility.NONE, setterVisibility = Visibility.NONE)
@JsonIgnoreProperties(ignoreUnknown = true)
public final class LookaheadState implements StrategyState {

    /** The depth being decided. */
    int level;
    /** True while the level's candidates are being rolled out (after they were all verified). */
    boolean rollingOut;
    /** Requests of this phase that are not complete yet. */
    List<String> pending = new ArrayList<>();
    /** Accepted candidates of the level, in order; each is a lane whose rollout runs under its index. */
    List<String> candidates = new ArrayList<>();
    /** Each candidate's value so far: the min of its score and its rollout's scores. */
    LinkedHashMap<String, Double> value = new LinkedHashMap<>();
    /** Rollout steps taken per candidate. */
    LinkedHashMap<String, Integer> rolled = new LinkedHashMap<>();

    public int level() {
        return level;
    }
}
