package dev.stepwise.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stepwise.models.synthetic.SyntheticTaskSuite;
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
 * {@code ask} from another process, explains a problem the synthetic backend cannot parse, and on
 * SIGTERM shuts down cleanly, leaving no process (broker, registry) behind.
 */
class UpIT {

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void upServesAskAndLeavesNothingBehindOnSigterm() throws Exception {
        try (CliProcess up = CliProcess.start(dir, "up", "up")) {
            final Matcher ready = up.awaitLine("stepwise ready bootstrap=(\\S+) registry=(\\S+)", Duration.ofMinutes(3))
                    .orElseThrow(() -> new AssertionError("up never got ready\n" + up.transcript()));
            final String bootstrap = ready.group(1);
            final String registry = ready.group(2);
            assertThat(registry).endsWith("/apis/ccompat/v7");
            assertThat(up.stdoutLines()).as("exactly one ready line, nothing else on stdout").hasSize(1);

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
