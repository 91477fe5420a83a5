package dev.stepwise.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stepwise.client.ClientSettings;
import dev.stepwise.client.StepwiseClient;
import dev.stepwise.gateway.Gateway;
import dev.stepwise.gateway.GatewayConfig;
import dev.stepwise.models.synthetic.GeneratedProblem;
import dev.stepwise.models.synthetic.SyntheticTaskSuite;
import dev.stepwise.schemas.avro.Budget;
import dev.stepwise.schemas.avro.PromptSubmitted;
import dev.stepwise.schemas.config.CommonConfig;
import dev.stepwise.schemas.serde.ConfluentSchemaRegistryClient;
import dev.stepwise.schemas.topics.Topics;
import dev.stepwise.search.strategy.StrategyRegistry;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The gateway under load: N concurrent streaming chat completions through one gateway, against the same N
 * problems submitted through the client library (the path {@code ./stepwise ask} takes, without its JVM start).
 * Not a test: run by {@code docs/bench/gateway/run.sh}, which names the exact command and seed.
 *
 * <pre>
 * serve BOOTSTRAP REGISTRY PORT              run a gateway alone in this JVM (so its memory is the gateway's)
 * run BOOTSTRAP REGISTRY BASE_URL PID N SEED OUT_DIR   drive the load; PID is the gateway's process
 * </pre>
 */
public final class GatewayBenchmark {

    private GatewayBenchmark() {
    }

    public static void main(final String[] args) throws Exception {
        if (args[0].equals("serve")) {
            final Gateway gateway = Gateway.start(Map.of(CommonConfig.BOOTSTRAP_SERVERS, args[1],
                    CommonConfig.SCHEMA_REGISTRY_URL, args[2], GatewayConfig.PORT, args[3]));
            System.out.println("gateway ready url=" + gateway.baseUrl() + " pid=" + ProcessHandle.current().pid());
            UntilShutdown.await(gateway);
            return;
        }
        run(args[1], args[2], args[3], Long.parseLong(args[4]), Integer.parseInt(args[5]), Long.parseLong(args[6]),
                Path.of(args[7]));
    }

    /** One request's timings, in ms from when it was sent. */
    record Result(String path, String family, int steps, long firstByteMs, long firstProgressMs, long totalMs,
                  boolean correct, String error) {
    }

    private static void run(final String bootstrap, final String registry, final String baseUrl, final long gatewayPid,
                            final int n, final long seed, final Path out) throws Exception {
        final List<GeneratedProblem> problems = SyntheticTaskSuite.mixed(n, 16, seed);
        Files.createDirectories(out);
        final List<Result> results = Collections.synchronizedList(new ArrayList<>());

        // 1. The ask path: the client library, all N at once.
        try (StepwiseClient client = StepwiseClient.connect(ClientSettings.of(bootstrap,
                ConfluentSchemaRegistryClient.create(registry), Topics.defaults()).withClientId("bench-ask"))) {
            final List<CompletableFuture<Void>> pending = new ArrayList<>();
            final String run = Long.toHexString(System.nanoTime());
            for (int i = 0; i < n; i++) {
                final GeneratedProblem p = problems.get(i);
                final long t0 = System.nanoTime();
                final PromptSubmitted prompt = PromptSubmitted.newBuilder().setPromptId("bench-" + run + "-" + i)
                        .setText(p.text()).setStrategy(StrategyRegistry.standard().toAvro(StrategyRegistry.standard()
                                .resolve(null, Map.of()))).setBudget(Budget.newBuilder().build()).setRequester("bench")
                        .setSubmittedAt(Instant.now()).build();
                pending.add(client.submit(prompt).handle((a, e) -> {
                    final long ms = (System.nanoTime() - t0) / 1_000_000;
                    results.add(new Result("ask", p.family().id(), p.difficulty(), -1, -1, ms,
                            a != null && a.getAnswer() != null && SyntheticTaskSuite.isCorrect(p.text(), a.getAnswer()),
                            e != null ? e.toString() : a.getError()));
                    return null;
                }));
            }
            CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).get(10, TimeUnit.MINUTES);
        }
        System.out.printf(Locale.ROOT, "ask path: %d answers%n", results.size());

        // 2. The gateway: N concurrent streams, each on a virtual thread; the gateway's RSS sampled meanwhile.
        final AtomicLong peakRssKb = new AtomicLong();
        final Thread sampler = Thread.ofPlatform().daemon().start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                peakRssKb.accumulateAndGet(rssKb(gatewayPid), Math::max);
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        final long rssBeforeKb = rssKb(gatewayPid);
        final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .executor(Executors.newVirtualThreadPerTaskExecutor()).build();
        final CountDownLatch done = new CountDownLatch(n);
        final long wall0 = System.nanoTime();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < n; i++) {
                final GeneratedProblem p = problems.get(i);
                pool.submit(() -> {
                    try {
                        results.add(stream(http, baseUrl, p));
                    } finally {
                        done.countDown();
                    }
                });
            }
            done.await(10, TimeUnit.MINUTES);
        }
        final double wallS = (System.nanoTime() - wall0) / 1e9;
        sampler.interrupt();
        write(out, results, n, seed, wallS, rssBeforeKb, peakRssKb.get(), heapInfo(gatewayPid));
    }

    private static Result stream(final HttpClient http, final String baseUrl, final GeneratedProblem p) {
        final ObjectNode body = Json.MAPPER.createObjectNode().put("model", "stepwise").put("stream", true);
        body.putArray("messages").addObject().put("role", "user").put("content", p.text());
        final long t0 = System.nanoTime();
        long firstByte = -1;
        long firstProgress = -1;
        final StringBuilder answer = new StringBuilder();
        String error = null;
        try {
            final HttpResponse<java.io.InputStream> r = http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/chat/completions"))
                    .header("Content-Type", "application/json").timeout(Duration.ofMinutes(5))
                    .POST(HttpRequest.BodyPublishers.ofString(Json.write(body))).build(), HttpResponse.BodyHandlers.ofInputStream());
            if (r.statusCode() != 200) {
                return new Result("gateway", p.family().id(), p.difficulty(), -1, -1, ms(t0), false,
                        "HTTP " + r.statusCode() + " " + new String(r.body().readAllBytes(), StandardCharsets.UTF_8));
            }
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    if (!line.startsWith("data: ")) {
                        continue;
                    }
                    firstByte = firstByte < 0 ? ms(t0) : firstByte;
                    final String data = line.substring(6);
                    if (data.equals("[DONE]")) {
                        break;
                    }
                    final JsonNode chunk = Json.MAPPER.readTree(data);
                    if (chunk.has("error")) {
                        error = chunk.get("error").toString();
                        continue;
                    }
                    final JsonNode delta = chunk.at("/choices/0/delta");
                    if (firstProgress < 0 && delta.path("reasoning_content").asText("").startsWith("depth")) {
                        firstProgress = ms(t0);
                    }
                    answer.append(delta.path("content").asText(""));
                }
            }
        } catch (Exception e) {
            error = e.toString();
        }
        return new Result("gateway", p.family().id(), p.difficulty(), firstByte, firstProgress, ms(t0),
                error == null && SyntheticTaskSuite.isCorrect(p.text(), answer.toString()), error);
    }

    private static long ms(final long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }

    private static long rssKb(final long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (Exception e) {
            return 0;
        }
        return 0;
    }

    private static String heapInfo(final long pid) {
        try {
            final Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                    Long.toString(pid), "GC.heap_info").redirectErrorStream(true).start();
            final String text = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            jcmd.waitFor(30, TimeUnit.SECONDS);
            return text.strip();
        } catch (Exception e) {
            return "jcmd failed: " + e;
        }
    }

    private static long percentile(final List<Long> sorted, final double q) {
        if (sorted.isEmpty()) {
            return -1;
        }
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(q * sorted.size()) - 1));
    }

    private static List<Long> sorted(final List<Result> results, final String path, final java.util.function.ToLongFunction<Result> f) {
        return results.stream().filter(r -> r.path().equals(path) && r.error() == null).mapToLong(f).filter(v -> v >= 0)
                .sorted().boxed().toList();
    }

    private static void write(final Path out, final List<Result> results, final int n, final long seed, final double wallS,
                              final long rssBeforeKb, final long peakRssKb, final String heap) throws Exception {
        final List<String> csv = new ArrayList<>(List.of("path,family,steps,first_byte_ms,first_progress_ms,total_ms,correct,error"));
        results.forEach(r -> csv.add(String.format(Locale.ROOT, "%s,%s,%d,%d,%d,%d,%b,%s", r.path(), r.family(), r.steps(),
                r.firstByteMs(), r.firstProgressMs(), r.totalMs(), r.correct(),
                r.error() == null ? "" : "\"" + r.error().replace("\"", "'") + "\"")));
        Files.write(out.resolve("results.csv"), csv);
        final StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "%d concurrent requests, seed %d, problems of 1-16 serial steps (mixed families)%n%n", n, seed));
        md.append("| path | requests | errors | correct | p50 total ms | p99 total ms | p50 first progress ms | p99 first progress ms | p50 first byte ms |\n");
        md.append("|---|---|---|---|---|---|---|---|---|\n");
        for (String path : List.of("ask", "gateway")) {
            final List<Result> of = results.stream().filter(r -> r.path().equals(path)).toList();
            final List<Long> total = sorted(results, path, Result::totalMs);
            final List<Long> progress = sorted(results, path, Result::firstProgressMs);
            final List<Long> firstByte = sorted(results, path, Result::firstByteMs);
            md.append(String.format(Locale.ROOT, "| %s | %d | %d | %d | %d | %d | %s | %s | %s |%n", path, of.size(),
                    of.stream().filter(r -> r.error() != null).count(), of.stream().filter(Result::correct).count(),
                    percentile(total, 0.5), percentile(total, 0.99),
                    progress.isEmpty() ? "-" : percentile(progress, 0.5), progress.isEmpty() ? "-" : percentile(progress, 0.99),
                    firstByte.isEmpty() ? "-" : percentile(firstByte, 0.5)));
        }
        md.append(String.format(Locale.ROOT, "%nGateway wall time for the %d streams: %.1f s. Gateway process RSS: %d MiB before, "
                + "%d MiB peak during the run.%n%nGateway heap after the run (`jcmd PID GC.heap_info`):%n%n```%n%s%n```%n",
                n, wallS, rssBeforeKb / 1024, peakRssKb / 1024, heap));
        results.stream().filter(r -> r.error() != null).limit(5).forEach(r -> md.append("\nerror: ").append(r.error()).append('\n'));
        Files.writeString(out.resolve("results.md"), md.toString());
        System.out.print(md);
    }
}
