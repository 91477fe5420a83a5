package dev.stepwise.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stepwise.models.synthetic.SyntheticTaskSuite;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's main command, run as a user runs it: a separate JVM from the packaged jar, on the
 * embedded default (real broker, real registry, topology, one agent of each kind, synthetic backend
 * with its default 10% per-step error), 20 problems of up to 16 serial steps.
 */
class DemoIT {

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void demoAnswersTwentySixteenStepProblemsWithAtLeastNinetyPercentAccuracy() throws Exception {
        try (CliProcess demo = CliProcess.start(dir, "demo", "demo", "--json")) {
            final int exit = demo.awaitExit(Duration.ofMinutes(9));
            assertThat(exit).as(demo.transcript()).isZero();

            final List<JsonNode> problems = new ArrayList<>();
            JsonNode summary = null;
            for (String line : demo.stdoutLines()) {
                final JsonNode node = Json.MAPPER.readTree(line);
                if ("summary".equals(node.path("type").asText())) {
                    summary = node;
                } else {
                    problems.add(node);
                }
            }
            assertThat(problems).as(demo.transcript()).hasSize(20);
            assertThat(summary).as(demo.transcript()).isNotNull();
            for (JsonNode p : problems) {
                assertThat(p.has("prompt_id") && p.has("family") && p.has("difficulty") && p.has("problem")
                        && p.has("answer") && p.has("expected") && p.has("correct") && p.has("model_calls")).as(p.toString()).isTrue();
                assertThat(p.get("difficulty").asInt()).isBetween(1, 16);
                assertThat(p.get("correct").asBoolean()).isEqualTo(
                        !p.get("answer").isNull() && SyntheticTaskSuite.isCorrect(p.get("problem").asText(), p.get("answer").asText()));
                assertThat(p.get("model_calls").asInt()).as("every answered prompt used the model").isPositive();
            }
            assertThat(problems.stream().map(p -> p.get("family").asText()).distinct().count())
                    .as("mixed families").isGreaterThanOrEqualTo(5);
            assertThat(problems.stream().mapToInt(p -> p.get("difficulty").asInt()).max().orElse(0)).isEqualTo(16);
            final long correct = problems.stream().filter(p -> p.get("correct").asBoolean()).count();
            assertThat(summary.get("problems").asInt()).isEqualTo(20);
            assertThat(summary.get("correct").asLong()).isEqualTo(correct);
            assertThat(summary.get("model_calls").asInt())
                    .isEqualTo(problems.stream().mapToInt(p -> p.get("model_calls").asInt()).sum());
            assertThat(summary.get("accuracy").asDouble()).as(demo.transcript()).isGreaterThanOrEqualTo(0.9);
        }
    }
}
