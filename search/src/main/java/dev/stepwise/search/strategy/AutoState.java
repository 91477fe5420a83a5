package dev.stepwise.search.strategy;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonAutoDetect.Visibility;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.LinkedHashMap;

/** What {@link Auto} remembers: what the probe showed, what it chose, and the chosen strategy's own state. */
@JsonAutoDetect(fieldVisibility = Visibility.ANY, getterVisibility = Visibility.NONE,
        isGetterVisibility = Visibility.NONE, setterVisibility = Visibility.NONE)
@JsonIgnoreProperties(ignoreUnknown = true)
public final class AutoState implements StrategyState {

    /** The estimated difficulty in [0,1] and the verifier kind the probe showed ("exact" or "graded"). */
    double estimate;
    String verifier;
    /** The strategy searching now, its parameters, and its state; null while probing. */
    String chosen;
    LinkedHashMap<String, String> params = new LinkedHashMap<>();
    StrategyState sub;
    /** True once the cheap strategy gave up and auto escalated. */
    boolean escalated;

    public double estimate() {
        return estimate;
    }

    public String verifier() {
        return verifier;
    }

    /** The strategy searching now, or null while probing. */
    public String chosen() {
        return chosen;
    }

    public boolean escalated() {
        return escalated;
    }
}
