package dev.stepwise.search;

import com.fasterxml.jackson.annotation.JsonAutoDetect.Visibility;
import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.stepwise.schemas.avro.VerificationKind;

/**
 * One proposed or revised step and what the verifier and the search made of it.
 * An entry of a {@link SearchTree}, stored apart from its summary; changed only through the tree.
 */
@JsonAutoDetect(fieldVisibility = Visibility.ANY, getterVisibility = Visibility.NONE,
        isGetterVisibility = Visibility.NONE, setterVisibility = Visibility.NONE)
@JsonIgnoreProperties(ignoreUnknown = true)
public final class Step {
    /** Its place in the order the tree's entries were added: arrival order, which the strategies go by. */
    int seq;
    String id;
    String requestId;
    String chainId;
    String parentStepId;
    int depth;
    int lane;
    /** Dropped (with the rationale) once the step is pruned: nothing needs it any more. */
    String text;
    boolean terminal;
    String answer;
    String revisionOf;
    long arrivedAt;
    /** The process verification of the step; null when none was asked for. */
    Check check;
    /** The outcome verification of the chain the step ends; null when none was asked for. */
    Check outcome;
    /** The min of the step scores from the root to this step; unverified steps do not lower it. */
    double chainScore = 1.0;
    SearchTree.Fate fate = SearchTree.Fate.OPEN;
    /** True once a revision of this step has been requested. */
    boolean revised;

    public String id() {
        return id;
    }

    public String requestId() {
        return requestId;
    }

    public String chainId() {
        return chainId;
    }

    public String parentStepId() {
        return parentStepId;
    }

    public int depth() {
        return depth;
    }

    public int lane() {
        return lane;
    }

    public String text() {
        return text;
    }

    public boolean terminal() {
        return terminal;
    }

    public String revisionOf() {
        return revisionOf;
    }

    public double chainScore() {
        return chainScore;
    }

    public SearchTree.Fate fate() {
        return fate;
    }

    public boolean revised() {
        return revised;
    }

    /** The step's process verification, or null when none was asked for. */
    public Check check() {
        return check;
    }

    /** The outcome verification of the chain it ends, or null when none was asked for. */
    public Check outcome() {
        return outcome;
    }

    /** Its verifier score, 0 when it has none. */
    public double score() {
        return check != null && check.done ? check.score : 0.0;
    }

    public boolean accepted() {
        return check != null && check.accepted();
    }

    /** Rejected by the verifier (or by the accept threshold). */
    public boolean rejected() {
        return check != null && check.done && !check.accepted;
    }

    /** The answer a terminal step gives: its answer field, else its text, trimmed. */
    public String answer() {
        if (answer != null && !answer.isBlank()) {
            return answer.strip();
        }
        return text == null ? "" : text.strip();
    }

    /** Every verification asked for has its verdict. */
    boolean ready() {
        return (check == null || check.done) && (outcome == null || outcome.done);
    }

    Check check(final VerificationKind kind) {
        return kind == VerificationKind.OUTCOME ? outcome : check;
    }
}
