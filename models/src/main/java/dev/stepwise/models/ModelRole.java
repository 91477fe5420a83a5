package dev.stepwise.models;

import java.util.Locale;

/**
 * The three roles a model takes in a reasoning search. Each may be served by a different server and model: a role's
 * settings are the shared {@code openai.*} keys, overridden by the keys under its {@link #prefix()} (see
 * {@link ModelBackendConfig}).
 */
public enum ModelRole {
    /** Writes candidate next steps. */
    PROPOSER,
    /** Scores a step, or the final answer of a finished chain. */
    VERIFIER,
    /** Rewrites a rejected step. */
    REVISER;

    /** The role in lower case, e.g. {@code verifier}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Prefix of the keys that override a shared key for this role, e.g. {@code verifier.} as in {@code verifier.openai.model}. */
    public String prefix() {
        return id() + ".";
    }
}
