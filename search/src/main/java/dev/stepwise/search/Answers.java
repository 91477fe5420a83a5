package dev.stepwise.search;

import dev.stepwise.schemas.avro.AnswerPublished;
import dev.stepwise.schemas.avro.SearchAction;
import dev.stepwise.search.SearchTree.Status;
import dev.stepwise.search.strategy.SearchStrategy;
import dev.stepwise.search.strategy.StrategyState;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;

/** How a search ends: the STOP decision, the answer the strategy picks, and the tombstone left behind. */
final class Answers {

    private Answers() {
    }

    static void finish(final SearchTree tree, final SearchStrategy<StrategyState> strategy, final Search search,
                       final StopCause cause) {
        final String reason = search.stopReason() != null ? search.stopReason() : Summaries.stopReason(tree, cause);
        search.decide(SearchAction.STOP, List.copyOf(tree.finished), null, reason);
        final AnswerVote.Result vote = tree.state == null ? AnswerVote.tally(List.of()) : strategy.pick(search, tree.state);
        final boolean budgetExhausted = cause.isBudget() || tree.budgetCut;
        final long now = search.now();
        final String summary = Summaries.of(tree, strategy.describe(), cause, reason, vote, budgetExhausted, now);
        search.commandsAnswer(AnswerPublished.newBuilder()
                .setPromptId(tree.promptId)
                .setAnswer(vote.answer())
                .setSummary(summary)
                .setConfidence(vote.confidence())
                .setVotes(vote.votes())
                .setWinningChain(vote.winningChain())
                .setModelCalls(tree.calls.made())
                .setTokens(tree.calls.tokens())
                .setLatencyMs(Math.max(0, now - tree.submittedAt))
                .setStrategy(tree.strategy)
                .setBudgetExhausted(budgetExhausted)
                .setDeadlineReached(cause == StopCause.DEADLINE)
                .setError(null)
                .setCallsByRole(new LinkedHashMap<>(tree.calls.byRole()))
                .setStopCause(cause.code())
                .setAnsweredAt(Instant.ofEpochMilli(now))
                .build());
        tombstone(tree, now);
    }

    /**
     * Ends the search without an answer because it cannot go on at all.
     *
     * @param what  who could not do what, as the start of a sentence, e.g. "the proposer could not work on this problem"
     * @param error the cause, as the answer's error
     */
    static void finishWithError(final SearchTree tree, final Search search, final String what, final String error) {
        final long now = search.now();
        search.decide(SearchAction.STOP, List.of(), null, capitalised(what) + ": " + error);
        search.commandsAnswer(AnswerPublished.newBuilder()
                .setPromptId(tree.promptId)
                .setAnswer(null)
                .setSummary(Summaries.ofError(tree, what + ": " + error, now))
                .setConfidence(0.0)
                .setVotes(List.of())
                .setWinningChain(List.of())
                .setModelCalls(tree.calls.made())
                .setTokens(tree.calls.tokens())
                .setLatencyMs(Math.max(0, now - tree.submittedAt))
                .setStrategy(tree.strategy)
                .setBudgetExhausted(false)
                .setDeadlineReached(false)
                .setError(error)
                .setCallsByRole(new LinkedHashMap<>(tree.calls.byRole()))
                .setStopCause(StopCause.ERROR.code())
                .setAnsweredAt(Instant.ofEpochMilli(now))
                .build());
        tombstone(tree, now);
    }

    private static String capitalised(final String sentence) {
        return sentence.isEmpty() ? sentence : Character.toUpperCase(sentence.charAt(0)) + sentence.substring(1);
    }

    /** What is left of an answered prompt: enough to ignore what still comes for it. */
    private static void tombstone(final SearchTree tree, final long now) {
        tree.status = Status.ANSWERED;
        tree.answeredAt = now;
        tree.clearEntries();
        tree.finished.clear();
        tree.state = null;
    }
}
