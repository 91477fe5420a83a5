package dev.stepwise.agents;

import java.util.Locale;

/** The three kinds of stateless agent the search drives. */
public enum AgentKind {
    /**
     * Reads {@code steps.requested}, writes k candidate steps per request to {@code steps.proposed} and, in the
     * same transaction, the verification requests the request's plan asks for to {@code verifications.requested}.
     */
    PROPOSER,
    /** Reads {@code verifications.requested}, writes one verdict per request to {@code steps.verified}. */
    VERIFIER,
    /**
     * Reads {@code revisions.requested}, writes one revised step per request to {@code steps.proposed} and, in the
     * same transaction, its verification request (as the plan says) to {@code verifications.requested}.
     */
    REVISER;

    /**
     * The lower-case name used in group ids, transactional ids, thread names and
     * {@code DeadLetter.component}, e.g. {@code proposer}.
     */
    public String component() {
        return name().toLowerCase(Locale.ROOT);
    }
}
