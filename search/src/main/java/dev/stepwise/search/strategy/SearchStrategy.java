package dev.stepwise.search.strategy;

import dev.stepwise.schemas.avro.VerificationKind;
import dev.stepwise.search.AnswerVote;
import dev.stepwise.search.Request;
import dev.stepwise.search.Search;
import dev.stepwise.search.Step;
import java.util.List;

/**
 * One way of spending test-time compute on a prompt. It answers three questions, and nothing else:
 * what to ask for next (when the search starts, and when a request it made is complete), when to
 * stop, and how to pick the answer. Everything around it — taking events in, dropping duplicates,
 * waiting for late replies and asking again for lost ones, the budget, the deadline, the decision
 * log and the answer record — is the engine's ({@code SearchEngine}), which the strategy reaches
 * through {@link Search}.
 *
 * <p>A strategy object is made per prompt from its resolved parameters and holds nothing else; what
 * it must remember between events lives in its typed {@link StrategyState}, stored with the tree.
 * Implementations are pure: the same tree and event make the same requests and decisions.
 *
 * @param <S> its state
 */
public interface SearchStrategy<S extends StrategyState> {

    /** Starts a search: makes the first requests through {@code search} and returns the initial state. */
    S start(Search search);

    /**
     * Every sample of {@code request} has arrived, each with the verifications its plan asked for (or
     * the search is being answered): decide what to do with them. {@code steps} are in arrival order.
     */
    void onRequestDone(Search search, S state, Request request, List<Step> steps);

    /**
     * A state that takes over a search whose first request someone else made ({@code auto}'s probe: samples of
     * the first step, chain 0, verified step by step), so that its samples are not wasted; the caller then hands
     * the request's completion to {@link #onRequestDone}. Null when this strategy cannot continue from it.
     */
    default S adopt(final Search search, final Request first) {
        return null;
    }

    /** A verification this strategy asked for itself ({@link Search#verify}) came back. */
    default void onVerified(final Search search, final S state, final Step step, final VerificationKind kind) {
    }

    /** The answer, from the chains the search finished. */
    AnswerVote.Result pick(Search search, S state);

    /** How it searches, in one line, for the START decision and the answer's summary, e.g. "Beam search (width 2, ...)". */
    String describe();
}
