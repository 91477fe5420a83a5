package dev.stepwise.bench;

import dev.stepwise.bench.GridConfig.VerifierSpec;
import dev.stepwise.models.synthetic.SyntheticModelBackend;
import dev.stepwise.schemas.topics.Topics;
import dev.stepwise.search.SearchEngine;
import dev.stepwise.search.strategy.Auto;
import dev.stepwise.search.strategy.AutoCalibration;
import dev.stepwise.search.strategy.StrategyRegistry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Calibrates {@code auto} offline, as Snell et al. (2024) chose the compute-optimal strategy per difficulty bin with
 * held-out questions: on problems of the calibration seeds (disjoint from the evaluation seeds), it computes what
 * auto's probe shows of each problem ({@link Probe}), runs every candidate strategy and weighted best-of-N with 64
 * samples on it, and groups the problems by verifier kind and estimated difficulty. For each group it chooses the
 * cheapest candidate whose accuracy reaches the reference's plus {@link #MARGIN}, or, when that is more than any
 * candidate reaches, is within {@link #TOLERANCE} of the best candidate's. Never a problem's hidden difficulty or pass@1: only what auto
 * itself can see.
 */
public final class Calibration {

    /** Upper bounds of the estimated-difficulty buckets (auto's estimates with 4 probe samples fall on a few values). */
    static final double[] EDGES = {0.01, 0.3, 0.55, 0.8, 1.01};
    /**
     * How far below the best candidate's accuracy a cheaper one may be and still be chosen: 0.03, or one and a half
     * problems of a small group, whichever is more (one problem more or less is noise, not a difference).
     */
    static final double TOLERANCE = 0.03;
    /** How far above the reference's accuracy the choice should be, so that it still reaches it on other problems. */
    static final double MARGIN = 0.0;
    /** Samples of auto's probe (its default). */
    static final int PROBE = 4;
    /** Calls auto's probe costs: its samples and their verifications. */
    static final int PROBE_CALLS = 2 * PROBE;
    /** Budgets auto chooses for separately: what fits in each (a prompt above twice the last gets the unbounded choice). */
    static final int[] TIERS = {16, 32, 64, 128, 256};
    /** A budget no candidate reaches on these problems: cost is the candidates' own. */
    static final int MAX_CALLS = 4_000;

    /**
     * A configuration auto may choose.
     *
     * @param strategy registry name
     * @param params   its parameters
     */
    public record Candidate(String strategy, Map<String, String> params) {
        public String label() {
            return strategy + (params.isEmpty() ? "" : " " + params.toString().replace("{", "(").replace("}", ")"));
        }
    }

    /** What auto may choose from. */
    static final List<Candidate> CANDIDATES = List.of(
            new Candidate("revise", Map.of("attempts", "1")),
            new Candidate("revise", Map.of("attempts", "2")),
            new Candidate("revise", Map.of("attempts", "3")),
            new Candidate("revise", Map.of("attempts", "5", "max-attempts", "8")),
            new Candidate("beam", Map.of("beam-width", "1", "branching", "2")),
            new Candidate("beam", Map.of("beam-width", "1", "branching", "3")),
            new Candidate("beam", Map.of("beam-width", "2", "branching", "2")),
            new Candidate("beam", Map.of("beam-width", "2", "branching", "3")),
            new Candidate("beam", Map.of("beam-width", "3", "branching", "3")),
            new Candidate("beam", Map.of("beam-width", "4", "branching", "4")),
            new Candidate("weighted-best-of-n", Map.of("n", "8")),
            new Candidate("weighted-best-of-n", Map.of("n", "16")),
            new Candidate("weighted-best-of-n", Map.of("n", "32")));
    /** The accuracy a group's choice should reach: Snell's weighted best-of-N@64. */
    static final Candidate REFERENCE = new Candidate("weighted-best-of-n", Map.of("n", "64"));
    /** Where revision hands over when it gives up. */
    static final AutoCalibration.Choice ESCALATION = new AutoCalibration.Choice("beam",
            Map.of("beam-width", "3", "branching", "3"));

    /**
     * One calibration problem: what the probe showed, and how each candidate and the reference did.
     *
     * @param estimate   auto's estimate
     * @param candidates outcomes, in the order of {@link #CANDIDATES}
     * @param reference  the reference's outcome
     */
    record Row(Auto.Estimate estimate, List<Outcome> candidates, Outcome reference) {
        int bucket() {
            for (int i = 0; i < EDGES.length; i++) {
                if (estimate.difficulty() < EDGES[i]) {
                    return i;
                }
            }
            return EDGES.length - 1;
        }
    }

    private final StrategyRegistry registry;
    private final Progress progress;

    Calibration(final StrategyRegistry registry, final Progress progress) {
        this.registry = registry;
        this.progress = progress;
    }

    /** Runs every profile and verifier on the problems; rows in problem order per profile and verifier. */
    List<Row> run(final List<String> profiles, final List<VerifierSpec> verifiers, final List<BenchProblem> problems,
                  final int threads) throws InterruptedException {
        final SearchEngine engine = new SearchEngine(BenchSettings.searchSettings(), registry);
        final List<Row> rows = new ArrayList<>();
        final ExecutorService pool = Executors.newFixedThreadPool(threads, Thread.ofPlatform()
                .name("stepwise-calibrate-", 0).daemon(true).factory());
        try {
            for (final String profile : profiles) {
                for (final VerifierSpec verifier : verifiers) {
                    progress.phase("calibrate " + profile + "/" + verifier.name(), problems.size());
                    final Map<Long, AgentHandlers> agents = new LinkedHashMap<>();
                    for (final BenchProblem problem : problems) {
                        agents.computeIfAbsent(problem.seed(), seed -> AgentHandlers.over(
                                new SyntheticModelBackend(BackendProfiles.config(profile, verifier, seed)), Topics.defaults()));
                    }
                    final List<Future<Row>> futures = new ArrayList<>();
                    for (final BenchProblem problem : problems) {
                        final AgentHandlers handlers = agents.get(problem.seed());
                        futures.add(pool.submit((Callable<Row>) () -> {
                            final Row row = row(new InProcessRunner(engine, handlers), handlers, problem);
                            progress.step();
                            return row;
                        }));
                    }
                    for (final Future<Row> future : futures) {
                        rows.add(future.get());
                    }
                }
            }
        } catch (final ExecutionException e) {
            throw new IllegalStateException("calibration failed: " + e.getCause().getMessage(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
        return rows;
    }

    private Row row(final InProcessRunner runner, final AgentHandlers agents, final BenchProblem problem)
            throws InterruptedException {
        final Auto.Estimate estimate = Probe.of(agents, problem, PROBE);
        final List<Outcome> outcomes = new ArrayList<>();
        for (final Candidate candidate : CANDIDATES) {
            outcomes.add(outcome(runner, problem, candidate));
        }
        return new Row(estimate, outcomes, outcome(runner, problem, REFERENCE));
    }

    private Outcome outcome(final InProcessRunner runner, final BenchProblem problem, final Candidate candidate)
            throws InterruptedException {
        return Outcome.of(problem, runner.run(Prompts.of(registry, problem.promptId(), problem.text(), candidate.strategy(),
                candidate.params(), MAX_CALLS, Instant.ofEpochMilli(Prompts.EPOCH_MS)), false));
    }

    /**
     * The choice for one group of problems.
     *
     * @param kind     verifier kind
     * @param bucket   bucket index
     * @param problems rows in the group
     * @param chosen   index into {@link #CANDIDATES}
     * @param accuracy per candidate
     * @param calls    mean calls per candidate
     * @param refAccuracy the reference's accuracy
     * @param refCalls    the reference's mean calls
     */
    record Pick(String kind, int bucket, int problems, int chosen, double[] accuracy, double[] calls, double refAccuracy,
                double refCalls, int[] tierChoice) {
    }

    /** Chooses per verifier kind and bucket (see the class comment). Empty groups take the nearest easier one's choice. */
    static List<Pick> choose(final List<Row> rows) {
        final List<Pick> picks = new ArrayList<>();
        for (final String kind : List.of("exact", "graded")) {
            Pick previous = null;
            for (int bucket = 0; bucket < EDGES.length; bucket++) {
                final int b = bucket;
                final List<Row> group = rows.stream()
                        .filter(r -> r.estimate().verifier().equals(kind) && r.bucket() == b).toList();
                if (group.isEmpty()) {
                    final int fallback = previous == null ? 0 : previous.chosen();
                    picks.add(new Pick(kind, bucket, 0, fallback, new double[CANDIDATES.size()],
                            new double[CANDIDATES.size()], Double.NaN, Double.NaN,
                            previous == null ? new int[TIERS.length] : previous.tierChoice()));
                    continue;
                }
                previous = pick(kind, bucket, group);
                picks.add(previous);
            }
        }
        return picks;
    }

    private static Pick pick(final String kind, final int bucket, final List<Row> group) {
        final int n = CANDIDATES.size();
        final double[] accuracy = new double[n];
        final double[] calls = new double[n];
        for (int c = 0; c < n; c++) {
            final int i = c;
            accuracy[c] = group.stream().filter(r -> r.candidates().get(i).correct()).count() / (double) group.size();
            calls[c] = group.stream().mapToInt(r -> r.candidates().get(i).calls()).average().orElse(0);
        }
        final double refAccuracy = group.stream().filter(r -> r.reference().correct()).count() / (double) group.size();
        final double refCalls = group.stream().mapToInt(r -> r.reference().calls()).average().orElse(0);
        final double tolerance = Math.max(TOLERANCE, 1.5 / group.size());
        final int[] tiers = new int[TIERS.length];
        for (int t = 0; t < TIERS.length; t++) {
            tiers[t] = cheapestGood(accuracy, calls, refAccuracy, tolerance, TIERS[t]);
        }
        return new Pick(kind, bucket, group.size(), cheapestGood(accuracy, calls, refAccuracy, tolerance, Integer.MAX_VALUE),
                accuracy, calls, refAccuracy, refCalls, tiers);
    }

    /**
     * Among the candidates whose mean calls plus the probe's fit in {@code budget}, the cheapest that reaches the
     * reference's accuracy plus {@link #MARGIN}, or, when that is more than any of them reaches, is within the tolerance
     * of the best of them. Reaching the reference as cheaply as possible, not chasing the best beyond it, is what
     * compute-optimal means here; when nothing fits, the cheapest candidate.
     */
    private static int cheapestGood(final double[] accuracy, final double[] calls, final double refAccuracy,
                                    final double tolerance, final int budget) {
        double best = -1;
        int cheapest = 0;
        for (int c = 0; c < accuracy.length; c++) {
            if (calls[c] + PROBE_CALLS <= budget) {
                best = Math.max(best, accuracy[c]);
            }
            if (calls[c] < calls[cheapest]) {
                cheapest = c;
            }
        }
        if (best < 0) {
            return cheapest;
        }
        final double threshold = Math.min(best - tolerance, refAccuracy + MARGIN);
        int chosen = -1;
        for (int c = 0; c < accuracy.length; c++) {
            if (calls[c] + PROBE_CALLS <= budget && accuracy[c] >= threshold - 1e-12
                    && (chosen < 0 || calls[c] < calls[chosen])) {
                chosen = c;
            }
        }
        return chosen;
    }

    /** The calibration file of {@code picks}. */
    static AutoCalibration calibration(final List<Pick> picks, final String made, final String seeds) {
        final Map<String, List<AutoCalibration.Bucket>> tables = new LinkedHashMap<>();
        for (final Pick pick : picks) {
            final Candidate candidate = CANDIDATES.get(pick.chosen());
            final List<AutoCalibration.Tier> tiers = new ArrayList<>();
            for (int t = 0; t < TIERS.length; t++) {
                final Candidate fits = CANDIDATES.get(pick.tierChoice()[t]);
                tiers.add(new AutoCalibration.Tier(TIERS[t], fits.strategy(), fits.params()));
            }
            tables.computeIfAbsent(pick.kind(), k -> new ArrayList<>())
                    .add(new AutoCalibration.Bucket(EDGES[pick.bucket()], candidate.strategy(), candidate.params(), tiers));
        }
        return new AutoCalibration(1, made, seeds, tables, ESCALATION);
    }
}
