package dev.stepwise.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stepwise.models.synthetic.SyntheticTaskSuite;
import dev.stepwise.models.synthetic.GeneratedProblem;
import dev.stepwise.client.ClientSettings;
import dev.stepwise.client.StepwiseClient;
import dev.stepwise.schemas.avro.AnswerPublished;
import dev.stepwise.schemas.serde.ConfluentSchemaRegistryClient;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** The README's main command: the whole system on the embedded default, end to end, with ground truth. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Answer generated serial problems end to end and check them against ground truth.",
            "",
            "Starts the embedded stack (broker, registry, topology, one agent of each kind), sends N generated",
            "serial problems from the synthetic task suite (mixed families, up to --max-steps steps each), and print",
            "for each the problem, the answer, whether it matches the ground truth and the model calls it used;",
            "then one summary line. Shuts everything down and exits 0."})
final class DemoCommand implements Callable<Integer> {

    private static final long DEFAULT_SEED = 42;

    @Spec
    CommandSpec spec;
    @Mixin
    GlobalOptions global;
    @Mixin
    ModelOptions model;
    @Mixin
    StackOptions stack;
    @Mixin
    PromptOptions promptOptions;

    @Option(names = "--problems", paramLabel = "N", defaultValue = "20", description = "Problems to send (default: ${DEFAULT-VALUE}).")
    int problems;

    @Option(names = "--max-steps", paramLabel = "N", defaultValue = "16", description = "Most serial steps of a generated problem (default: ${DEFAULT-VALUE}).")
    int maxSteps;

    @Option(names = "--json", description = "Print one JSON object per problem, then a summary object.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Logging.configure(global.verbose);
        if (problems < 1 || maxSteps < 1) {
            throw new IllegalArgumentException("--problems and --max-steps must be at least 1");
        }
        stack.validate();
        // A strategy the registry refuses is a usage error here, before the stack starts.
        promptOptions.strategy();
        final PrintWriter out = spec.commandLine().getOut();
        final long t0 = System.nanoTime();
        // --seed drives both the problem generator and the synthetic proposer, so a demo run reproduces.
        final long seed = model.seed != null ? model.seed : DEFAULT_SEED;
        final List<GeneratedProblem> generated = SyntheticTaskSuite.mixed(problems, maxSteps, seed);
        final Map<String, String> extra = new LinkedHashMap<>(model.config());
        extra.put("synthetic.seed", Long.toString(seed));
        try (StepwiseStack running = StepwiseStack.start(global.config(extra), stack,
                StepwiseStack.Parts.all(stack.proposers, stack.verifiers, stack.revisers))) {
            final long startedMs = (System.nanoTime() - t0) / 1_000_000;
            if (!json) {
                out.printf(Locale.ROOT, "stepwise demo: %d synthetic problems (up to %d serial steps), stack started in %.1f s%n%n",
                        problems, maxSteps, startedMs / 1000.0);
                out.flush();
            }
            // On a fresh embedded stack the prompt ids follow the seed, so the same seed replays the same run
            // (the synthetic proposer's errors are a function of seed, prompt and step ids). A cluster that
            // outlives the run may have answered these ids before, and answers each id once: use fresh ids there.
            final boolean fresh = stack.dataDir == null && !StepwiseStack.isExternal(global.config(extra));
            final String run = fresh ? "s" + seed : UUID.randomUUID().toString().substring(0, 8);
            final Map<String, GeneratedProblem> byId = new LinkedHashMap<>();
            for (int i = 0; i < generated.size(); i++) {
                byId.put(String.format(Locale.ROOT, "demo-%s-%02d", run, i + 1), generated.get(i));
            }
            final ConfluentSchemaRegistryClient registry = ConfluentSchemaRegistryClient.create(running.registryUrl());
            final AtomicInteger shown = new AtomicInteger();
            final AtomicInteger correct = new AtomicInteger();
            final AtomicInteger calls = new AtomicInteger();
            final AtomicLong tokens = new AtomicLong();
            final Map<String, AnswerPublished> answers = new ConcurrentHashMap<>();
            try (StepwiseClient client = StepwiseClient.connect(ClientSettings.of(running.bootstrapServers(), registry,
                    running.topics()).withClientId("stepwise-demo"))) {
                final Instant now = Instant.now();
                final List<CompletableFuture<AnswerPublished>> pending = new ArrayList<>();
                byId.forEach((id, p) -> pending.add(client.submit(promptOptions.prompt(id, p.text(), "demo", now))
                        .thenApply(a -> {
                            // Printed as each answer arrives, on the client's reader thread; one line at a time.
                            synchronized (out) {
                                answers.put(a.getPromptId(), a);
                                final boolean ok = a.getAnswer() != null && SyntheticTaskSuite.isCorrect(p.text(), a.getAnswer());
                                if (ok) {
                                    correct.incrementAndGet();
                                }
                                calls.addAndGet(a.getModelCalls());
                                tokens.addAndGet(a.getTokens());
                                printProblem(out, shown.incrementAndGet(), a.getPromptId(), p, a, ok);
                            }
                            return a;
                        })));
                final Duration wait = promptOptions.answerWait().plusSeconds(problems * 5L);
                Answers.await(CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)), wait);
            }
            synchronized (out) {
                byId.forEach((id, p) -> {
                    if (!answers.containsKey(id)) {
                        printProblem(out, shown.incrementAndGet(), id, p, null, false);
                    }
                });
            }
            final double wallS = (System.nanoTime() - t0) / 1e9;
            final double accuracy = (double) correct.get() / problems;
            if (json) {
                final ObjectNode s = Json.MAPPER.createObjectNode();
                s.put("type", "summary").put("problems", problems).put("correct", correct.get()).put("accuracy", accuracy)
                        .put("model_calls", calls.get()).put("tokens", tokens.get()).put("answered", answers.size())
                        .put("wall_seconds", Math.round(wallS * 10) / 10.0).put("stack_start_seconds", startedMs / 1000.0);
                out.println(Json.write(s));
            } else {
                out.printf(Locale.ROOT, "%nsummary: %d problems, %d correct, accuracy %.2f, %d model calls (%.0f per problem), "
                                + "%d tokens, wall %.1f s (stack start %.1f s)%n",
                        problems, correct.get(), accuracy, calls.get(), (double) calls.get() / problems, tokens.get(), wallS,
                        startedMs / 1000.0);
            }
            out.flush();
            return answers.size() == problems ? 0 : 1;
        }
    }

    private void printProblem(final PrintWriter out, final int n, final String id, final GeneratedProblem p,
                              final AnswerPublished a, final boolean ok) {
        if (json) {
            final ObjectNode o = Json.MAPPER.createObjectNode();
            o.put("prompt_id", id).put("family", p.family().id()).put("difficulty", p.difficulty()).put("problem", p.text());
            if (a == null || a.getAnswer() == null) {
                o.putNull("answer");
            } else {
                o.put("answer", a.getAnswer());
            }
            o.put("expected", p.expectedAnswer()).put("correct", ok).put("model_calls", a == null ? 0 : a.getModelCalls());
            if (a != null) {
                o.put("tokens", a.getTokens()).put("latency_ms", a.getLatencyMs()).put("confidence", a.getConfidence());
                if (a.getError() != null) {
                    o.put("error", a.getError());
                }
            } else {
                o.put("error", "no answer before the demo's timeout");
            }
            out.println(Json.write(o));
        } else {
            out.printf(Locale.ROOT, "[%2d/%d] %s, %d steps: %s%n", n, problems, p.family().id(), p.difficulty(), p.text());
            final String answer = a == null ? "(no answer)" : Objects.toString(a.getAnswer(), "(none)");
            out.printf(Locale.ROOT, "        answer %s, expected %s: %s, %d model calls%s%n", answer, p.expectedAnswer(),
                    ok ? "correct" : "WRONG", a == null ? 0 : a.getModelCalls(),
                    a != null && a.getError() != null ? " (" + a.getError() + ")" : "");
        }
        out.flush();
    }
}
