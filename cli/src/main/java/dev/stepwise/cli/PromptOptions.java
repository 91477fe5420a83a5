package dev.stepwise.cli;

import dev.stepwise.schemas.avro.Budget;
import dev.stepwise.schemas.avro.PromptSubmitted;
import dev.stepwise.schemas.avro.Strategy;
import java.time.Duration;
import java.time.Instant;
import picocli.CommandLine.Option;

/** How one prompt is searched: strategy and budget. Unset options keep the schema's documented defaults. */
public final class PromptOptions {

    @Option(names = "--strategy", paramLabel = "beam|best-of-n", description = "Search strategy (default: beam).")
    String strategy;

    @Option(names = "--beam-width", paramLabel = "N", description = "Partial chains kept per depth (default: 2).")
    Integer beamWidth;

    @Option(names = "--branching", paramLabel = "N", description = "Candidate steps sampled per kept chain and depth (default: 3).")
    Integer branching;

    @Option(names = "--max-depth", paramLabel = "N", description = "Longest chain the search may build (default: 40).")
    Integer maxDepth;

    @Option(names = "--max-revisions", paramLabel = "N", description = "Revisions per chain and depth when every candidate was rejected (default: 2).")
    Integer maxRevisions;

    @Option(names = "--max-model-calls", paramLabel = "N", description = "Most model calls the prompt may use (default: 400).")
    Integer maxModelCalls;

    @Option(names = "--max-tokens", paramLabel = "N", description = "Most tokens the prompt may use (default: 1000000).")
    Long maxTokens;

    @Option(names = "--timeout", paramLabel = "SECONDS", description = "Answer with the best so far after this long (default: the topology's, 120 s).")
    Integer timeoutSeconds;

    PromptSubmitted prompt(final String promptId, final String text, final String requester, final Instant now) {
        final Strategy.Builder s = Strategy.newBuilder();
        if (strategy != null) {
            s.setName(strategy);
        }
        if (beamWidth != null) {
            s.setBeamWidth(beamWidth);
        }
        if (branching != null) {
            s.setBranching(branching);
        }
        if (maxDepth != null) {
            s.setMaxDepth(maxDepth);
        }
        if (maxRevisions != null) {
            s.setMaxRevisions(maxRevisions);
        }
        final Budget.Builder b = Budget.newBuilder();
        if (maxModelCalls != null) {
            b.setMaxModelCalls(maxModelCalls);
        }
        if (maxTokens != null) {
            b.setMaxTokens(maxTokens);
        }
        if (timeoutSeconds != null) {
            b.setDeadline(now.plusSeconds(timeoutSeconds));
        }
        return PromptSubmitted.newBuilder()
                .setPromptId(promptId)
                .setText(text)
                .setStrategy(s.build())
                .setBudget(b.build())
                .setRequester(requester)
                .setSubmittedAt(now)
                .build();
    }

    /** How long a client waits for an answer: the prompt's deadline plus a margin, or the topology's default. */
    Duration answerWait() {
        return Duration.ofSeconds((timeoutSeconds == null ? 120 : timeoutSeconds) + 30L);
    }
}
