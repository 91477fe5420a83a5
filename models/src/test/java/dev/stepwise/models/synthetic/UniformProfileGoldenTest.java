package dev.stepwise.models.synthetic;

import dev.stepwise.models.Judgement;
import dev.stepwise.models.ModelBackend;
import dev.stepwise.models.ProposedStep;
import dev.stepwise.models.RevisionTask;
import dev.stepwise.models.StepTask;
import dev.stepwise.models.VerificationTask;
import dev.stepwise.models.VerificationTask.Kind;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Pins every output of the {@code uniform} profile, byte for byte: proposals, step and outcome verdicts (with and
 * without verifier noise) and revisions, over every family and difficulties 1 to 12. The digests were computed with the
 * backend as it was before the {@code realistic} profile existed, so a change to the uniform behaviour, however small,
 * fails here. If the uniform behaviour is ever meant to change, recompute them and say why in the commit.
 */
class UniformProfileGoldenTest {

    /** SHA-256 of the workload's outputs with the default config but 30% step errors (an exact verifier). */
    private static final String EXACT_VERIFIER_DIGEST =
            "5e233c9dc15c4f1adfc36b11cf6fa9600ccc5e503473940795a0481b9e518fba";

    /** The same with false accepts (0.2), false rejects (0.1) and 30% reviser errors. */
    private static final String NOISY_VERIFIER_DIGEST =
            "03ec1a96cee38805c3a56f07cc4aaa096c25766035ff9c7283407ab6ab5b3ea1";

    @Test
    void uniformOutputsWithAnExactVerifierAreUnchanged() {
        assertThat(digest(new SyntheticModelBackend(SyntheticConfig.defaults().withStepErrorRate(0.3))))
                .isEqualTo(EXACT_VERIFIER_DIGEST);
    }

    @Test
    void uniformOutputsWithANoisyVerifierAreUnchanged() {
        final SyntheticConfig noisy = SyntheticConfig.defaults().withStepErrorRate(0.3).withVerifierNoise(0.2, 0.1)
                .withReviserErrorRate(0.3);
        assertThat(digest(new SyntheticModelBackend(noisy))).isEqualTo(NOISY_VERIFIER_DIGEST);
    }

    /** Runs a fixed workload through every role and hashes everything the backend returned. */
    private static String digest(final ModelBackend backend) {
        final MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (final NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
        for (final Family family : Family.values()) {
            for (int steps = 1; steps <= 12; steps++) {
                for (long seed = 0; seed < 3; seed++) {
                    final GeneratedProblem problem = SyntheticTaskSuite.generate(family, steps, seed);
                    final String prompt = family.id() + "-" + steps + "-" + seed;
                    final List<String> chain = new ArrayList<>();
                    ProposedStep step = null;
                    while (step == null || !step.terminal()) {
                        final String stepId = prompt + "/s" + chain.size();
                        step = backend.propose(new StepTask(prompt, problem.text(), chain, stepId, chain.size()));
                        update(sha, step);
                        final Judgement verdict = backend.verify(
                                new VerificationTask(prompt, problem.text(), chain, stepId, step.text()));
                        update(sha, verdict);
                        for (int attempt = 1; attempt <= 2; attempt++) {
                            update(sha, backend.revise(new RevisionTask(prompt, problem.text(), chain, step.text(),
                                    verdict.rationale(), stepId + "/r" + attempt, chain.size(), attempt)));
                        }
                        chain.add(step.text());
                    }
                    update(sha, backend.verify(new VerificationTask(prompt, problem.text(),
                            chain.subList(0, chain.size() - 1), prompt + "/last", step.text(), Kind.OUTCOME)));
                }
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private static void update(final MessageDigest sha, final ProposedStep step) {
        update(sha, step.text() + "|" + step.terminal() + "|" + step.answer() + "|" + step.tokens());
    }

    private static void update(final MessageDigest sha, final Judgement verdict) {
        update(sha, verdict.score() + "|" + verdict.accepted() + "|" + verdict.rationale() + "|" + verdict.tokens());
    }

    private static void update(final MessageDigest sha, final String line) {
        sha.update((line + "\n").getBytes(StandardCharsets.UTF_8));
    }
}
