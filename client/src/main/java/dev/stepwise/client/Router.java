package dev.stepwise.client;

import dev.stepwise.schemas.avro.AnswerPublished;
import dev.stepwise.schemas.avro.SearchDecision;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes answers and progress to the callers waiting for them, by prompt id. No Kafka in here: the client's
 * poll loop decodes records and hands them over, which keeps this unit-testable.
 *
 * <p>Memory is bounded whatever arrives: a decision of a prompt nobody waits for is dropped, and an answer
 * nobody waits for is remembered in an LRU map of at most {@code maxUnclaimed} entries, so that a caller who
 * starts waiting just after the answer arrived (a prompt submitted by someone else) still gets it.
 */
final class Router {

    private static final Logger LOG = LoggerFactory.getLogger(Router.class);

    /** One caller waiting for one prompt. */
    private record Waiter(CompletableFuture<AnswerPublished> answer, ProgressListener listener) {
    }

    private final Map<String, Waiter> waiting = new HashMap<>();
    private final LinkedHashMap<String, AnswerPublished> unclaimed;
    private Throwable failure;

    Router(final int maxUnclaimed) {
        if (maxUnclaimed < 0) {
            throw new IllegalArgumentException("maxUnclaimed must not be negative, got " + maxUnclaimed);
        }
        this.unclaimed = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(final Map.Entry<String, AnswerPublished> eldest) {
                return size() > maxUnclaimed;
            }
        };
    }

    /**
     * Starts waiting for {@code promptId}. The future completes with the answer, at once if it already arrived
     * and nobody claimed it; it is forgotten here when it completes in any way (a caller's timeout or
     * cancellation included).
     *
     * @throws IllegalStateException when someone already waits for this prompt
     */
    CompletableFuture<AnswerPublished> register(final String promptId, final ProgressListener listener) {
        final CompletableFuture<AnswerPublished> answer = new CompletableFuture<>();
        final AnswerPublished known;
        synchronized (this) {
            if (failure != null) {
                answer.completeExceptionally(failure);
                return answer;
            }
            if (waiting.containsKey(promptId)) {
                throw new IllegalStateException("Already waiting for the answer to prompt " + promptId);
            }
            known = unclaimed.remove(promptId);
            if (known == null) {
                waiting.put(promptId, new Waiter(answer, listener == null ? ProgressListener.NONE : listener));
            }
        }
        if (known != null) {
            answer.complete(known);
        } else {
            answer.whenComplete((a, e) -> forget(promptId, answer));
        }
        return answer;
    }

    /**
     * True when a caller waits for {@code promptId} with a listener for its progress: only then is a decision
     * worth decoding (a caller that wants the answer alone, such as {@code ask}, costs no decoding).
     */
    synchronized boolean wantsProgress(final String promptId) {
        final Waiter waiter = waiting.get(promptId);
        return waiter != null && waiter.listener() != ProgressListener.NONE;
    }

    void onDecision(final SearchDecision decision) {
        final Waiter waiter;
        synchronized (this) {
            waiter = waiting.get(decision.getPromptId());
        }
        if (waiter == null) {
            return;
        }
        try {
            waiter.listener().onProgress(Progress.of(decision));
        } catch (RuntimeException e) {
            LOG.warn("Progress listener of prompt {} failed: {}", decision.getPromptId(), e.toString(), e);
        }
    }

    void onAnswer(final AnswerPublished answer) {
        final Waiter waiter;
        synchronized (this) {
            waiter = waiting.remove(answer.getPromptId());
            if (waiter == null) {
                unclaimed.put(answer.getPromptId(), answer);
            }
        }
        if (waiter != null) {
            waiter.answer().complete(answer);
        }
    }

    /** Fails every waiting caller, and every later one, with {@code cause}: the client cannot read any more. */
    void failAll(final Throwable cause) {
        final List<Waiter> failed;
        synchronized (this) {
            failure = cause;
            failed = List.copyOf(waiting.values());
            waiting.clear();
        }
        failed.forEach(w -> w.answer().completeExceptionally(cause));
    }

    private synchronized void forget(final String promptId, final CompletableFuture<AnswerPublished> answer) {
        final Waiter waiter = waiting.get(promptId);
        if (waiter != null && waiter.answer() == answer) {
            waiting.remove(promptId);
        }
    }

    synchronized int waitingCount() {
        return waiting.size();
    }

    synchronized int unclaimedCount() {
        return unclaimed.size();
    }
}
