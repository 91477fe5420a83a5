package dev.stepwise.topology;

import dev.stepwise.schemas.avro.AnswerPublished;
import dev.stepwise.schemas.deadletter.RejectedInputException;
import dev.stepwise.search.StopCause;
import dev.stepwise.topology.ingress.PromptValidator;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A prompt the topology cannot search is dead-lettered with its bytes, for operators, and answered with
 * the reason, for its client: whoever submitted it waits on the answers topic and need not read the
 * dead-letter topic to learn its fate.
 */
final class RejectedPrompts {

    private RejectedPrompts() {
    }

    /** A prompt that decoded but failed validation; carries what an answer needs. */
    static final class Rejection extends RejectedInputException {

        private static final long serialVersionUID = 1L;

        private final String promptId;
        private final String strategy;

        Rejection(final String promptId, final String strategy, final RejectedInputException cause) {
            super(cause.code(), cause.getMessage());
            initCause(cause);
            this.promptId = promptId;
            this.strategy = strategy == null ? "" : strategy;
        }

        String promptId() {
            return promptId;
        }
    }

    /**
     * True when the rejection can be answered: the answer is keyed by the prompt id, so the id must be one a
     * client waits on. A record whose key is not its prompt id is not answered: the prompt id may belong to
     * another, valid submission, whose client would then read this rejection as its own answer.
     */
    static boolean answerable(final Rejection rejection) {
        return rejection.promptId != null && !rejection.promptId.isBlank()
                && !PromptValidator.KEY_MISMATCH.equals(rejection.code())
                && !PromptValidator.INVALID_PROMPT_ID.equals(rejection.code());
    }

    /** The answer that tells the client why its prompt was not searched. */
    static AnswerPublished answer(final Rejection rejection, final long now) {
        return AnswerPublished.newBuilder()
                .setPromptId(rejection.promptId)
                .setAnswer(null)
                .setSummary("No answer: the prompt was rejected (" + rejection.code() + "): " + rejection.getMessage())
                .setConfidence(0.0)
                .setVotes(List.of())
                .setWinningChain(List.of())
                .setModelCalls(0)
                .setTokens(0)
                .setLatencyMs(0)
                .setStrategy(rejection.strategy)
                .setBudgetExhausted(false)
                .setDeadlineReached(false)
                .setError(rejection.getMessage())
                .setCallsByRole(Map.of())
                .setStopCause(StopCause.REJECTED.code())
                .setAnsweredAt(Instant.ofEpochMilli(now))
                .build();
    }
}
