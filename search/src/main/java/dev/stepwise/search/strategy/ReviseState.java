package dev.stepwise.search.strategy;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonAutoDetect.Visibility;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.LinkedHashMap;

/** What {@link Revise} remembers about one prompt between events. */
@JsonAutoDetect(fieldVisibility = Visibility.ANY, getterVisibility = Visibility.NONE,
        isGetterVisibility = Visibility.NONE, setterVisibility = Visibility.NONE)
@JsonIgnoreProperties(ignoreUnknown = true)
public final class ReviseState implements StrategyState {

    /** The attempt (chain) being built, from 0; every attempt is a lane. */
    int attempt;
    /** Attempts that finished with an answer, and attempts abandoned after their revisions ran out. */
    int finished;
    int abandoned;
    /** Steps the verifier rejected so far, over all attempts. */
    int rejections;
    /** Revisions asked for per attempt and depth ({@code <attempt>@<depth>}), for the chain's current depth only. */
    LinkedHashMap<String, Integer> revisions = new LinkedHashMap<>();
    /** True once an attempt was abandoned and the strategy was told to hand over instead of starting another. */
    boolean handOver;

    public int finishedAttempts() {
        return finished;
    }

    public int abandonedAttempts() {
        return abandoned;
    }

    public int rejections() {
        return rejections;
    }

    /** True when this search wants a stronger strategy to take over (see {@link Revise}'s hand-over parameter). */
    public boolean wantsHandOver() {
        return handOver;
    }
}
