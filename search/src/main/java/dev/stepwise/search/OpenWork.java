package dev.stepwise.search;

import dev.stepwise.search.SearchTree.Fate;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What is still open in a tree, by id: the requests not done, the steps waiting for a verdict, and the
 * steps no decision has kept, pruned or finished yet. The engine looks at these on every event (what is
 * complete, what is overdue, when to wake up next); scanning every request and step instead would make
 * the cost of an event grow with the tree. Derived from the tree — rebuilt when a tree is read back,
 * updated by {@link SearchTree} whenever an entry changes — and never stored.
 *
 * <p>Requests are held in the order they were made and open steps in the order they arrived, the orders
 * the engine and strategies go through them in; steps waiting for a verdict can join late (a strategy
 * asks to verify an older step), so whoever needs them in arrival order sorts them.
 */
final class OpenWork {

    private final Set<String> requests = new LinkedHashSet<>();
    private final Set<String> awaitingVerdicts = new LinkedHashSet<>();
    private final Set<String> openSteps = new LinkedHashSet<>();

    void update(final Request request) {
        if (request.done) {
            requests.remove(request.id);
        } else {
            requests.add(request.id);
        }
    }

    void update(final Step step) {
        if (pending(step.check) || pending(step.outcome)) {
            awaitingVerdicts.add(step.id);
        } else {
            awaitingVerdicts.remove(step.id);
        }
        if (step.fate == Fate.OPEN) {
            openSteps.add(step.id);
        } else {
            openSteps.remove(step.id);
        }
    }

    /** Indexes {@code tree} afresh, in the order of its maps (the order its entries were added). */
    void rebuild(final SearchTree tree) {
        clear();
        tree.requests.values().forEach(this::update);
        tree.steps.values().forEach(this::update);
    }

    void clear() {
        requests.clear();
        awaitingVerdicts.clear();
        openSteps.clear();
    }

    /** Ids of the requests not done, in the order they were made. */
    List<String> requests() {
        return List.copyOf(requests);
    }

    /** Ids of the steps with a verification still to come, in no particular order. */
    List<String> awaitingVerdicts() {
        return List.copyOf(awaitingVerdicts);
    }

    /** Ids of the steps no decision has kept, pruned or finished, in the order they arrived. */
    List<String> openSteps() {
        return List.copyOf(openSteps);
    }

    boolean anythingInFlight() {
        return !requests.isEmpty() || !awaitingVerdicts.isEmpty();
    }

    static boolean pending(final Check check) {
        return check != null && !check.done;
    }
}
