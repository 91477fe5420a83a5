package dev.stepwise.search;

import com.fasterxml.jackson.annotation.JsonAutoDetect.Visibility;
import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The model calls and tokens one prompt spent, by role, and the calls it has committed to. A call is
 * reserved when the search asks for it (a sample, its verification, a revision, a retry) and counted
 * when its result arrives; nothing is asked for that the reservation cannot pay for, so the calls
 * made never exceed the budget.
 */
@JsonAutoDetect(fieldVisibility = Visibility.ANY, getterVisibility = Visibility.NONE,
        isGetterVisibility = Visibility.NONE, setterVisibility = Visibility.NONE)
@JsonIgnoreProperties(ignoreUnknown = true)
final class CallLedger {

    /** The roles calls are counted under, as in {@code AnswerPublished.callsByRole}. */
    static final String PROPOSER = "proposer";
    static final String VERIFIER = "verifier";
    static final String REVISER = "reviser";

    private int reserved;
    private LinkedHashMap<String, Integer> made = new LinkedHashMap<>();
    private long tokens;

    /** Commits {@code calls} more calls of the budget. */
    void reserve(final int calls) {
        reserved += calls;
    }

    /** Gives back calls reserved for a result that will not come (e.g. no outcome check for a non-terminal step). */
    void release(final int calls) {
        reserved = Math.max(made(), reserved - calls);
    }

    /** A result arrived: one call of {@code role} that used {@code callTokens} tokens. */
    void count(final String role, final int callTokens) {
        made.merge(role, 1, Integer::sum);
        tokens += callTokens;
        // A reply nobody reserved for (a duplicate beyond the retries paid for) still happened.
        reserved = Math.max(reserved, made());
    }

    /** True when {@code calls} more can be reserved within {@code maxCalls} and tokens are left. */
    boolean affords(final int calls, final int maxCalls, final long maxTokens) {
        return tokens < maxTokens && reserved + calls <= maxCalls;
    }

    int reserved() {
        return reserved;
    }

    int made() {
        return made.values().stream().mapToInt(Integer::intValue).sum();
    }

    long tokens() {
        return tokens;
    }

    Map<String, Integer> byRole() {
        return Collections.unmodifiableMap(made);
    }
}
