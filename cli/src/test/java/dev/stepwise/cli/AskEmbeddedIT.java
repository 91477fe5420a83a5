package dev.stepwise.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stepwise.models.synthetic.SyntheticTaskSuite;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./stepwise ask} with no cluster given and no {@code up} running starts an embedded stack
 * for the one question, answers it, and shuts the stack down again.
 */
class AskEmbeddedIT {

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void askWithoutAClusterAnswersOnAnEmbeddedStackAndExits() throws Exception {
        final String problem = "start at 12, add 7, multiply by 3, subtract 5";
        try (CliProcess ask = CliProcess.start(dir, "ask-embedded", "ask", "--json", problem)) {
            assertThat(ask.awaitExit(Duration.ofMinutes(3))).as(ask.transcript()).isZero();
            assertThat(ask.stderrText()).contains("starting an embedded one");
            final JsonNode answer = Json.MAPPER.readTree(ask.stdoutLines().get(0));
            assertThat(answer.get("answer").asText()).isEqualTo(SyntheticTaskSuite.solve(problem));
            assertThat(answer.get("model_calls").asInt()).isPositive();
            assertThat(ask.rememberDescendants()).as("the embedded registry ran as a child process").isNotEmpty()
                    .as("and is gone with the command").noneMatch(ProcessHandle::isAlive);
        }
    }
}
