package dev.stepwise.search;

import com.fasterxml.jackson.annotation.JsonAutoDetect.Visibility;
import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.stepwise.schemas.avro.VerificationPlan;
import java.util.ArrayList;
import java.util.List;

/**
 * One request for steps (a proposal) or for a revision of a rejected step.
 * An entry of a {@link SearchTree}, stored apart from its summary; changed only through the tree.
 */
@JsonAutoDetect(fieldVisibility = Visibility.ANY, getterVisibility = Visibility.NONE,
        isGetterVisibility = Visibility.NONE, setterVisibility = Visibility.NONE)
@JsonIgnoreProperties(ignoreUnknown = true)
public final class Request {
    /** Its place in the order the tree's entries were added, so that a tree read back from them iterates alike. */
    int seq;
    String id;
    SearchTree.RequestKind kind = SearchTree.RequestKind.PROPOSAL;
    String chainId;
    String parentStepId;
    int depth;
    int samples;
    /** An independent chain's number, for strategies that run several side by side. */
    int lane;
    VerificationPlan verification = VerificationPlan.STEP;
    /** Revisions: the rejected step, which revision of its chain at its depth this is, and what to send again on a retry. */
    String revisionOf;
    int attempt;
    String rejectedText;
    String critique;
    /** When it was last sent, and how often it was sent again. */
    long askedAt;
    int retries;
    /** True once the budget could not pay for sending it again: it is waited for until the deadline. */
    boolean waiting;
    List<String> arrived = new ArrayList<>();
    /** True once every sample arrived with the verifications its plan asked for, and the strategy was told. */
    boolean done;

    public String id() {
        return id;
    }

    public SearchTree.RequestKind kind() {
        return kind;
    }

    public String chainId() {
        return chainId;
    }

    public int depth() {
        return depth;
    }

    public int samples() {
        return samples;
    }

    public int lane() {
        return lane;
    }

    public VerificationPlan verification() {
        return verification;
    }

    public String revisionOf() {
        return revisionOf;
    }

    public int attempt() {
        return attempt;
    }

    public boolean isDone() {
        return done;
    }

    boolean allArrived() {
        return arrived.size() >= samples;
    }
}
