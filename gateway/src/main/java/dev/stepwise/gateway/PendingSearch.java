package dev.stepwise.gateway;

import dev.stepwise.client.Progress;
import dev.stepwise.schemas.avro.AnswerPublished;
import dev.stepwise.schemas.avro.PromptSubmitted;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One prompt being searched for one HTTP request: published when created, then waited for, with its progress
 * queued for a streaming request; cancelled when the client goes away or the request times out.
 */
final class PendingSearch {

    private static final Logger LOG = LoggerFactory.getLogger(PendingSearch.class);
    private static final Duration KEEP_ALIVE = Duration.ofSeconds(1);
    /** How long after the prompt's deadline the gateway still waits for the topology's best-so-far answer. */
    private static final Duration ANSWER_GRACE = Duration.ofSeconds(15);
    private static final Object FINISHED = new Object();

    final String promptId = UUID.randomUUID().toString();
    final Instant submittedAt = Instant.now();
    final SearchRequest request;
    private final BlockingQueue<Object> events = new LinkedBlockingQueue<>();
    private final CompletableFuture<AnswerPublished> answer;
    private final PromptService prompts;
    private final Duration requestTimeout;
    private final String requestedBy;

    PendingSearch(final SearchRequest request, final boolean withProgress, final PromptService prompts,
                  final GatewayConfig config, final ModelCatalog models, final String requestedBy) {
        this.request = request;
        this.prompts = prompts;
        this.requestTimeout = config.requestTimeout();
        this.requestedBy = requestedBy;
        final PromptSubmitted prompt = request.toPrompt(promptId, submittedAt, requestTimeout, models.registry());
        this.answer = prompts.submit(prompt, withProgress ? events::offer : p -> { });
        answer.whenComplete((a, e) -> events.offer(FINISHED));
    }

    long created() {
        return submittedAt.getEpochSecond();
    }

    private Instant giveUpAt() {
        return submittedAt.plus(requestTimeout).plus(ANSWER_GRACE);
    }

    /** The answer as an outcome; a timeout or a failure to publish as an error outcome. */
    Outcome outcome() {
        try {
            return Outcome.of(answer.get(Math.max(0, Duration.between(Instant.now(), giveUpAt()).toMillis()),
                    TimeUnit.MILLISECONDS), request.text());
        } catch (TimeoutException e) {
            cancel("the gateway's request timeout passed");
            return errorOutcome(new ApiError(504, "server_error", null, "timeout", "No answer within the request "
                    + "timeout (" + requestTimeout.toSeconds() + " s, gateway.request.timeout.ms)."));
        } catch (ExecutionException e) {
            return errorOutcome(new ApiError(503, "server_error", null, "unavailable", "Cannot reach Stepwise: "
                    + e.getCause().getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            cancel("the gateway is shutting down");
            return errorOutcome(new ApiError(503, "server_error", null, "unavailable", "The gateway is shutting down."));
        }
    }

    private static Outcome errorOutcome(final ApiError error) {
        return new Outcome("", "stop", "", error, new Outcome.Usage(0, 0, 0));
    }

    /**
     * Shows progress until the answer is in, and a keep-alive comment each second when nothing changed (a write
     * to a client that went away is how it is noticed). Returns false when the request timed out: the error was
     * sent and the prompt cancelled.
     */
    boolean awaitWithProgress(final SseWriter sse, final Consumer<Progress> show) {
        Progress shown = null;
        try {
            while (true) {
                final Object event = nextEvent(shown);
                if (event == FINISHED) {
                    return true;
                }
                if (event instanceof Progress p) {
                    show.accept(p);
                    shown = p;
                } else {
                    sse.comment("searching");
                }
                if (Instant.now().isAfter(giveUpAt())) {
                    return answer.isDone() || sendTimeout(sse);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            cancel("the gateway is shutting down");
            return false;
        }
    }

    /**
     * The next progress worth showing, or null when a second passed with nothing new, or FINISHED. Progress
     * that queued up meanwhile is coalesced into its latest value.
     */
    private Object nextEvent(final Progress shown) throws InterruptedException {
        final Object first = events.poll(KEEP_ALIVE.toMillis(), TimeUnit.MILLISECONDS);
        if (first == null || first == FINISHED) {
            return first;
        }
        Progress latest = (Progress) first;
        for (Object next = events.poll(); next != null; next = events.poll()) {
            if (next == FINISHED) {
                events.offer(FINISHED);
                break;
            }
            latest = (Progress) next;
        }
        return latest.differsFrom(shown) ? latest : null;
    }

    private boolean sendTimeout(final SseWriter sse) {
        final Outcome outcome = outcome();
        sse.data(outcome.error() != null ? outcome.error().toJson()
                : new ApiError(504, "server_error", null, "timeout", "No answer within the request timeout.").toJson());
        sse.done();
        return false;
    }

    /** The client went away: the search stops spending calls. */
    void clientGone() {
        if (!answer.isDone()) {
            LOG.info("The client of prompt {} disconnected; cancelling its search", promptId);
            cancel("the client disconnected");
        }
        answer.cancel(false);
    }

    private void cancel(final String reason) {
        try {
            prompts.cancel(promptId, reason, requestedBy);
        } catch (RuntimeException e) {
            LOG.warn("Cannot cancel prompt {}: {}", promptId, e.toString());
        }
    }
}
