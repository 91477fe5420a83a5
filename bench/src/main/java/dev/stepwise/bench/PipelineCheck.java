package dev.stepwise.bench;

import dev.stepwise.agents.Agent;
import dev.stepwise.agents.AgentConfig;
import dev.stepwise.agents.AgentKind;
import dev.stepwise.agents.Agents;
import dev.stepwise.client.ClientSettings;
import dev.stepwise.client.PromptLog;
import dev.stepwise.client.StepwiseClient;
import dev.stepwise.infra.LocalStack;
import dev.stepwise.infra.LocalStackOptions;
import dev.stepwise.models.synthetic.SyntheticConfig;
import dev.stepwise.models.synthetic.SyntheticModelBackend;
import dev.stepwise.schemas.avro.AnswerPublished;
import dev.stepwise.schemas.avro.PromptSubmitted;
import dev.stepwise.schemas.avro.SearchDecision;
import dev.stepwise.schemas.config.CommonConfig;
import dev.stepwise.schemas.serde.ConfluentSchemaRegistryClient;
import dev.stepwise.schemas.topics.Topics;
import dev.stepwise.search.SearchEngine;
import dev.stepwise.topology.TopologyApp;
import dev.stepwise.topology.TopologyConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends prompts through the real pipeline, an embedded broker and registry with the topology and one agent of each
 * kind over the synthetic backend, and runs the same prompts in-process, to show that both search alike: same answer,
 * same calls per role, and where they differ, the first decision where they part and why.
 *
 * <p>The in-process runner plays agents that are all equally fast; in the pipeline, requests are handled
 * concurrently and replies reach the topology in whatever order the agents commit them. A strategy whose choices
 * depend on that order (one that stops as soon as enough chains agree, or whose budget runs out while several chains
 * are in flight) may then stop at another point; a reply that came late is asked for again, and its duplicate counts
 * as a call. Those are the differences this check explains.
 */
public final class PipelineCheck {

    private static final Logger LOG = LoggerFactory.getLogger(PipelineCheck.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(20);

    private final InProcessRunner runner;
    private final SyntheticConfig backend;
    private final Duration timeout;

    /**
     * @param backend the backend both sides use (one seed: the prompts must come from one problem set)
     * @param timeout how long to wait for all the pipeline's answers
     */
    public PipelineCheck(final SearchEngine engine, final SyntheticConfig backend, final Duration timeout) {
        this.runner = new InProcessRunner(engine, AgentHandlers.over(new SyntheticModelBackend(backend), Topics.defaults()));
        this.backend = backend;
        this.timeout = timeout;
    }

    /**
     * One prompt, both ways.
     *
     * @param problem     the problem
     * @param strategy    its strategy
     * @param params      the strategy's parameters and the budget, as tables show them
     * @param local       the in-process run
     * @param pipeline    the pipeline's answer, null when it did not come in time
     * @param verdict     {@code agree}, or what differs
     * @param explanation why, when something differs
     */
    public record Comparison(BenchProblem problem, String strategy, String params, RunResult local,
                             AnswerPublished pipeline, String verdict, String explanation) {

        public boolean agrees() {
            return "agree".equals(verdict);
        }
    }

    /**
     * A prompt to send.
     *
     * @param problem  the problem
     * @param prompt   the prompt (its id is unique in the run)
     * @param params   its parameters and budget, as tables show them
     */
    public record Case(BenchProblem problem, PromptSubmitted prompt, String params) {
    }

    /**
     * Starts the embedded pipeline, sends every case, waits for the answers, reads each prompt's decisions back from
     * the log, and compares them with in-process runs of the same prompts.
     *
     * @throws InterruptedException when interrupted
     */
    public List<Comparison> run(final List<Case> cases, final Progress progress) throws InterruptedException {
        final Topics topics = Topics.defaults();
        final Path stateDir = tempDir();
        final Deque<AutoCloseable> started = new ArrayDeque<>();
        try {
            progress.phase("pipeline: starting Kafka and the registry", 1);
            final LocalStack local = LocalStack.start(LocalStackOptions.ephemeral(topics));
            started.push(local);
            final Map<String, String> config = new HashMap<>();
            config.put(CommonConfig.BOOTSTRAP_SERVERS, local.bootstrapServers());
            config.put(CommonConfig.SCHEMA_REGISTRY_URL, local.registryUrl());
            config.put(TopologyConfig.STATE_DIR, stateDir.toString());
            final TopologyApp topology = TopologyApp.create(new TopologyConfig(config), false);
            started.push(() -> topology.close(CLOSE_TIMEOUT));
            topology.start();
            final SyntheticModelBackend model = new SyntheticModelBackend(backend);
            final ConfluentSchemaRegistryClient registry = ConfluentSchemaRegistryClient.create(local.registryUrl());
            for (final AgentKind kind : AgentKind.values()) {
                final Agent agent = Agents.create(kind, new AgentConfig(config), model, registry);
                started.push(() -> agent.close(CLOSE_TIMEOUT));
                agent.start();
            }
            final StepwiseClient client = StepwiseClient.connect(ClientSettings.of(local.bootstrapServers(), registry, topics));
            started.push(client);
            progress.step();

            progress.phase("pipeline: " + cases.size() + " prompts", cases.size());
            final Map<String, CompletableFuture<AnswerPublished>> answers = new LinkedHashMap<>();
            for (final Case c : cases) {
                answers.put(c.prompt().getPromptId(), client.submit(c.prompt()).whenComplete((a, e) -> progress.step()));
            }
            final long until = System.nanoTime() + timeout.toNanos();
            final PromptLog log = PromptLog.of(local.bootstrapServers(), registry);
            final List<Comparison> comparisons = new ArrayList<>();
            for (final Case c : cases) {
                final AnswerPublished answer = await(answers.get(c.prompt().getPromptId()), until);
                final List<SearchDecision> decisions = answer == null ? List.of()
                        : log.eventsOf(topics.decisions(), c.prompt().getPromptId(), null);
                comparisons.add(compare(c, runner.run(c.prompt(), true), answer, decisions));
            }
            return comparisons;
        } finally {
            closeAll(started);
            deleteQuietly(stateDir);
        }
    }

    /** Compares an in-process run with the pipeline's answer and decisions. */
    static Comparison compare(final Case c, final RunResult local, final AnswerPublished pipeline,
                              final List<SearchDecision> pipelineDecisions) {
        final String strategy = c.prompt().getStrategy().getName();
        if (pipeline == null) {
            return new Comparison(c.problem(), strategy, c.params(), local, null, "no pipeline answer",
                    "the pipeline did not answer in time");
        }
        final boolean sameAnswer = Objects.equals(local.answer().getAnswer(), pipeline.getAnswer());
        final boolean sameCalls = local.modelCalls() == pipeline.getModelCalls()
                && local.answer().getCallsByRole().equals(pipeline.getCallsByRole());
        if (sameAnswer && sameCalls) {
            return new Comparison(c.problem(), strategy, c.params(), local, pipeline, "agree", "");
        }
        final String verdict = (sameAnswer ? "same answer" : "answers differ") + ", "
                + (sameCalls ? "same calls" : "calls differ (" + local.modelCalls() + " in-process, "
                + pipeline.getModelCalls() + " in the pipeline)");
        return new Comparison(c.problem(), strategy, c.params(), local, pipeline, verdict,
                explain(local.decisions(), pipelineDecisions));
    }

    /** Where two decision logs part, and what kind of difference it is. */
    static String explain(final List<SearchDecision> local, final List<SearchDecision> pipeline) {
        final List<String> ours = local.stream().map(PipelineCheck::key).toList();
        final List<String> theirs = pipeline.stream().map(PipelineCheck::key).toList();
        final StringBuilder why = new StringBuilder();
        final int retries = pipeline.stream().mapToInt(d -> d.getProgress() == null ? 0 : d.getProgress().getRetries())
                .max().orElse(0);
        if (retries > 0) {
            why.append("the pipeline asked again for ").append(retries)
                    .append(" late replies (a duplicate reply counts as a call); ");
        }
        if (ours.stream().sorted().toList().equals(theirs.stream().sorted().toList())) {
            return why.append("the same decisions in another order: replies reached the search in another order")
                    .toString();
        }
        int first = 0;
        while (first < ours.size() && first < theirs.size() && ours.get(first).equals(theirs.get(first))) {
            first++;
        }
        why.append("the decisions part at #").append(first).append(": in-process ")
                .append(first < ours.size() ? ours.get(first) : "(none)").append(" / pipeline ")
                .append(first < theirs.size() ? theirs.get(first) : "(none)");
        if (first < ours.size() && first < theirs.size() && sameAction(local.get(first), pipeline.get(first))) {
            why.append(" (the same kind of decision on other replies: replies arrived in another order)");
        }
        return why.toString();
    }

    private static boolean sameAction(final SearchDecision a, final SearchDecision b) {
        return a.getAction() == b.getAction();
    }

    private static String key(final SearchDecision d) {
        return d.getAction() + " " + d.getStepIds() + ": " + d.getReason();
    }

    /** The cases of a check: {@code count} problems spread over the difficulty of one seed's problem set. */
    public static List<BenchProblem> spread(final List<BenchProblem> problems, final long seed, final int count) {
        final List<BenchProblem> ofSeed = problems.stream().filter(p -> p.seed() == seed)
                .sorted(Comparator.comparingInt(BenchProblem::index)).toList();
        if (count >= ofSeed.size()) {
            return ofSeed;
        }
        final List<BenchProblem> picked = new ArrayList<>();
        for (int k = 0; k < count; k++) {
            final int i = count == 1 ? ofSeed.size() / 2 : (int) Math.round((double) k * (ofSeed.size() - 1) / (count - 1));
            picked.add(ofSeed.get(i));
        }
        return picked;
    }

    /** The prompt id of a case: unique per problem and strategy, as a pipeline run needs. */
    static String promptId(final BenchProblem problem, final String strategy) {
        return problem.promptId() + "-" + strategy;
    }

    /** When the pipeline's prompts are submitted. */
    static Instant now() {
        return Instant.now();
    }

    private static AnswerPublished await(final CompletableFuture<AnswerPublished> answer, final long untilNanos)
            throws InterruptedException {
        try {
            return answer.get(Math.max(0, untilNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (final TimeoutException e) {
            return null;
        } catch (final ExecutionException e) {
            LOG.warn("A pipeline prompt failed: {}", e.getCause().toString());
            return null;
        }
    }

    private static void closeAll(final Deque<AutoCloseable> started) {
        while (!started.isEmpty()) {
            final AutoCloseable part = started.pop();
            try {
                part.close();
            } catch (final Exception e) {
                LOG.warn("Error while stopping {}: {}", part, e.toString());
            }
        }
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("stepwise-bench-streams-");
        } catch (final IOException e) {
            throw new UncheckedIOException("Cannot create a state directory for the topology", e);
        }
    }

    private static void deleteQuietly(final Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (final Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (final IOException e) {
            LOG.warn("Could not delete {}: {}", dir, e.toString());
        }
    }
}
