package dev.stepwise.search;

import dev.stepwise.schemas.avro.SearchAction;
import dev.stepwise.search.SearchTree.RequestKind;
import java.util.Comparator;
import java.util.List;

/**
 * Work that did not come back in time is asked for again, never judged without its reply. A retry
 * sends the same request (same id, so agents reply with the same ids and the search keeps the first
 * reply it gets), reserves the calls it may cost, and waits twice as long as the try before it, so
 * a long outage of one kind of agent costs a few retries, not one per timeout. When the budget cannot
 * pay for a retry, the search waits for the reply until its deadline and says so.
 */
final class Retries {

    /** The wait doubles per retry up to this many doublings (64 times the timeout). */
    private static final int MAX_DOUBLINGS = 6;

    private Retries() {
    }

    /**
     * The earliest time a retry is due, or {@link Long#MAX_VALUE}. Only open work can be due, so this looks at
     * the tree's index of it, not at every request and step.
     */
    static long nextDue(final SearchTree tree, final SearchSettings settings) {
        long at = Long.MAX_VALUE;
        for (final Request request : tree.requestsNotDone()) {
            if (!request.allArrived() && !request.waiting) {
                at = Math.min(at, due(request.askedAt, settings.proposalTimeoutMs(), request.retries));
            }
        }
        for (final Step step : tree.stepsAwaitingVerdicts()) {
            for (final Check check : new Check[] {step.check, step.outcome}) {
                if (OpenWork.pending(check) && !check.waiting) {
                    at = Math.min(at, due(check.askedAt, settings.verdictTimeoutMs(), check.retries));
                }
            }
        }
        return at;
    }

    /**
     * Sends again every request and verification whose reply is overdue at {@code now}: requests first, in
     * the order they were made, then verifications, in the order their steps arrived.
     */
    static void askAgainWhatIsOverdue(final SearchTree tree, final Search search, final SearchSettings settings,
                                      final Commands commands, final long now) {
        for (final Request request : tree.requestsNotDone()) {
            if (!request.allArrived() && !request.waiting
                    && now >= due(request.askedAt, settings.proposalTimeoutMs(), request.retries)) {
                askAgain(tree, search, commands, request, now);
            }
        }
        final List<Step> awaiting = tree.stepsAwaitingVerdicts().stream().sorted(Comparator.comparingInt(s -> s.seq))
                .toList();
        for (final Step step : awaiting) {
            for (final Check check : new Check[] {step.check, step.outcome}) {
                if (OpenWork.pending(check) && !check.waiting
                        && now >= due(check.askedAt, settings.verdictTimeoutMs(), check.retries)) {
                    askAgain(tree, search, commands, step, check, now);
                }
            }
        }
    }

    private static void askAgain(final SearchTree tree, final Search search, final Commands commands,
                                 final Request request, final long now) {
        final int missing = request.samples - request.arrived.size();
        final int cost = missing * Requests.callsPerSample(request.verification);
        final String what = (request.kind == RequestKind.REVISION ? "revision request " : "proposal request ")
                + request.id;
        final long waited = now - request.askedAt;
        if (!search.affords(cost)) {
            request.waiting = true;
            tree.touch(request);
            tree.budgetCut = true;
            search.decide(SearchAction.WAIT, List.of(), request.depth, "No reply to " + what + " for " + missing + " of "
                    + Search.plural(request.samples, "sample") + " after " + waited + " ms, and the budget cannot pay for "
                    + "asking again (" + cost + " calls); waiting for it until the deadline.");
            return;
        }
        tree.calls.reserve(cost);
        request.retries++;
        request.askedAt = search.sentAt();
        tree.touch(request);
        tree.retries++;
        if (request.kind == RequestKind.REVISION) {
            commands.add(Requests.revision(tree, request, now));
        } else {
            commands.add(Requests.proposal(tree, request, now));
        }
        search.decide(SearchAction.RETRY, List.of(), request.depth, "Asked again (retry " + request.retries + ") for "
                + what + ": " + missing + " of " + Search.plural(request.samples, "sample") + " had not come back after "
                + waited + " ms.");
    }

    private static void askAgain(final SearchTree tree, final Search search, final Commands commands, final Step step,
                                 final Check check, final long now) {
        final String what = check.kind.name().toLowerCase(java.util.Locale.ROOT) + " verification of " + step.id;
        final long waited = now - check.askedAt;
        if (!search.affords(1)) {
            check.waiting = true;
            tree.touch(step);
            tree.budgetCut = true;
            search.decide(SearchAction.WAIT, List.of(step.id), step.depth, "No verdict for the " + what + " after "
                    + waited + " ms, and the budget cannot pay for asking again; waiting for it until the deadline.");
            return;
        }
        tree.calls.reserve(1);
        check.retries++;
        check.askedAt = search.sentAt();
        tree.touch(step);
        tree.retries++;
        commands.add(Requests.verification(tree, step, check.kind, check.retries, now));
        search.decide(SearchAction.RETRY, List.of(step.id), step.depth, "Asked again (retry " + check.retries
                + ") for the " + what + ": no verdict after " + waited + " ms.");
    }

    private static long due(final long askedAt, final long timeoutMs, final int retries) {
        return askedAt + (timeoutMs << Math.min(retries, MAX_DOUBLINGS));
    }
}
