package dev.stepwise.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stepwise.models.synthetic.SyntheticTaskSuite;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./stepwise up} as a user runs it: it reaches ready with exactly one ready line, answers
 * {@code ask} from another process, explains the answer (with where each step's time went), says what
 * the synthetic backend cannot parse, and on SIGTERM shuts down cleanly, leaving no process (broker,
 * registry) behind.
 */
class UpIT {

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void upServesAskAndLeavesNothingBehindOnSigterm() throws Exception {
        // A free port for the gateway, so that the test does not depend on 8090 being free on the machine.
        try (CliProcess up = CliProcess.start(dir, "up", "up", "--gateway-port", "0")) {
            final Matcher ready = up.awaitLine("stepwise ready bootstrap=(\\S+) registry=(\\S+) gateway=(\\S+)",
                            Duration.ofMinutes(3))
                    .orElseThrow(() -> new AssertionError("up never got ready\n" + up.transcript()));
            final String bootstrap = ready.group(1);
            final String registry = ready.group(2);
            final String gateway = ready.group(3);
            assertThat(registry).endsWith("/apis/ccompat/v7");
            assertThat(gateway).startsWith("http://").endsWith("/v1").doesNotEndWith(":0/v1");
            assertThat(up.stdoutLines()).as("exactly one ready line, nothing else on stdout").hasSize(1);

            // The base URL of the ready line is what an OpenAI SDK takes: it lists the strategies as models.
            final HttpResponse<String> models = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(gateway + "/models")).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(models.statusCode()).as(models.body()).isEqualTo(200);
            assertThat(Json.MAPPER.readTree(models.body()).path("data").findValuesAsText("id"))
                    .contains("stepwise", "stepwise-auto", "stepwise-beam");

            final String problem = "compute (3*4+5)*2 mod 7";
            try (CliProcess ask = CliProcess.start(dir, "ask", "ask", "--bootstrap", bootstrap, "--registry", registry,
                    "--json", "--show-chain", problem)) {
                assertThat(ask.awaitExit(Duration.ofMinutes(2))).as(ask.transcript()).isZero();
                final JsonNode answer = Json.MAPPER.readTree(ask.stdoutLines().get(0));
                assertThat(answer.get("answer").asText()).isEqualTo(SyntheticTaskSuite.solve(problem));
                assertThat(answer.get("summary").asText()).isNotBlank();
                assertThat(answer.get("model_calls").asInt()).isPositive();
                assertThat(answer.get("prompt_id").asText()).isNotBlank();
                assertThat(answer.get("chain")).as("the winning chain, root first").isNotEmpty();

                // The log explains itself: every decision with its reason, then the same answer.
                final String promptId = answer.get("prompt_id").asText();
                try (CliProcess explain = CliProcess.start(dir, "explain", "explain", "--bootstrap", bootstrap,
                        "--registry", registry, "--json", promptId)) {
                    assertThat(explain.awaitExit(Duration.ofMinutes(1))).as(explain.transcript()).isZero();
                    final List<JsonNode> lines = new java.util.ArrayList<>();
                    for (String line : explain.stdoutLines()) {
                        lines.add(Json.MAPPER.readTree(line));
                    }
                    assertThat(lines).as(explain.transcript()).isNotEmpty();
                    assertThat(lines.get(0).get("action").asText()).isEqualTo("START");
                    assertThat(lines).anySatisfy(l -> assertThat(l.path("action").asText()).isEqualTo("STOP"));
                    assertThat(lines).allSatisfy(l -> assertThat(l.path("reason").asText().isBlank()
                            && !"answer".equals(l.path("type").asText())).isFalse());
                    final JsonNode last = lines.get(lines.size() - 1);
                    assertThat(last.get("type").asText()).isEqualTo("answer");
                    assertThat(last.get("answer").asText()).isEqualTo(answer.get("answer").asText());
                    assertThat(last.get("model_calls").asInt()).isEqualTo(answer.get("model_calls").asInt());
                }

                // Where each step's time went: every step the agents stamped has its queue, model and hop figures.
                try (CliProcess explain = CliProcess.start(dir, "explain-timings", "explain", "--bootstrap", bootstrap,
                        "--registry", registry, "--timings", promptId)) {
                    assertThat(explain.awaitExit(Duration.ofMinutes(1))).as(explain.transcript()).isZero();
                    final List<String> out = explain.stdoutLines();
                    final int header = out.indexOf(out.stream().filter(l -> l.startsWith("  depth queued  model    hop"))
                            .findFirst().orElseThrow(() -> new AssertionError(explain.transcript())));
                    final List<String> rows = out.subList(header + 1, out.size()).stream()
                            .takeWhile(l -> l.startsWith("  ")).toList();
                    assertThat(rows).as(explain.transcript()).isNotEmpty().allSatisfy(row -> {
                        final String[] columns = row.strip().split("\\s+");
                        for (int column = 1; column <= 3; column++) {
                            assertThat(Long.parseLong(columns[column])).as("queued, model, hop of %s", row).isNotNegative();
                        }
                    });
                    assertThat(out.get(header + 1 + rows.size()))
                            .startsWith("the answer's chain, " + answer.get("chain").size() + " serial step");
                }
            }

            // Found through the run file that 'up' wrote, with no flags; the synthetic backend says what it can solve.
            try (CliProcess ask = CliProcess.start(dir, "ask-bad", "ask", "--bootstrap", bootstrap, "--registry", registry,
                    "what is the meaning of life?")) {
                assertThat(ask.awaitExit(Duration.ofMinutes(2))).as(ask.transcript()).isEqualTo(2);
                assertThat(String.join("\n", ask.stdoutLines())).contains("mod").contains("openai");
            }

            final List<ProcessHandle> children = up.rememberDescendants();
            assertThat(children).as("the registry runs as a child process").isNotEmpty();
            // 143 = 128 + SIGTERM: the JVM ran its shutdown hooks and exited on the signal.
            assertThat(up.terminate(Duration.ofSeconds(60))).as(up.transcript()).isIn(0, 143);
            for (ProcessHandle child : children) {
                child.onExit().get(30, TimeUnit.SECONDS);
                assertThat(child.isAlive()).as("child %s still alive", child.pid()).isFalse();
            }
        }
    }
}
