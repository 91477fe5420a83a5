package dev.stepwise.search.strategy;

import dev.stepwise.search.AnswerVote;
import dev.stepwise.search.Search;
import dev.stepwise.search.Step;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Accepted candidates of one level that are the same step extending the same chain: samples that
 * agree. The representative is the member with the best chain score (ties: smallest step id).
 *
 * <p>Why merge: without it, identical samples (common, as most samples are right) fill the beam with
 * copies of one chain that are ranked, expanded and voted on as if unrelated, and with a coarse
 * verifier (scores of 0 or 1) a falsely accepted step ties with the right one and wins or loses on
 * its step id. Agreement between independent samples is the self-consistency evidence that separates
 * them.
 */
record AgreeingSamples(Step representative, List<Step> duplicates) {

    /** Order of accepted candidates (and choice of a group's representative): best chain score first, ties by step id. */
    static final Comparator<Step> BY_CHAIN_SCORE = Comparator.comparingDouble(Step::chainScore).reversed()
            .thenComparing(Step::id);

    /**
     * Ranking of groups: best chain score first, then more agreeing samples (evidence that separates
     * candidates a coarse verifier scores alike), then the representative's step id, so that a replay
     * ranks the same way.
     */
    private static final Comparator<AgreeingSamples> BY_RANK = Comparator
            .comparingDouble((AgreeingSamples g) -> g.representative().chainScore()).reversed()
            .thenComparing(Comparator.comparingInt(AgreeingSamples::agreement).reversed())
            .thenComparing(g -> g.representative().id());
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");
    /** Separates the parts of a content key; NUL, which step texts and ids do not contain. */
    private static final char KEY_SEPARATOR = '\0';

    AgreeingSamples {
        duplicates = List.copyOf(duplicates);
    }

    int agreement() {
        return 1 + duplicates.size();
    }

    List<Step> members() {
        final List<Step> all = new ArrayList<>(duplicates.size() + 1);
        all.add(representative);
        all.addAll(duplicates);
        return all;
    }

    /**
     * Groups {@code accepted} (sorted by {@link #BY_CHAIN_SCORE}) into agreeing samples, ranked.
     *
     * <p>Two candidates agree when they have the same parent step and the same normalised text (and,
     * for terminal steps, the same answer). Comparing parents by id is enough: the kept steps of a level
     * are pairwise different in content (they start at the one empty chain, and each level keeps one
     * representative per group), so two different parent ids at one level mean two different chains.
     */
    static List<AgreeingSamples> group(final List<Step> accepted) {
        final Map<String, List<Step>> byContent = new LinkedHashMap<>();
        for (final Step step : accepted) {
            byContent.computeIfAbsent(contentKey(step), k -> new ArrayList<>()).add(step);
        }
        final List<AgreeingSamples> groups = new ArrayList<>();
        for (final List<Step> members : byContent.values()) {
            groups.add(new AgreeingSamples(members.get(0), members.subList(1, members.size())));
        }
        groups.sort(BY_RANK);
        return groups;
    }

    /** What makes two sibling samples the same step: parent, text up to whitespace, and for terminal steps the answer. */
    private static String contentKey(final Step step) {
        final String parent = step.parentStepId() == null ? "" : step.parentStepId();
        final String text = step.text() == null ? "" : WHITESPACE.matcher(step.text().strip()).replaceAll(" ");
        final String answer = step.terminal() ? AnswerVote.normalise(step.answer()) : "";
        return parent + KEY_SEPARATOR + text + KEY_SEPARATOR + step.terminal() + KEY_SEPARATOR + answer;
    }

    static String scores(final List<Step> steps) {
        return String.join(", ", steps.stream().map(s -> Search.score(s.chainScore())).toList());
    }

    /** The KEEP decision's reason: what was kept, by what, and the slots each holds. */
    static String keepReason(final List<AgreeingSamples> kept, final int distinct, final int accepted, final int slots,
                             final int level, final BeamState state) {
        final List<Step> representatives = kept.stream().map(AgreeingSamples::representative).toList();
        final StringBuilder reason = new StringBuilder("Kept ").append(kept.size()).append(" of ")
                .append(Search.plural(accepted, "accepted candidate"));
        if (distinct < accepted) {
            reason.append(" (").append(distinct).append(" distinct)");
        }
        reason.append(" at depth ").append(level).append(" by chain score, then agreeing samples (chain scores ")
                .append(scores(representatives));
        if (kept.stream().anyMatch(g -> g.agreement() > 1)) {
            reason.append("; agreeing samples ")
                    .append(String.join(", ", kept.stream().map(g -> Integer.toString(g.agreement())).toList()))
                    .append("; beam slots ")
                    .append(String.join(", ", representatives.stream()
                            .map(s -> Integer.toString(state.held(s.id()).slots)).toList()))
                    .append(" of ").append(slots);
        }
        return reason.append(").").toString();
    }
}
