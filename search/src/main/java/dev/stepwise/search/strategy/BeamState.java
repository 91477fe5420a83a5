package dev.stepwise.search.strategy;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonAutoDetect.Visibility;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/** What {@link BeamSearch} remembers about one prompt between events. */
@JsonAutoDetect(fieldVisibility = Visibility.ANY, getterVisibility = Visibility.NONE,
        isGetterVisibility = Visibility.NONE, setterVisibility = Visibility.NONE)
@JsonIgnoreProperties(ignoreUnknown = true)
public final class BeamState implements StrategyState {

    /** The depth being resolved. */
    int level;
    /** The requests of that depth that are not complete yet; the level is decided when none is left. */
    List<String> pending = new ArrayList<>();
    /**
     * Revisions asked for per chain and depth ({@code <chainId>@<depth>}), at the depth being resolved only:
     * this state is stored on every event, so it holds nothing that grows with the tree.
     */
    LinkedHashMap<String, Integer> revisions = new LinkedHashMap<>();
    /** What each kept step stands for, by step id: the steps kept at the last level, and the finished chains. */
    LinkedHashMap<String, Held> held = new LinkedHashMap<>();

    /**
     * A kept step's share of the beam.
     * <ul>
     *   <li>{@code agreement}: the accepted samples it stands for, itself and the identical ones (same
     *       parent, same normalised text) merged into it when its level was decided;</li>
     *   <li>{@code slots}: the beam slots it holds, one per agreeing sample up to the slots that were
     *       left; it is expanded with {@code branching} samples per slot, and when it finishes its
     *       chain it fills that many slots of the beam width;</li>
     *   <li>{@code mergedScore}: the sum of the chain scores of the samples merged into it, so that the
     *       vote counts every agreeing sample as Snell's weighted vote does.</li>
     * </ul>
     */
    @JsonAutoDetect(fieldVisibility = Visibility.ANY, getterVisibility = Visibility.NONE,
            isGetterVisibility = Visibility.NONE, setterVisibility = Visibility.NONE)
    @JsonIgnoreProperties(ignoreUnknown = true)
    static final class Held {
        int agreement = 1;
        int slots = 1;
        double mergedScore;
    }

    /** The depth being resolved. */
    public int level() {
        return level;
    }

    Held held(final String stepId) {
        return held.getOrDefault(stepId, new Held());
    }
}
