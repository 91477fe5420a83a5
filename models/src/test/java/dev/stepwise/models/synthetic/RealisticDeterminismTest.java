package dev.stepwise.models.synthetic;

import dev.stepwise.models.Judgement;
import dev.stepwise.models.ProposedStep;
import dev.stepwise.models.RevisionTask;
import dev.stepwise.models.StepTask;
import dev.stepwise.models.VerificationTask;
import dev.stepwise.models.VerificationTask.Kind;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/** Every output of the realistic profile is a pure function of the config and the ids of the call. */
class RealisticDeterminismTest {

    private static final SyntheticConfig REALISTIC = SyntheticConfig.realisticDefaults();

    /** Proposes, verifies (step and outcome) and revises along unverified chains of 40 problems; every output. */
    private static List<Object> run(final SyntheticModelBackend backend, final int from, final int to) {
        final List<Object> outputs = new ArrayList<>();
        for (final GeneratedProblem problem : RealisticSite.PROBLEMS.subList(from, to)) {
            final String prompt = "det-" + problem.text().hashCode();
            final List<String> chain = new ArrayList<>();
            ProposedStep step = null;
            while (step == null || !step.terminal()) {
                final String stepId = prompt + "/s" + chain.size();
                step = backend.propose(new StepTask(prompt, problem.text(), chain, stepId, chain.size()));
                final Judgement verdict = backend.verify(new VerificationTask(prompt, problem.text(), chain, stepId,
                        step.text()));
                outputs.add(step);
                outputs.add(verdict);
                outputs.add(backend.revise(new RevisionTask(prompt, problem.text(), chain, step.text(), verdict.rationale(),
                        stepId + "/r1", chain.size(), 1)));
                chain.add(step.text());
            }
            outputs.add(backend.verify(new VerificationTask(prompt, problem.text(), chain.subList(0, chain.size() - 1),
                    prompt + "/last", step.text(), Kind.OUTCOME)));
        }
        return outputs;
    }

    @Test
    void theSameConfigGivesTheSameOutputsInAnotherBackend() {
        final SyntheticConfig spelledOut = new SyntheticConfig(42L, 0.1, 0.0, 0.0, 0.1, Profile.REALISTIC,
                new RealisticConfig(0.15, 0.4, 0.3, 0.8, 0.95));
        final List<Object> first = run(new SyntheticModelBackend(REALISTIC), 0, 40);
        assertThat(run(new SyntheticModelBackend(spelledOut), 0, 40)).isEqualTo(first);
        assertThat(run(new SyntheticModelBackend(REALISTIC.withSeed(43L)), 0, 40)).isNotEqualTo(first);
    }

    @Test
    void callsFromManyThreadsGiveTheSameOutputsAsOneThread() throws Exception {
        final SyntheticModelBackend shared = new SyntheticModelBackend(REALISTIC);
        final List<Object> serial = run(new SyntheticModelBackend(REALISTIC), 0, 40);
        final List<Object> parallel = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
            final List<Future<List<Object>>> parts = new ArrayList<>();
            for (int from = 0; from < 40; from += 10) {
                final int start = from;
                parts.add(pool.submit(() -> run(shared, start, start + 10)));
            }
            for (final Future<List<Object>> part : parts) {
                parallel.addAll(part.get());
            }
        }
        assertThat(parallel).isEqualTo(serial);
    }
}
