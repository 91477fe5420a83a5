package dev.stepwise.search;

import com.fasterxml.jackson.annotation.JsonAutoDetect.Visibility;
import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.stepwise.schemas.avro.VerificationKind;

/**
 * One asked-for verification of a step: pending until its verdict comes.
 * Part of a {@link Step}.
 */
@JsonAutoDetect(fieldVisibility = Visibility.ANY, getterVisibility = Visibility.NONE,
        isGetterVisibility = Visibility.NONE, setterVisibility = Visibility.NONE)
@JsonIgnoreProperties(ignoreUnknown = true)
public final class Check {
    VerificationKind kind = VerificationKind.STEP;
    long askedAt;
    int retries;
    boolean waiting;
    /** True when the strategy asked for it itself (not through a request's plan), so it is told of the verdict. */
    boolean byStrategy;
    boolean done;
    double score;
    boolean accepted;
    String rationale;

    public VerificationKind kind() {
        return kind;
    }

    public boolean isDone() {
        return done;
    }

    public double score() {
        return score;
    }

    public boolean accepted() {
        return done && accepted;
    }

    public String rationale() {
        return rationale;
    }
}
