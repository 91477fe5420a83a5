package dev.stepwise.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class BenchCommandTest {

    @TempDir
    Path out;

    private final StringWriter stdout = new StringWriter();
    private final StringWriter stderr = new StringWriter();

    private int bench(final String... args) {
        final CommandLine cli = new CommandLine(new BenchCommand());
        cli.setOut(new PrintWriter(stdout));
        cli.setErr(new PrintWriter(stderr));
        return cli.execute(args);
    }

    @Test
    void aTinyRunWritesEveryOutputAndRecordsItsCommandAndSeeds() throws Exception {
        final int code = bench("strategies", "--out", out.toString(), "--problems", "10", "--budgets", "16,64",
                "--strategies", "auto,revise,weighted-best-of-n,adaptive-majority", "--pass-samples", "4", "--seeds", "7",
                "--calibration-seeds", "8", "--threads", "2", "--no-progress");
        assertThat(code).as(stderr.toString()).isZero();
        for (final String file : List.of("results.csv", "difficulty.csv", "results.md", "headlines.txt", "grid.json",
                "README.md", "accuracy-vs-calls-uniform-exact.png", "accuracy-vs-calls-uniform-noisy.png",
                "accuracy-vs-calls-realistic-exact.png", "accuracy-vs-calls-realistic-noisy.png")) {
            assertThat(out.resolve(file)).as(file).isNotEmptyFile();
        }
        final String readme = Files.readString(out.resolve("README.md"));
        assertThat(readme).contains("./stepwise bench strategies --out").contains("--seeds 7")
                .contains("Evaluation seeds `7`").contains("Calibration seeds `8`");
        // 4 strategies x 2 budgets x 2 verifiers x 2 profiles x (5 bins + all).
        assertThat(Files.readAllLines(out.resolve("results.csv"))).hasSize(1 + 4 * 2 * 2 * 2 * 6);
        assertThat(stdout.toString()).contains("uniform profile, exact verifier, all problems:")
                .contains("realistic profile, noisy verifier, all problems:");
        final byte[] png = Files.readAllBytes(out.resolve("accuracy-vs-calls-uniform-exact.png"));
        assertThat(png).startsWith(0x89, 'P', 'N', 'G');
    }

    @Test
    void benchAloneRunsTheStrategiesBench() {
        final int code = bench("--out", out.toString(), "--problems", "5", "--budgets", "32", "--strategies", "beam",
                "--verifiers", "exact", "--profiles", "uniform", "--pass-samples", "2", "--seeds", "3", "--calibration-seeds", "4", "--no-progress");
        assertThat(code).as(stderr.toString()).isZero();
        assertThat(out.resolve("results.csv")).isNotEmptyFile();
    }

    @Test
    void calibrationSeedsThatMeetTheEvaluationSeedsAreRefused() {
        final int code = bench("strategies", "--out", out.toString(), "--seeds", "1-3", "--calibration-seeds", "3-4",
                "--no-progress");
        assertThat(code).isNotZero();
        assertThat(stderr.toString()).contains("must be disjoint; both hold [3]");
        assertThat(out.resolve("results.csv")).doesNotExist();
    }

    @Test
    void anUnknownStrategyIsRefusedWithTheGridsStrategies() {
        assertThat(bench("strategies", "--strategies", "best-of-everything", "--out", out.toString(), "--no-progress"))
                .isNotZero();
        assertThat(stderr.toString()).contains("no strategy 'best-of-everything' in the grid");
    }
}
