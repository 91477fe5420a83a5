package dev.stepwise.search;

import dev.stepwise.schemas.avro.Vote;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

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

    static String of(final SearchTree tree, final String strategy, final StopCause cause, final String stopReason,
                     final AnswerVote.Result vote, final boolean budgetExhausted, final long now) {
        final StringBuilder out = new StringBuilder();
        final int chains = tree.finished.size();
        if (vote.hasAnswer()) {
            final Vote winner = vote.votes().get(0);
            out.append("Answer: ").append(vote.answer()).append(" (confidence ").append(Search.score(vote.confidence()))
                    .append(": ").append(winner.getChains()).append(" of ").append(Search.plural(chains, "finished chain"))
                    .append(").\n");
        } else {
            out.append("No answer: ").append(noAnswerReason(tree, cause)).append('\n');
        }
        out.append(searchLine(tree, strategy)).append(' ').append(voteLine(vote)).append('\n');
        out.append("Used ").append(tree.calls.made()).append(" of ").append(tree.maxModelCalls).append(" model calls")
                .append(roles(tree.calls.byRole())).append(" and ").append(tree.calls.tokens()).append(" tokens in ")
                .append(seconds(now - tree.submittedAt)).append(".\n");
        out.append(stopLine(tree, cause, stopReason, budgetExhausted));
        return out.toString();
    }

    static String ofError(final SearchTree tree, final String error, final long now) {
        return "No answer: " + error + "\n"
                + "Stopped after " + Search.plural(tree.calls.made(), "model call") + " and " + tree.calls.tokens()
                + " tokens in " + seconds(now - tree.submittedAt) + ".";
    }

    /** The STOP decision's reason when the strategy gave none. */
    static String stopReason(final SearchTree tree, final StopCause cause) {
        return switch (cause) {
            case ENOUGH_FINISHED -> Search.plural(tree.finished.size(), "chain") + " finished.";
            case NOTHING_TO_EXPAND -> "No accepted chain is left to extend.";
            case MAX_DEPTH -> "Reached the maximum depth.";
            case CALL_BUDGET -> "The model-call budget (" + tree.maxModelCalls + ") cannot pay for another sample.";
            case TOKEN_BUDGET -> "The token budget (" + tree.maxTokens + ") is spent.";
            case DEADLINE -> "The deadline passed." + awaited(tree).map(a -> " " + a + ".").orElse("");
            case ALL_CHAINS_DONE -> "Every chain has finished or been dropped.";
            case CANCELLED -> "The client cancelled the prompt.";
            case ERROR -> "The backend could not work on the problem.";
            case REJECTED -> "The prompt was rejected.";
        };
    }

    private static String roles(final Map<String, Integer> byRole) {
        if (byRole.isEmpty()) {
            return "";
        }
        return " (" + byRole.entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
                .collect(Collectors.joining(", ")) + ")";
    }

    private static String searchLine(final SearchTree tree, final String strategy) {
        final int levels = tree.steps.values().stream().mapToInt(s -> s.depth + 1).max().orElse(0);
        final StringBuilder line = new StringBuilder(strategy).append(": ")
                .append(Search.plural(levels, "level")).append(", ")
                .append(tree.stepsProposed).append(" steps proposed, ")
                .append(tree.stepsRejected).append(" rejected, ")
                .append(tree.stepsRevised).append(" revised, ")
                .append(tree.stepsPruned).append(" pruned");
        if (tree.stepsMerged > 0) {
            // Duplicates are pruned but not lost: they count as agreeing samples in the vote.
            line.append(" (").append(tree.stepsMerged).append(" as duplicates of a kept step)");
        }
        if (tree.retries > 0) {
            line.append(", ").append(plural(tree.retries, "retry", "retries"))
                    .append(" of late or lost work");
        }
        return line.append(';').toString();
    }

    private static String voteLine(final AnswerVote.Result vote) {
        if (vote.votes().isEmpty()) {
            return "no chain finished.";
        }
        final int chains = vote.votes().stream().mapToInt(Vote::getChains).sum();
        final String shown = vote.votes().stream().limit(VOTES_SHOWN)
                .map(v -> v.getAnswer() + " x" + v.getChains() + " (" + Search.score(v.getWeight()) + ")")
                .collect(Collectors.joining(", "));
        final String more = vote.votes().size() > VOTES_SHOWN ? ", ..." : "";
        return Search.plural(chains, "chain") + " finished, voting " + shown + more + ".";
    }

    private static String stopLine(final SearchTree tree, final StopCause cause, final String stopReason,
                                   final boolean budgetExhausted) {
        final String budgetNote = budgetExhausted ? " The budget also limited the search." : "";
        return switch (cause) {
            case DEADLINE -> "Cut short by the deadline" + bestPartial(tree).map(s -> " at depth " + s.depth
                    + " of the best partial chain").orElse("") + "." + awaited(tree).map(a -> " " + a + ".").orElse("");
            case CALL_BUDGET -> "Cut short: the budget of " + tree.maxModelCalls + " model calls could not pay for another step.";
            case TOKEN_BUDGET -> "Cut short: the budget of " + tree.maxTokens + " tokens was spent.";
            case MAX_DEPTH, CANCELLED -> "Stopped: " + stopReason + budgetNote;
            case ENOUGH_FINISHED, NOTHING_TO_EXPAND, ALL_CHAINS_DONE, ERROR, REJECTED -> budgetExhausted
                    ? "The budget limited the search (fewer samples, revisions or retries than asked for)."
                    : "Neither the budget nor the deadline cut it short.";
        };
    }

    private static String noAnswerReason(final SearchTree tree, final StopCause cause) {
        final String why = switch (cause) {
            case DEADLINE -> "the deadline passed before any chain finished";
            case CALL_BUDGET -> "the model-call budget ran out before any chain finished";
            case TOKEN_BUDGET -> "the token budget ran out before any chain finished";
            case MAX_DEPTH -> "no chain finished within the maximum depth";
            case CANCELLED -> "the prompt was cancelled before any chain finished";
            case ENOUGH_FINISHED, NOTHING_TO_EXPAND, ALL_CHAINS_DONE, ERROR, REJECTED ->
                    "every chain was rejected or dropped before it finished";
        };
        return why + bestPartial(tree).map(s -> "; the best partial chain had " + Search.plural(s.depth + 1, "step")
                + " (chain score " + Search.score(s.chainScore) + ").").orElse(".");
    }

    /** What was still awaited, when the budget could not pay for asking again: the reason a deadline ended the search. */
    private static Optional<String> awaited(final SearchTree tree) {
        final long requests = tree.requests.values().stream().filter(r -> r.waiting).count();
        final long checks = tree.steps.values().stream()
                .flatMap(s -> Stream.of(s.check, s.outcome))
                .filter(c -> c != null && c.waiting).count();
        if (requests + checks == 0) {
            return Optional.empty();
        }
        return Optional.of(plural((int) (requests + checks), "reply", "replies")
                + " never came and the budget could not pay for asking again");
    }

    /** The deepest accepted step, best chain score first among equals. */
    private static Optional<Step> bestPartial(final SearchTree tree) {
        final List<Step> accepted = tree.steps.values().stream().filter(Step::accepted).toList();
        return accepted.stream().max(Comparator.comparingInt((Step s) -> s.depth)
                .thenComparingDouble(s -> s.chainScore)
                .thenComparing(s -> s.id, Comparator.reverseOrder()));
    }

    private static String plural(final int n, final String one, final String many) {
        return n + " " + (n == 1 ? one : many);
    }

    private static String seconds(final long millis) {
        return String.format(Locale.ROOT, "%.1f s", Math.max(0, millis) / 1000.0);
    }
}
