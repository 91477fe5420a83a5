package dev.stepwise.search;

import dev.stepwise.schemas.avro.Vote;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The verifier-weighted majority vote over finished chains (Snell et al. 2024, §5): each distinct
 * normalised answer gets the sum of the weights of the chains that gave it; the heaviest wins, ties
 * go to the answer more chains gave, then to the lexicographically smaller answer.
 *
 * <p>A chain's weight is its chain score, plus, in beam search, the chain scores of the identical
 * samples that were merged into its last step (see {@code BeamSearch}): a beam keeps one copy of
 * a step that several samples proposed, and the vote still counts each of those samples, as
 * weighted best-of-N counts every sample. {@link Vote#getChains()} stays the number of distinct
 * finished chains.
 */
public final class AnswerVote {

    /**
     * One finished chain.
     *
     * @param answer  its answer as written
     * @param score   its chain score (the weakest step's score)
     * @param weight  its weight in the vote: the sum of the chain scores of the samples it stands for
     *                (its own and those of the identical samples merged into its last step); at least
     *                {@code score}
     * @param stepIds its step ids, root first
     */
    public record Chain(String answer, double score, double weight, List<String> stepIds) {
        public Chain {
            if (!(weight >= score)) {
                throw new IllegalArgumentException("weight " + weight + " is below the chain score " + score);
            }
            stepIds = List.copyOf(stepIds);
        }

        /** A chain that stands for itself alone: its weight is its score. */
        public Chain(final String answer, final double score, final List<String> stepIds) {
            this(answer, score, score, stepIds);
        }
    }

    /**
     * The outcome.
     *
     * @param answer       the winning answer as the best chain giving it wrote it (trimmed); null when no chain finished
     * @param confidence   the winner's share of the total weight, in [0,1]
     * @param votes        per distinct normalised answer, best first
     * @param winningChain step ids, root first, of the best chain with the winning answer
     */
    public record Result(String answer, double confidence, List<Vote> votes, List<String> winningChain) {
        public Result {
            votes = List.copyOf(votes);
            winningChain = List.copyOf(winningChain);
        }

        public boolean hasAnswer() {
            return answer != null;
        }
    }

    /** Best first: heavier, then more chains, then lexicographically smaller. */
    static final Comparator<Vote> BEST_FIRST = Comparator.comparingDouble(Vote::getWeight).reversed()
            .thenComparing(Comparator.comparingInt(Vote::getChains).reversed())
            .thenComparing(Vote::getAnswer);

    /** Better chain first: higher score, then heavier (more agreeing samples), then fewer steps, then smaller last step id. */
    private static final Comparator<Chain> BETTER_CHAIN = Comparator.comparingDouble(Chain::score).reversed()
            .thenComparing(Comparator.comparingDouble(Chain::weight).reversed())
            .thenComparingInt(c -> c.stepIds().size())
            .thenComparing(c -> c.stepIds().isEmpty() ? "" : c.stepIds().get(c.stepIds().size() - 1));

    private AnswerVote() {
    }

    /** The key an answer votes under: equal answers, however written, share it (see {@link AnswerNormaliser}). */
    public static String normalise(final String answer) {
        return AnswerNormaliser.normalise(answer);
    }

    /**
     * Best-of-N by score (Snell et al. 2024): the answer of the single highest-scoring chain wins. Votes list
     * each distinct answer with the best score a chain giving it got, so the record still shows the field.
     */
    public static Result best(final List<Chain> chains) {
        if (chains.isEmpty()) {
            return new Result(null, 0.0, List.of(), List.of());
        }
        final Map<String, Double> bestScore = new LinkedHashMap<>();
        final Map<String, Integer> counts = new LinkedHashMap<>();
        double total = 0.0;
        for (final Chain chain : chains) {
            final String key = normalise(chain.answer());
            bestScore.merge(key, chain.score(), Math::max);
            counts.merge(key, 1, Integer::sum);
        }
        final List<Vote> votes = new ArrayList<>();
        for (final Map.Entry<String, Double> e : bestScore.entrySet()) {
            votes.add(Vote.newBuilder().setAnswer(e.getKey()).setWeight(e.getValue()).setChains(counts.get(e.getKey())).build());
            total += e.getValue();
        }
        votes.sort(BEST_FIRST);
        final Chain best = chains.stream().min(BETTER_CHAIN).orElseThrow();
        final double confidence = total > 0.0 ? votes.get(0).getWeight() / total : 1.0 / votes.size();
        return new Result(best.answer() == null ? "" : best.answer().strip(), confidence, votes, best.stepIds());
    }

    public static Result tally(final List<Chain> chains) {
        if (chains.isEmpty()) {
            return new Result(null, 0.0, List.of(), List.of());
        }
        final Map<String, double[]> weights = new LinkedHashMap<>();
        final Map<String, Integer> counts = new LinkedHashMap<>();
        double total = 0.0;
        for (final Chain chain : chains) {
            final String key = normalise(chain.answer());
            weights.computeIfAbsent(key, k -> new double[1])[0] += chain.weight();
            counts.merge(key, 1, Integer::sum);
            total += chain.weight();
        }
        final List<Vote> votes = new ArrayList<>();
        for (final Map.Entry<String, double[]> e : weights.entrySet()) {
            votes.add(Vote.newBuilder().setAnswer(e.getKey()).setWeight(e.getValue()[0])
                    .setChains(counts.get(e.getKey())).build());
        }
        votes.sort(BEST_FIRST);
        final Vote winner = votes.get(0);
        final Chain best = chains.stream()
                .filter(c -> normalise(c.answer()).equals(winner.getAnswer()))
                .min(BETTER_CHAIN)
                .orElseThrow();
        // With every score 0 (possible only with an accept threshold of 0) the weights say nothing:
        // fall back to the share of chains, so confidence stays a meaningful fraction.
        final double confidence = total > 0.0 ? winner.getWeight() / total : (double) winner.getChains() / chains.size();
        return new Result(best.answer() == null ? "" : best.answer().strip(), confidence, votes, best.stepIds());
    }
}
