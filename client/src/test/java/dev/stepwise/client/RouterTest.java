package dev.stepwise.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stepwise.schemas.avro.AnswerPublished;
import dev.stepwise.schemas.avro.SearchAction;
import dev.stepwise.schemas.avro.SearchDecision;
import dev.stepwise.schemas.avro.SearchProgress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

class RouterTest {

    private final Router router = new Router(2);

    @Test
    void anAnswerGoesToTheCallerWaitingForItsPromptAndNoOtherOne() throws Exception {
        final CompletableFuture<AnswerPublished> a = router.register("a", ProgressListener.NONE);
        final CompletableFuture<AnswerPublished> b = router.register("b", ProgressListener.NONE);

        router.onAnswer(answer("b", "42"));

        assertThat(a).isNotDone();
        assertThat(b.get().getAnswer()).isEqualTo("42");
        assertThat(router.waitingCount()).isEqualTo(1);
    }

    @Test
    void progressReachesOnlyItsPromptsListenerAsNumbersWithoutTheReason() {
        final List<Progress> seen = new ArrayList<>();
        router.register("a", seen::add);

        router.onDecision(decision("a", 0, "The step 3*4 = 12 was rejected"));
        router.onDecision(decision("someone-else", 0, "x"));

        assertThat(seen).singleElement().satisfies(p -> {
            assertThat(p.promptId()).isEqualTo("a");
            assertThat(p.depth()).isEqualTo(3);
            assertThat(p.modelCalls()).isEqualTo(12);
            assertThat(p.toString()).doesNotContain("rejected").doesNotContain("3*4");
        });
        assertThat(router.wantsProgress("someone-else")).isFalse();
        assertThat(router.wantsProgress("a")).isTrue();
    }

    @Test
    void aCallerWhoWantsTheAnswerAloneCostsNoDecodingOfProgress() {
        router.register("quiet", ProgressListener.NONE);

        assertThat(router.wantsProgress("quiet")).isFalse();
        assertThat(router.waitingCount()).isEqualTo(1);
    }

    @Test
    void anAnswerThatArrivedBeforeAnyoneWaitedIsHandedToTheFirstCallerWhoAsks() throws Exception {
        router.onAnswer(answer("early", "7"));

        assertThat(router.register("early", ProgressListener.NONE).get().getAnswer()).isEqualTo("7");
        assertThat(router.unclaimedCount()).isZero();
    }

    @Test
    void answersNobodyWaitsForAreRememberedInBoundedMemory() {
        for (int i = 0; i < 1000; i++) {
            router.onAnswer(answer("unknown-" + i, "1"));
        }

        assertThat(router.unclaimedCount()).isEqualTo(2);
        assertThat(router.register("unknown-999", ProgressListener.NONE)).isCompleted();
        assertThat(router.register("unknown-0", ProgressListener.NONE)).isNotDone();
    }

    @Test
    void aCallerWhoStopsWaitingIsForgotten() {
        final CompletableFuture<AnswerPublished> a = router.register("a", ProgressListener.NONE);
        // Cancel rather than orTimeout: a timeout completes the future on another thread, and the join of a stage
        // added later can return before the router's own callback has run (dependents run last-added first).
        a.cancel(false);

        assertThat(router.waitingCount()).isZero();
        router.onAnswer(answer("a", "1"));
        assertThat(router.register("a", ProgressListener.NONE)).as("the late answer is remembered").isCompleted();
    }

    @Test
    void twoCallersCannotWaitForTheSamePrompt() {
        router.register("a", ProgressListener.NONE);

        assertThatThrownBy(() -> router.register("a", ProgressListener.NONE)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aFailedListenerDoesNotStopTheRouting() throws Exception {
        final CompletableFuture<AnswerPublished> a = router.register("a", p -> {
            throw new IllegalStateException("boom");
        });

        router.onDecision(decision("a", 0, "r"));
        router.onAnswer(answer("a", "5"));

        assertThat(a.get().getAnswer()).isEqualTo("5");
    }

    @Test
    void whenReadingFailsEveryCallerNowAndLaterIsTold() {
        final CompletableFuture<AnswerPublished> a = router.register("a", ProgressListener.NONE);

        router.failAll(new IllegalStateException("closed"));

        assertThatThrownBy(a::get).isInstanceOf(ExecutionException.class).hasMessageContaining("closed");
        assertThat(router.register("b", ProgressListener.NONE)).isCompletedExceptionally();
    }

    @Test
    void aDecisionWithoutProgressStillGivesItsCallsTokensAndDepth() {
        final SearchDecision old = SearchDecision.newBuilder(decision("a", 4, "r")).setProgress(null).setDepth(5).build();

        final Progress p = Progress.of(old);

        assertThat(p.depth()).isEqualTo(6);
        assertThat(p.modelCalls()).isEqualTo(12);
        assertThat(p.tokens()).isEqualTo(300);
        assertThat(p.action()).isEqualTo("KEEP");
    }

    static AnswerPublished answer(final String promptId, final String value) {
        return AnswerPublished.newBuilder().setPromptId(promptId).setAnswer(value).setSummary("s").setModelCalls(1)
                .setTokens(10).setLatencyMs(1).setStrategy("beam").setAnsweredAt(Instant.now()).build();
    }

    static SearchDecision decision(final String promptId, final int sequence, final String reason) {
        return SearchDecision.newBuilder().setPromptId(promptId).setSequence(sequence).setAction(SearchAction.KEEP)
                .setReason(reason).setModelCalls(12).setTokens(300).setDecidedAt(Instant.now())
                .setProgress(SearchProgress.newBuilder().setDepth(3).setChainsAlive(2).setModelCalls(12).setTokens(300).build())
                .build();
    }
}
