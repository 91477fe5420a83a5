package dev.stepwise.cli;

import dev.stepwise.models.synthetic.GeneratedProblem;
import dev.stepwise.models.synthetic.SyntheticTaskSuite;
import dev.stepwise.schemas.avro.AnswerPublished;
import dev.stepwise.schemas.avro.Budget;
import dev.stepwise.schemas.avro.PromptSubmitted;
import dev.stepwise.schemas.avro.Strategy;
import dev.stepwise.schemas.serde.ConfluentSchemaRegistryClient;
import dev.stepwise.schemas.topics.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A flood of prompts for the original code ({@code 4de902c}), sent by a client alone: its {@code demo --bootstrap}
 * also starts a topology and agents of its own, which join the running ones (a rebalance and a cold JVM inside the
 * measured window). Sends {@code SyntheticTaskSuite.mixed(N, 16, SEED)} with the default (beam) search, all at once,
 * and waits for every answer. In the original's {@code dev.stepwise.cli} package for its package-private client;
 * compiled against that checkout, see README.md.
 *
 * <p>Usage: {@code OriginalFlood BOOTSTRAP REGISTRY_URL N SEED ID_PREFIX}
 */
public final class OriginalFlood {

    private OriginalFlood() {
    }

    public static void main(final String[] args) {
        final int n = Integer.parseInt(args[2]);
        final List<GeneratedProblem> problems = SyntheticTaskSuite.mixed(n, 16, Long.parseLong(args[3]));
        final Map<String, GeneratedProblem> byId = new LinkedHashMap<>();
        for (int i = 0; i < problems.size(); i++) {
            byId.put(args[4] + i, problems.get(i));
        }
        try (PromptClient client = new PromptClient(args[0], ConfluentSchemaRegistryClient.create(args[1]), Topics.defaults())) {
            final Instant now = Instant.now();
            byId.forEach((id, p) -> client.submit(PromptSubmitted.newBuilder().setPromptId(id).setText(p.text())
                    .setStrategy(Strategy.newBuilder().build()).setBudget(Budget.newBuilder().build())
                    .setRequester("flood").setSubmittedAt(now).build()));
            final Map<String, AnswerPublished> answers = client.awaitAnswers(byId.keySet(), Duration.ofMinutes(10), a -> { });
            System.out.printf("answered %d of %d, model calls %d%n", answers.size(), n,
                    answers.values().stream().mapToLong(AnswerPublished::getModelCalls).sum());
        }
    }
}
