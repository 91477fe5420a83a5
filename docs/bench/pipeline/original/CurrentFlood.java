import dev.stepwise.bench.Prompts;
import dev.stepwise.client.ClientSettings;
import dev.stepwise.client.StepwiseClient;
import dev.stepwise.models.synthetic.GeneratedProblem;
import dev.stepwise.models.synthetic.SyntheticTaskSuite;
import dev.stepwise.schemas.avro.AnswerPublished;
import dev.stepwise.schemas.serde.ConfluentSchemaRegistryClient;
import dev.stepwise.schemas.topics.Topics;
import dev.stepwise.search.strategy.StrategyRegistry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The same flood as {@code OriginalFlood} for today's code: {@code SyntheticTaskSuite.mixed(N, 16, SEED)}, beam
 * search with the bench ceiling's budget, all at once to a running {@code ./stepwise up}, every answer awaited.
 *
 * <p>Usage: {@code java -cp 'cli/target/stepwise.jar:cli/target/lib/*' CurrentFlood.java BOOTSTRAP REGISTRY_URL N SEED ID_PREFIX}
 */
public final class CurrentFlood {

    private CurrentFlood() {
    }

    public static void main(final String[] args) throws Exception {
        final List<GeneratedProblem> problems = SyntheticTaskSuite.mixed(Integer.parseInt(args[2]), 16, Long.parseLong(args[3]));
        final StrategyRegistry strategies = StrategyRegistry.standard();
        final ClientSettings settings = ClientSettings.of(args[0], ConfluentSchemaRegistryClient.create(args[1]), Topics.defaults())
                .withMaxUnclaimedAnswers(100_000);
        try (StepwiseClient client = StepwiseClient.connect(settings)) {
            final List<CompletableFuture<AnswerPublished>> answers = new ArrayList<>();
            for (int i = 0; i < problems.size(); i++) {
                answers.add(client.submit(Prompts.of(strategies, args[4] + i, problems.get(i).text(), "beam", Map.of(), 2000,
                        Instant.now())));
            }
            CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).get(10, TimeUnit.MINUTES);
            System.out.printf("answered %d, model calls %d%n", answers.size(),
                    answers.stream().mapToLong(a -> a.join().getModelCalls()).sum());
        }
    }
}
