package dev.stepwise.topology.search;

import dev.stepwise.schemas.avro.Vote;
import dev.stepwise.topology.search.SearchPolicy.StopCause;
import dev.stepwise.topology.search.SearchTree.Judged;
import dev.stepwise.topology.search.SearchTree.Step;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The few visible lines of an answer: the answer, how much search it took and what it cost, and
 * what cut it short. Like o1's visible summary, it never repeats the chain of steps itself; that
 * stays on the step topics for whoever is allowed to read them.
 */
final class Summaries {

    /** Votes listed in the summary; the answer record carries all of them. */
    private static final int VOTES_SHOWN = 3;

    private Summaries() {
    }

    static String of(final SearchTree tree, final StopCause cause, final AnswerVote.Result vote,
                     final boolean budgetExhausted, final long now) {
        final StringBuilder out = new StringBuilder();
        final int chains = tree.finished.size();
        if (vote.hasAnswer()) {
            final Vote winner = vote.votes().get(0);
            out.append("Answer: ").append(vote.answer()).append(" (confidence ").append(SearchPolicy.score(vote.confidence()))
                    .append(": ").append(winner.getChains()).append(" of ").append(SearchPolicy.plural(chains, "finished chain"))
                    .append(").\n");
        } else {
            out.append("No answer: ").append(noAnswerReason(tree, cause)).append('\n');
        }
        out.append(searchLine(tree)).append(' ').append(voteLine(vote)).append('\n');
        out.append("Used ").append(tree.callsMade).append(" of ").append(tree.maxModelCalls).append(" model calls and ")
                .append(tree.tokens).append(" tokens in ").append(seconds(now - tree.submittedAt)).append(".\n");
        out.append(stopLine(tree, cause, budgetExhausted));
        return out.toString();
    }

    static String ofError(final SearchTree tree, final String error, final long now) {
        return "No answer: the proposer could not work on this problem: " + error + "\n"
                + "Stopped after " + SearchPolicy.plural(tree.callsMade, "model call") + " and " + tree.tokens
                + " tokens in " + seconds(now - tree.submittedAt) + ".";
    }

    private static String searchLine(final SearchTree tree) {
        final int levels = tree.steps.values().stream().mapToInt(s -> s.depth + 1).max().orElse(0);
        final String how = SearchPolicy.isBeam(tree)
                ? "Beam search (width " + tree.beamWidth + ", branching " + tree.branching + ")"
                : "Best-of-" + tree.beamWidth;
        final StringBuilder line = new StringBuilder(how).append(": ")
                .append(SearchPolicy.plural(levels, "level")).append(", ")
                .append(tree.stepsProposed).append(" steps proposed, ")
                .append(tree.stepsRejected).append(" rejected, ")
                .append(tree.stepsRevised).append(" revised, ")
                .append(tree.stepsPruned).append(" pruned");
        if (tree.stepsMerged > 0) {
            // Duplicates are pruned but not lost: they count as agreeing samples in the vote.
            line.append(" (").append(tree.stepsMerged).append(" as duplicates of a kept step)");
        }
        if (tree.verdictTimeouts > 0) {
            line.append(", ").append(tree.verdictTimeouts).append(" unverified (verdict timeout)");
        }
        if (tree.requestTimeouts > 0) {
            line.append(", ").append(SearchPolicy.plural(tree.requestTimeouts, "request")).append(" timed out");
        }
        return line.append(';').toString();
    }

    private static String voteLine(final AnswerVote.Result vote) {
        if (vote.votes().isEmpty()) {
            return "no chain finished.";
        }
        final int chains = vote.votes().stream().mapToInt(Vote::getChains).sum();
        final String shown = vote.votes().stream().limit(VOTES_SHOWN)
                .map(v -> v.getAnswer() + " x" + v.getChains() + " (" + SearchPolicy.score(v.getWeight()) + ")")
                .collect(Collectors.joining(", "));
        final String more = vote.votes().size() > VOTES_SHOWN ? ", ..." : "";
        return SearchPolicy.plural(chains, "chain") + " finished, voting " + shown + more + ".";
    }

    private static String stopLine(final SearchTree tree, final StopCause cause, final boolean budgetExhausted) {
        return switch (cause) {
            case DEADLINE -> "Cut short by the deadline" + bestPartial(tree).map(s -> " at depth " + s.depth
                    + " of the best partial chain").orElse("") + ".";
            case CALL_BUDGET -> "Cut short: the budget of " + tree.maxModelCalls + " model calls could not pay for another step.";
            case TOKEN_BUDGET -> "Cut short: the budget of " + tree.maxTokens + " tokens was spent.";
            case MAX_DEPTH -> "Stopped at the maximum depth of " + tree.maxDepth + " steps"
                    + (budgetExhausted ? "; the budget also limited the search." : ".");
            case ENOUGH_FINISHED, NOTHING_TO_EXPAND, ALL_CHAINS_DONE -> budgetExhausted
                    ? "The budget limited the search (fewer samples or revisions than asked for)."
                    : "Neither the budget nor the deadline cut it short.";
        };
    }

    private static String noAnswerReason(final SearchTree tree, final StopCause cause) {
        final String why = switch (cause) {
            case DEADLINE -> "the deadline passed before any chain finished";
            case CALL_BUDGET -> "the model-call budget ran out before any chain finished";
            case TOKEN_BUDGET -> "the token budget ran out before any chain finished";
            case MAX_DEPTH -> "no chain finished within " + tree.maxDepth + " steps";
            case ENOUGH_FINISHED, NOTHING_TO_EXPAND, ALL_CHAINS_DONE -> "every chain was rejected or dropped before it finished";
        };
        return why + bestPartial(tree).map(s -> "; the best partial chain had " + SearchPolicy.plural(s.depth + 1, "step")
                + " (chain score " + SearchPolicy.score(s.chainScore) + ").").orElse(".");
    }

    /** The deepest accepted step, best chain score first among equals. */
    private static Optional<Step> bestPartial(final SearchTree tree) {
        final List<Step> accepted = tree.steps.values().stream().filter(s -> s.judged == Judged.ACCEPTED).toList();
        return accepted.stream().max(Comparator.comparingInt((Step s) -> s.depth)
                .thenComparingDouble(s -> s.chainScore)
                .thenComparing(s -> s.id, Comparator.reverseOrder()));
    }

    private static String seconds(final long millis) {
        return String.format(Locale.ROOT, "%.1f s", Math.max(0, millis) / 1000.0);
    }
}
