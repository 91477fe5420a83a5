package dev.stepwise.search.strategy;

import dev.stepwise.schemas.avro.SearchAction;
import dev.stepwise.schemas.avro.VerificationPlan;
import dev.stepwise.search.AnswerVote;
import dev.stepwise.search.Request;
import dev.stepwise.search.Search;
import dev.stepwise.search.Step;
import dev.stepwise.search.StopCause;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Beam search against the process verifier (Snell et al. 2024, arXiv 2408.03314), level by level. A
 * level is resolved when every request for it is complete (every sample came back with its verdict).
 * Chains with no accepted candidate first get revisions of their best rejected step. Then the accepted
 * candidates that are the same step are merged into groups of agreeing samples ({@link AgreeingSamples}),
 * ranked by chain score (a chain is as good as its weakest step), then by agreement; down that ranking
 * each group takes one of the {@code beam-width - finished} free slots per agreeing sample, and groups
 * left without a slot are pruned. A kept group goes on as one representative that holds its slots: it
 * is expanded with {@code branching} samples per slot, and if it is terminal it finishes its chain and
 * fills that many slots. The search stops when the finished chains fill the beam width, nothing is
 * left to expand, or the maximum depth is reached; the answer is the verifier-weighted vote, each
 * finished chain weighing its score plus those of the samples merged into its last step.
 */
public final class BeamSearch implements SearchStrategy<BeamState> {

    public static final String NAME = "beam";

    static final Parameter BEAM_WIDTH = Parameter.integer("beam-width", 2, 1, 16, "Partial chains kept per depth.")
            .withLegacyField(Parameter.LegacyField.BEAM_WIDTH);
    static final Parameter BRANCHING = Parameter.integer("branching", 3, 1, 16,
            "Candidate next steps sampled per kept chain at each depth.")
            .withLegacyField(Parameter.LegacyField.BRANCHING);
    static final Parameter MAX_DEPTH = Parameter.integer("max-depth", 40, 1, 512,
            "Longest chain the search may build before it stops with the best so far.")
            .withLegacyField(Parameter.LegacyField.MAX_DEPTH);
    static final Parameter MAX_REVISIONS = Parameter.integer("max-revisions", 2, 0, 16,
            "Revisions per chain and depth when every candidate step was rejected.")
            .withLegacyField(Parameter.LegacyField.MAX_REVISIONS);

    public static final StrategyDescriptor DESCRIPTOR = new StrategyDescriptor(NAME,
            "Beam search against the process verifier: sample candidate steps per kept chain, keep the best "
                    + "chains by verifier score (merging samples that agree), revise when every candidate was "
                    + "rejected, and vote over the finished chains.",
            List.of(BEAM_WIDTH, BRANCHING, MAX_DEPTH, MAX_REVISIONS), BeamState.class, BeamSearch::new);

    /** Choice of the step to revise: best score first, ties by step id. */
    private static final Comparator<Step> BY_SCORE = Comparator.comparingDouble(Step::score).reversed()
            .thenComparing(Step::id);

    private final int width;
    private final int branching;
    private final int maxDepth;
    private final int maxRevisions;

    BeamSearch(final StrategyParameters parameters) {
        this.width = parameters.intValue(BEAM_WIDTH.name());
        this.branching = parameters.intValue(BRANCHING.name());
        this.maxDepth = parameters.intValue(MAX_DEPTH.name());
        this.maxRevisions = parameters.intValue(MAX_REVISIONS.name());
    }

    @Override
    public String describe() {
        return "Beam search with width " + width + " and branching " + branching + ", up to " + maxDepth
                + " steps and " + maxRevisions + " revisions per step";
    }

    @Override
    public BeamState start(final Search search) {
        final BeamState state = new BeamState();
        final Request first = search.propose(search.promptId(), null, 0, branching, 0, VerificationPlan.STEP);
        if (first == null) {
            search.stop(StopCause.CALL_BUDGET);
        } else {
            state.pending.add(first.id());
        }
        return state;
    }

    @Override
    public BeamState adopt(final Search search, final Request first) {
        // Level 0 is the request someone else made; the beam decides it as its own when it completes.
        final BeamState state = new BeamState();
        state.pending.add(first.id());
        return state;
    }

    @Override
    public void onRequestDone(final Search search, final BeamState state, final Request request, final List<Step> steps) {
        state.pending.remove(request.id());
        if (!state.pending.isEmpty()) {
            return;
        }
        final List<Step> candidates = search.openSteps(state.level);
        if (!askForRevisions(search, state, candidates)) {
            decideLevel(search, state, candidates);
        }
    }

    /** Asks for revisions for the chains with no accepted candidate; true if any was asked for. */
    private boolean askForRevisions(final Search search, final BeamState state, final List<Step> candidates) {
        final Map<String, List<Step>> byChain = new LinkedHashMap<>();
        for (final Step step : candidates) {
            byChain.computeIfAbsent(step.chainId(), c -> new ArrayList<>()).add(step);
        }
        boolean asked = false;
        for (final Map.Entry<String, List<Step>> chain : byChain.entrySet()) {
            if (chain.getValue().stream().anyMatch(Step::accepted)) {
                continue;
            }
            final String key = chain.getKey() + "@" + state.level;
            final int done = state.revisions.getOrDefault(key, 0);
            final Step target = revisionTarget(chain.getValue());
            if (done < maxRevisions && target != null) {
                final Request revision = search.revise(target, done + 1, maxRevisions, VerificationPlan.STEP);
                if (revision != null) {
                    state.revisions.put(key, done + 1);
                    state.pending.add(revision.id());
                    asked = true;
                }
            }
        }
        return asked;
    }

    /** The best rejected step, preferring one not revised yet. */
    private static Step revisionTarget(final List<Step> steps) {
        final List<Step> rejected = steps.stream().filter(Step::rejected).sorted(BY_SCORE).toList();
        return rejected.stream().filter(s -> !s.revised()).findFirst().orElse(rejected.isEmpty() ? null : rejected.get(0));
    }

    private void decideLevel(final Search search, final BeamState state, final List<Step> candidates) {
        final int level = state.level;
        final List<Step> accepted = candidates.stream().filter(Step::accepted).sorted(AgreeingSamples.BY_CHAIN_SCORE).toList();
        final List<AgreeingSamples> groups = AgreeingSamples.group(accepted);
        final int slots = Math.max(0, width - finishedSlots(search, state));
        // Hand out the slots down the ranking, one per agreeing sample: the beam holds as many samples
        // as before merging, so merging changes how they are held (one chain, counted k times), not how
        // much of the beam the majority gets. Giving a merged group a single slot would hand the freed
        // slots to whatever ranks next, typically a lone falsely accepted step.
        final List<AgreeingSamples> keptGroups = new ArrayList<>();
        int left = slots;
        for (final AgreeingSamples group : groups) {
            if (left == 0) {
                break;
            }
            final BeamState.Held held = new BeamState.Held();
            held.slots = Math.min(group.agreement(), left);
            held.agreement = group.agreement();
            held.mergedScore = group.duplicates().stream().mapToDouble(Step::chainScore).sum();
            state.held.put(group.representative().id(), held);
            left -= held.slots;
            keptGroups.add(group);
        }
        final List<AgreeingSamples> beyond = groups.subList(keptGroups.size(), groups.size());
        final List<Step> kept = keptGroups.stream().map(AgreeingSamples::representative).toList();

        if (!kept.isEmpty()) {
            search.decide(SearchAction.KEEP, ids(kept), level, AgreeingSamples.keepReason(keptGroups, groups.size(),
                    accepted.size(), slots, level, state));
        }
        for (final AgreeingSamples group : keptGroups) {
            if (!group.duplicates().isEmpty()) {
                search.decide(SearchAction.PRUNE, ids(group.duplicates()), level, "Pruned "
                        + Search.plural(group.duplicates().size(), "duplicate") + " of " + group.representative().id()
                        + " (same step as it; counted as " + group.agreement() + " agreeing samples).");
                group.duplicates().forEach(search::prune);
                search.merged(group.duplicates().size());
            }
        }
        if (!beyond.isEmpty()) {
            final List<Step> below = beyond.stream().flatMap(g -> g.members().stream()).toList();
            final String distinct = beyond.size() < below.size() ? " as " + Search.plural(beyond.size(), "distinct step") : "";
            search.decide(SearchAction.PRUNE, ids(below), level, "Pruned " + Search.plural(below.size(),
                    "accepted candidate") + distinct + " below the beam of " + slots + " (chain scores "
                    + AgreeingSamples.scores(beyond.stream().map(AgreeingSamples::representative).toList()) + ").");
            below.forEach(search::prune);
        }
        for (final Step step : candidates) {
            if (!step.accepted()) {
                search.decide(SearchAction.PRUNE, List.of(step.id()), level, Reasons.rejection(step));
                search.prune(step);
            }
        }
        final List<Step> active = new ArrayList<>();
        for (final Step step : kept) {
            search.keep(step);
            if (step.terminal()) {
                search.finishChain(step);
            } else {
                active.add(step);
            }
        }
        expandOrStop(search, state, active);
    }

    private void expandOrStop(final Search search, final BeamState state, final List<Step> active) {
        final int level = state.level;
        if (finishedSlots(search, state) >= width) {
            search.stop(StopCause.ENOUGH_FINISHED, Search.plural(search.finished().size(), "chain")
                    + " finished, filling the beam width of " + width + ".");
        } else if (active.isEmpty()) {
            search.stop(StopCause.NOTHING_TO_EXPAND, "No accepted chain is left to extend at depth " + level + ".");
        } else if (level + 1 >= maxDepth) {
            search.stop(StopCause.MAX_DEPTH, "Reached the maximum depth of " + maxDepth + " steps.");
        } else {
            for (final Step chain : active) {
                final int slots = state.held(chain.id()).slots;
                final int wanted = branching * slots;
                final Request request = search.propose(chain.id(), chain.id(), level + 1, wanted, 0, VerificationPlan.STEP);
                expandDecision(search, chain, slots, request == null ? 0 : request.samples(), wanted);
                if (request != null) {
                    state.pending.add(request.id());
                }
                // Its slots now belong to its samples; only finished chains' shares are read again (the vote).
                state.held.remove(chain.id());
            }
            if (state.pending.isEmpty()) {
                search.stop(StopCause.CALL_BUDGET);
            } else {
                state.level = level + 1;
                // Revisions are counted per chain and depth, and no chain goes back to a depth it left.
                state.revisions.clear();
            }
        }
    }

    private static void expandDecision(final Search search, final Step chain, final int slots, final int samples,
                                       final int wanted) {
        if (samples == 0) {
            search.decide(SearchAction.PRUNE, List.of(chain.id()), chain.depth(),
                    "No model-call budget left to extend the chain ending in " + chain.id() + ".");
            return;
        }
        final String held = slots > 1 ? ", " + slots + " beam slots" : "";
        search.decide(SearchAction.EXPAND, List.of(chain.id()), chain.depth() + 1, "Extending the chain ending in "
                + chain.id() + " (chain score " + Search.score(chain.chainScore()) + held + ") with "
                + (samples == wanted ? Search.plural(samples, "sample") : samples + " of " + wanted
                + " samples: the budget pays for no more") + ".");
    }

    /** The beam slots the finished chains fill: one per slot their last step held. */
    private static int finishedSlots(final Search search, final BeamState state) {
        return search.finished().stream().mapToInt(s -> state.held(s.id()).slots).sum();
    }

    private static List<String> ids(final List<Step> steps) {
        return steps.stream().map(Step::id).toList();
    }

    @Override
    public AnswerVote.Result pick(final Search search, final BeamState state) {
        return search.vote(Step::chainScore, s -> s.chainScore() + state.held(s.id()).mergedScore);
    }
}
