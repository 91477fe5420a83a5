package dev.stepwise.search.strategy;

import dev.stepwise.schemas.avro.SearchAction;
import dev.stepwise.schemas.avro.VerificationKind;
import dev.stepwise.schemas.avro.VerificationPlan;
import dev.stepwise.search.AnswerVote;
import dev.stepwise.search.Request;
import dev.stepwise.search.Search;
import dev.stepwise.search.Step;
import dev.stepwise.search.StopCause;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Compute-optimal test-time search (Snell et al. 2024, arXiv 2408.03314): estimate how hard the prompt is
 * from a cheap first round, then spend accordingly. The probe samples {@code probe} candidates of the first
 * step and has each verified; the estimated difficulty is {@code 1 - accepted share x agreement share}
 * (agreement: the largest group of identical samples), and the verifier kind is {@code graded} when a score
 * lies strictly between 0 and 1, else {@code exact}. The {@link AutoCalibration} table for that verifier kind
 * maps the estimate (and the prompt's budget: what fits in it) to a strategy and its parameters, which then continues from the probe's samples (no call
 * is wasted when it can adopt them). It adapts as evidence arrives: sequential revision hands over when a
 * chain is abandoned, and auto escalates to the calibration's stronger search. Its probe counts against the
 * prompt's budget like any other call; it never sees the answer or the synthetic suite's hidden difficulty.
 */
public final class Auto implements SearchStrategy<AutoState> {

    public static final String NAME = "auto";

    static final Parameter PROBE = Parameter.integer("probe", 4, 1, 16,
            "Candidates of the first step sampled and verified to estimate the difficulty.");
    static final Parameter ESCALATE = Parameter.flag("escalate", true,
            "Escalate to a stronger search when the cheap one gives up.");

    /** Auto with the shipped calibration, read when the first search starts, not when the registry is made. */
    public static final StrategyDescriptor DESCRIPTOR = descriptor(AutoCalibration::shipped);

    private final int probe;
    private final boolean escalate;
    private final AutoCalibration calibration;

    Auto(final StrategyParameters parameters, final AutoCalibration calibration) {
        this.probe = parameters.intValue(PROBE.name());
        this.escalate = parameters.flag(ESCALATE.name());
        this.calibration = calibration;
    }

    /** Auto with a given calibration (the benchmark evaluates candidates this way before one is shipped). */
    public static StrategyDescriptor descriptor(final AutoCalibration calibration) {
        return descriptor(() -> calibration);
    }

    private static StrategyDescriptor descriptor(final Supplier<AutoCalibration> calibration) {
        return new StrategyDescriptor(NAME, "Compute-optimal: probes the first step, estimates the prompt's "
                + "difficulty, then runs the strategy and budget calibrated for it, escalating when it gives up.",
                List.of(PROBE, ESCALATE), AutoState.class, p -> new Auto(p, calibration.get()));
    }

    @Override
    public String describe() {
        return "Auto: probe the first step with " + Search.plural(probe, "sample") + ", then the calibrated strategy";
    }

    @Override
    public AutoState start(final Search search) {
        final AutoState state = new AutoState();
        if (search.propose(search.promptId(), null, 0, probe, 0, VerificationPlan.STEP) == null) {
            search.stop(StopCause.CALL_BUDGET);
        }
        return state;
    }

    @Override
    public void onRequestDone(final Search search, final AutoState state, final Request request, final List<Step> steps) {
        if (state.chosen == null) {
            choose(search, state, request, steps);
            return;
        }
        sub(state).onRequestDone(search, state.sub, request, steps);
        escalateIfAsked(search, state);
    }

    @Override
    public void onVerified(final Search search, final AutoState state, final Step step, final VerificationKind kind) {
        if (state.chosen != null) {
            sub(state).onVerified(search, state.sub, step, kind);
            escalateIfAsked(search, state);
        }
    }

    /**
     * One sample of the probe, as the estimate sees it.
     *
     * @param text     the step as written
     * @param score    the verifier's score
     * @param accepted whether the search accepted it
     */
    public record ProbeSample(String text, double score, boolean accepted) {
    }

    /**
     * What the probe shows: how many samples were accepted and agreed, the estimated difficulty in [0,1], and the
     * verifier kind ({@code graded} when a score lies strictly between 0 and 1, else {@code exact}). Public so that
     * the benchmark's calibration computes exactly what auto does.
     */
    public record Estimate(int samples, int accepted, int agreeing, double difficulty, String verifier) {

        public static Estimate of(final List<ProbeSample> probe) {
            final int accepted = (int) probe.stream().filter(ProbeSample::accepted).count();
            final int agreeing = (int) probe.stream().collect(Collectors.groupingBy(s -> normalised(s.text()),
                    Collectors.counting())).values().stream().mapToLong(Long::longValue).max().orElse(0);
            final boolean graded = probe.stream().anyMatch(s -> s.score() > 0.0 && s.score() < 1.0);
            final double n = Math.max(1, probe.size());
            return new Estimate(probe.size(), accepted, agreeing, 1.0 - (accepted / n) * (agreeing / n),
                    graded ? "graded" : "exact");
        }
    }

    private void choose(final Search search, final AutoState state, final Request probeRequest, final List<Step> steps) {
        final Estimate estimate = Estimate.of(steps.stream()
                .map(s -> new ProbeSample(s.text(), s.score(), s.accepted())).toList());
        state.estimate = estimate.difficulty();
        state.verifier = estimate.verifier();
        final AutoCalibration.Choice choice = calibration.choose(state.verifier, state.estimate, search.maxModelCalls());
        search.decide(SearchAction.CHOOSE, steps.stream().map(Step::id).toList(), 0, "Chose " + describe(choice)
                + ": of " + Search.plural(steps.size(), "probe sample") + " of the first step, " + estimate.accepted()
                + " accepted and " + estimate.agreeing() + " agreed, so the estimated difficulty is "
                + Search.score(state.estimate)
                + " (bucket " + (calibration.bucket(state.verifier, state.estimate) + 1) + " of the " + state.verifier
                + "-verifier table; calibration: " + calibration.made() + ").");
        switchTo(search, state, choice, probeRequest, steps);
    }

    private void escalateIfAsked(final Search search, final AutoState state) {
        if (!(state.sub instanceof ReviseState revise) || !revise.wantsHandOver() || state.escalated) {
            return;
        }
        state.escalated = true;
        final AutoCalibration.Choice choice = calibration.escalation();
        search.decide(SearchAction.CHOOSE, List.of(), null, "Escalated to " + describe(choice) + ": "
                + Search.plural(revise.abandonedAttempts(), "chain") + " abandoned after "
                + Search.plural(revise.rejections(), "rejected step") + "; the prompt is harder than the probe showed.");
        switchTo(search, state, choice, null, List.of());
    }

    /** Hands the search to {@code choice}: adopting the probe request when there is one and it can, else afresh. */
    private void switchTo(final Search search, final AutoState state, final AutoCalibration.Choice choice,
                          final Request probeRequest, final List<Step> probeSteps) {
        final Map<String, String> params = new LinkedHashMap<>(choice.params());
        if (escalate && !state.escalated && Revise.NAME.equals(choice.strategy())) {
            params.put(Revise.HAND_OVER.name(), "true");
        }
        state.chosen = choice.strategy();
        state.params = new LinkedHashMap<>(params);
        final SearchStrategy<StrategyState> next = sub(state);
        final StrategyState adopted = probeRequest == null ? null : next.adopt(search, probeRequest);
        if (adopted != null) {
            state.sub = adopted;
            next.onRequestDone(search, adopted, probeRequest, probeSteps);
            escalateIfAsked(search, state);
            return;
        }
        for (final Step step : probeSteps) {
            search.prune(step);
        }
        state.sub = next.start(search);
    }

    @SuppressWarnings("unchecked")
    private static SearchStrategy<StrategyState> sub(final AutoState state) {
        return (SearchStrategy<StrategyState>) StrategyRegistry.standard().resolve(state.chosen, state.params).create();
    }

    private static String describe(final AutoCalibration.Choice choice) {
        final String params = choice.params().entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
                .collect(Collectors.joining(", "));
        return choice.strategy() + (params.isEmpty() ? "" : " (" + params + ")");
    }

    private static String normalised(final String text) {
        return text == null ? "" : text.strip().replaceAll("\\s+", " ");
    }

    @Override
    public AnswerVote.Result pick(final Search search, final AutoState state) {
        if (state.chosen == null) {
            return search.vote(Step::chainScore, Step::chainScore);
        }
        return sub(state).pick(search, state.sub);
    }
}
