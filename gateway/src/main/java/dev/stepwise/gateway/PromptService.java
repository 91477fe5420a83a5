package dev.stepwise.gateway;

import dev.stepwise.client.ProgressListener;
import dev.stepwise.client.StepwiseClient;
import dev.stepwise.schemas.avro.AnswerPublished;
import dev.stepwise.schemas.avro.PromptSubmitted;
import java.util.concurrent.CompletableFuture;

/** What the gateway needs of Stepwise: submit a prompt with a progress listener, and cancel one. */
public interface PromptService {

    CompletableFuture<AnswerPublished> submit(PromptSubmitted prompt, ProgressListener listener);

    void cancel(String promptId, String reason, String requestedBy);

    /** The service of a client library instance. */
    static PromptService of(final StepwiseClient client) {
        return new PromptService() {
            @Override
            public CompletableFuture<AnswerPublished> submit(final PromptSubmitted prompt, final ProgressListener listener) {
                return client.submit(prompt, listener).answer();
            }

            @Override
            public void cancel(final String promptId, final String reason, final String requestedBy) {
                client.cancel(promptId, reason, requestedBy);
            }
        };
    }
}
