package dev.stepwise.search;

import dev.stepwise.schemas.avro.PromptCancelled;
import dev.stepwise.schemas.avro.PromptSubmitted;
import dev.stepwise.schemas.avro.SearchAction;
import dev.stepwise.schemas.avro.StepProposed;
import dev.stepwise.schemas.avro.StepVerified;
import dev.stepwise.schemas.avro.VerificationKind;
import dev.stepwise.schemas.avro.VerificationPlan;
import dev.stepwise.search.SearchTree.RequestKind;
import dev.stepwise.search.SearchTree.Status;
import dev.stepwise.search.strategy.ResolvedStrategy;
import dev.stepwise.search.strategy.SearchStrategy;
import dev.stepwise.search.strategy.StrategyRegistry;
import dev.stepwise.search.strategy.StrategyState;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Objects;

/**
 * The search, as a pure function of events: each method takes a prompt's {@link SearchTree} and one
 * event (a prompt, a step, a verdict, or a timer), updates the tree and returns the {@link Commands}
 * to send. No I/O and no Kafka: the topology runs it on a stream, and a benchmark can run it
 * in-process.
 *
 * <p>The engine owns what every strategy shares: intake (a reply is matched to the request that
 * asked for it, so an agent cannot move a step in the tree), duplicates (the first reply counts, a
 * repeat is counted as a call and dropped), verdicts that come before their step, the budget
 * ({@link CallLedger}), the deadline, asking again for work that did not come back
 * ({@link Retries}), the decision log and the answer ({@link Answers}). The strategy
 * ({@link SearchStrategy}) decides what to ask for and when to stop, and picks the answer.
 *
 * <p>A step is never given a verdict it did not get: work that does not come back in time is asked
 * for again (the same request, so the same ids), never scored 0, and a late reply is used as if it
 * had been on time. So an outage delays answers and does not change them; a prompt ends without an
 * answer only when its budget or deadline is spent, and its summary says which.
 */
public final class SearchEngine {

    /** The smallest budget a prompt may have: one sample and its verification. */
    public static final int MIN_MODEL_CALLS = 2;

    private final SearchSettings settings;
    private final StrategyRegistry registry;

    public SearchEngine(final SearchSettings settings, final StrategyRegistry registry) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    public SearchSettings settings() {
        return settings;
    }

    /** A new search and its first commands. */
    public record Started(SearchTree tree, Commands commands) {
    }

    /**
     * Starts the search for a validated prompt at event time {@code now}.
     *
     * @throws dev.stepwise.schemas.deadletter.RejectedInputException when its strategy cannot be resolved
     */
    public Started start(final PromptSubmitted prompt, final long now) {
        return start(prompt, now, now);
    }

    /**
     * As {@link #start(PromptSubmitted, long)}, handled at {@code wallClock} (later than {@code now} when the
     * prompt waited in the log): what is asked for is stamped as sent then, for its timeouts.
     */
    public Started start(final PromptSubmitted prompt, final long now, final long wallClock) {
        final ResolvedStrategy resolved = registry.resolve(prompt.getStrategy());
        final SearchTree tree = new SearchTree();
        tree.promptId = prompt.getPromptId();
        tree.problem(prompt.getText());
        tree.strategy = resolved.name();
        tree.params = new LinkedHashMap<>(registry.toAvro(resolved).getParams());
        tree.maxModelCalls = prompt.getBudget().getMaxModelCalls();
        tree.maxTokens = prompt.getBudget().getMaxTokens();
        tree.submittedAt = prompt.getSubmittedAt().toEpochMilli();
        tree.deadlineAt = prompt.getBudget().getDeadline() != null
                ? prompt.getBudget().getDeadline().toEpochMilli()
                : tree.submittedAt + settings.defaultTimeoutMs();

        final Commands commands = new Commands();
        final SearchStrategy<StrategyState> strategy = strategyOf(tree);
        final Search search = new Search(tree, commands, settings, now, wallClock);
        search.decide(SearchAction.START, List.of(), null, strategy.describe() + "; budget " + tree.maxModelCalls
                + " model calls and " + tree.maxTokens + " tokens.");
        if (now >= tree.deadlineAt) {
            Answers.finish(tree, strategy, search, StopCause.DEADLINE);
            return new Started(tree, commands);
        }
        tree.state = strategy.start(search);
        settle(tree, strategy, search);
        return new Started(tree, commands);
    }

    /** A proposed or revised step arrived at event time {@code now}. */
    public Commands onStep(final SearchTree tree, final StepProposed event, final long now) {
        return onStep(tree, event, now, now);
    }

    /** As {@link #onStep(SearchTree, StepProposed, long)}, handled at {@code wallClock}. */
    public Commands onStep(final SearchTree tree, final StepProposed event, final long now, final long wallClock) {
        if (tree.status == Status.ANSWERED) {
            return Commands.ignoring("step " + event.getStepId() + " came after the answer");
        }
        if (tree.format < SearchTree.FORMAT) {
            return unresumable(tree, now, wallClock);
        }
        final Request request = tree.requests.get(event.getRequestId());
        if (request == null || !isSampleOf(event.getStepId(), request)) {
            return Commands.ignoring("step " + event.getStepId() + " answers no request of this prompt");
        }
        final String role = request.kind == RequestKind.REVISION ? CallLedger.REVISER : CallLedger.PROPOSER;
        if (tree.steps.containsKey(event.getStepId())) {
            tree.calls.count(role, event.getCall().getTokens());
            tree.duplicates++;
            return Commands.ignoring("step " + event.getStepId() + " was already received (a retry's or the original's)");
        }
        tree.calls.count(role, event.getCall().getTokens());
        final Commands commands = new Commands();
        final SearchStrategy<StrategyState> strategy = strategyOf(tree);
        final Search search = new Search(tree, commands, settings, now, wallClock);
        if (event.getError() != null) {
            // The backend cannot work on this problem at all; more samples would fail the same way.
            Answers.finishWithError(tree, search, "the proposer could not work on this problem", event.getError());
            return commands;
        }
        final Step step = Intake.step(tree, request, event, now);
        Intake.applyEarlyVerdicts(tree, step, settings);
        return afterEvent(tree, strategy, search, commands);
    }

    /** A verdict arrived at event time {@code now}; it may come before its step. */
    public Commands onVerdict(final SearchTree tree, final StepVerified event, final long now) {
        return onVerdict(tree, event, now, now);
    }

    /** As {@link #onVerdict(SearchTree, StepVerified, long)}, handled at {@code wallClock}. */
    public Commands onVerdict(final SearchTree tree, final StepVerified event, final long now, final long wallClock) {
        if (tree.status == Status.ANSWERED) {
            return Commands.ignoring("verdict on " + event.getStepId() + " came after the answer");
        }
        if (tree.format < SearchTree.FORMAT) {
            return unresumable(tree, now, wallClock);
        }
        final VerificationKind kind = event.getKind();
        if (kind == VerificationKind.UNKNOWN) {
            return Commands.ignoring("verdict on " + event.getStepId() + " is of a kind this topology cannot name");
        }
        final Step step = tree.steps.get(event.getStepId());
        if (step == null) {
            return Intake.earlyVerdict(tree, event);
        }
        final Check check = step.check(kind);
        tree.calls.count(CallLedger.VERIFIER, event.getCall().getTokens());
        if (check == null) {
            return Commands.ignoring(kind + " verdict on " + step.id + " was not asked for");
        }
        if (check.done) {
            tree.duplicates++;
            return Commands.ignoring(kind + " verdict on " + step.id + " was already received (a retry's or the original's)");
        }
        Intake.judge(tree, step, check, event.getScore(), event.getVerdict().name(), event.getRationale(), settings);
        final Commands commands = new Commands();
        final SearchStrategy<StrategyState> strategy = strategyOf(tree);
        final Search search = new Search(tree, commands, settings, now, wallClock);
        if (check.byStrategy && tree.status == Status.SEARCHING) {
            strategy.onVerified(search, tree.state, step, kind);
        }
        return afterEvent(tree, strategy, search, commands);
    }

    /**
     * A timer written by the topology came back at event time {@code now}: apply the deadline, and ask
     * again for the work whose reply is overdue. Because the timer went through the log, every reply
     * written before it has been handled first.
     */
    public Commands onTimer(final SearchTree tree, final long now) {
        return onTimer(tree, now, now);
    }

    /** As {@link #onTimer(SearchTree, long)}, handled at {@code wallClock}. */
    public Commands onTimer(final SearchTree tree, final long now, final long wallClock) {
        if (tree.status == Status.ANSWERED) {
            return Commands.ignoring("prompt already answered");
        }
        if (tree.format < SearchTree.FORMAT) {
            return unresumable(tree, now, wallClock);
        }
        final Commands commands = new Commands();
        final SearchStrategy<StrategyState> strategy = strategyOf(tree);
        final Search search = new Search(tree, commands, settings, now, wallClock);
        if (now >= tree.deadlineAt) {
            Answers.finish(tree, strategy, search, StopCause.DEADLINE);
            return commands;
        }
        Retries.askAgainWhatIsOverdue(tree, search, settings, commands, now);
        return commands;
    }

    /**
     * The client cancelled the prompt at event time {@code now}: the search stops spending calls and
     * answers with what it has (a client that went away will not read it; one that cancelled on purpose
     * may). Replies still in flight are ignored when they come.
     */
    public Commands onCancel(final SearchTree tree, final PromptCancelled event, final long now, final long wallClock) {
        if (tree.status == Status.ANSWERED) {
            return Commands.ignoring("cancellation came after the answer");
        }
        final Commands commands = new Commands();
        final Search search = new Search(tree, commands, settings, now, wallClock);
        final String by = event.getRequestedBy() == null || event.getRequestedBy().isBlank() ? "the client"
                : event.getRequestedBy();
        final String why = event.getReason() == null || event.getReason().isBlank() ? "no reason given" : event.getReason();
        search.decide(SearchAction.CANCEL, List.of(), null, "Cancelled by " + by + " (" + why + "); no more calls are "
                + "asked for.");
        if (tree.format < SearchTree.FORMAT) {
            Answers.finishWithError(tree, search, "the prompt was cancelled", why);
        } else {
            search.stop(StopCause.CANCELLED, "Cancelled by " + by + ": " + why + ".");
            Answers.finish(tree, strategyOf(tree), search, StopCause.CANCELLED);
        }
        return commands;
    }

    /** When the topology must next wake this search (or purge its tombstone). */
    public long nextWakeUp(final SearchTree tree) {
        if (tree.status == Status.ANSWERED) {
            return tree.answeredAt + settings.tombstoneRetentionMs();
        }
        return Math.min(tree.deadlineAt, Retries.nextDue(tree, settings));
    }

    /** True when {@code tree} is a tombstone older than the retention and can be deleted. */
    public boolean isExpired(final SearchTree tree, final long now) {
        return tree.status == Status.ANSWERED && now >= tree.answeredAt + settings.tombstoneRetentionMs();
    }

    /**
     * A search started by a topology of an earlier layout: its state cannot be resumed by this one. It
     * is answered at once with an error that says so, rather than left to hang or guessed at.
     */
    private Commands unresumable(final SearchTree tree, final long now, final long wallClock) {
        final Commands commands = new Commands();
        Answers.finishWithError(tree, new Search(tree, commands, settings, now, wallClock), "the search cannot be resumed",
                "it was started by an earlier version of the topology (search state format " + tree.format
                        + "); submit the prompt again under a new id.");
        return commands;
    }

    // ------------------------------------------------------------------ progress

    private Commands afterEvent(final SearchTree tree, final SearchStrategy<StrategyState> strategy, final Search search,
                                final Commands commands) {
        if (tree.status != Status.SEARCHING) {
            return commands;
        }
        if (tree.calls.tokens() >= tree.maxTokens) {
            Answers.finish(tree, strategy, search, StopCause.TOKEN_BUDGET);
        } else if (search.now() >= tree.deadlineAt) {
            Answers.finish(tree, strategy, search, StopCause.DEADLINE);
        } else {
            handComplete(tree, strategy, search);
            settle(tree, strategy, search);
        }
        return commands;
    }

    /** Tells the strategy of every request that is now complete, in the order the requests were made. */
    private static void handComplete(final SearchTree tree, final SearchStrategy<StrategyState> strategy,
                                     final Search search) {
        for (final Request request : tree.requestsNotDone()) {
            if (search.stopped()) {
                return;
            }
            if (request.done || !request.allArrived()) {
                continue;
            }
            final List<Step> steps = tree.stepsOf(request);
            if (steps.stream().allMatch(Step::ready)) {
                request.done = true;
                tree.touch(request);
                tree.openRequests--;
                strategy.onRequestDone(search, tree.state, request, steps);
            }
        }
    }

    /** Ends the search when the strategy stopped it, or when nothing it asked for is still to come. */
    private static void settle(final SearchTree tree, final SearchStrategy<StrategyState> strategy, final Search search) {
        if (tree.status != Status.SEARCHING) {
            return;
        }
        if (search.stopped()) {
            Answers.finish(tree, strategy, search, search.stopCause());
        } else if (!tree.anythingInFlight()) {
            // The strategy asked for nothing more and did not stop: nothing will ever arrive.
            Answers.finish(tree, strategy, search, tree.budgetCut ? StopCause.CALL_BUDGET : StopCause.ALL_CHAINS_DONE);
        }
    }

    @SuppressWarnings("unchecked")
    private SearchStrategy<StrategyState> strategyOf(final SearchTree tree) {
        return (SearchStrategy<StrategyState>) registry.resolve(tree.strategy, tree.params).create();
    }

    /** Step ids are {@code <requestId>.<sample>} with sample in [0, samples). */
    static boolean isSampleOf(final String stepId, final Request request) {
        final String prefix = request.id + ".";
        if (stepId == null || !stepId.startsWith(prefix)) {
            return false;
        }
        try {
            final int sample = Integer.parseInt(stepId.substring(prefix.length()));
            return sample >= 0 && sample < request.samples;
        } catch (final NumberFormatException e) {
            return false;
        }
    }

    /** The plan's verification of a freshly arrived step, if it asks for one. */
    static VerificationKind plannedCheck(final VerificationPlan plan, final boolean terminal) {
        return switch (plan) {
            case STEP, UNKNOWN -> VerificationKind.STEP;
            case OUTCOME -> terminal ? VerificationKind.OUTCOME : null;
            case NONE -> null;
        };
    }
}
