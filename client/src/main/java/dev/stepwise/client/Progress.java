package dev.stepwise.client;

import dev.stepwise.schemas.avro.SearchDecision;
import dev.stepwise.schemas.avro.SearchProgress;
import java.time.Instant;
import java.util.Objects;

/**
 * Where one prompt's search stands after one of its decisions, in numbers only. This is what a client may
 * show while a search runs: it is built from a {@link SearchDecision} without its reason and its step ids,
 * because a reason can quote the hidden chain.
 *
 * @param promptId       the prompt
 * @param sequence       the decision's position among the prompt's decisions, from 0
 * @param action         what the search did (START, EXPAND, KEEP, ..., STOP, CANCEL)
 * @param depth          steps in the deepest chain so far
 * @param chainsAlive    chains being extended
 * @param finishedChains chains that reached an answer
 * @param modelCalls     model calls made (or committed to) so far
 * @param tokens         tokens used so far
 * @param revisions      revisions asked for so far
 * @param retries        requests asked for again because no reply came in time
 * @param decidedAt      when the decision was made
 */
public record Progress(String promptId, int sequence, String action, int depth, int chainsAlive, int finishedChains,
                       int modelCalls, long tokens, int revisions, int retries, Instant decidedAt) {

    public Progress {
        Objects.requireNonNull(promptId, "promptId");
        Objects.requireNonNull(action, "action");
    }

    /**
     * The numbers of a decision. A decision written before decisions carried progress gives its own call and
     * token counts and its depth; the other numbers are then 0.
     */
    public static Progress of(final SearchDecision decision) {
        final SearchProgress p = decision.getProgress();
        final String action = decision.getAction().name();
        if (p == null) {
            return new Progress(decision.getPromptId(), decision.getSequence(), action,
                    decision.getDepth() == null ? 0 : decision.getDepth() + 1, 0, 0, decision.getModelCalls(),
                    decision.getTokens(), 0, 0, decision.getDecidedAt());
        }
        return new Progress(decision.getPromptId(), decision.getSequence(), action, p.getDepth(), p.getChainsAlive(),
                p.getFinishedChains(), p.getModelCalls(), p.getTokens(), p.getRevisions(), p.getRetries(),
                decision.getDecidedAt());
    }

    /** True when a person would see a difference from {@code other}: any number but the sequence changed. */
    public boolean differsFrom(final Progress other) {
        return other == null || depth != other.depth || chainsAlive != other.chainsAlive
                || finishedChains != other.finishedChains || modelCalls != other.modelCalls || tokens != other.tokens
                || revisions != other.revisions || retries != other.retries;
    }
}
