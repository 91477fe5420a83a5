package dev.stepwise.modelserver;

import dev.stepwise.models.Judgement;
import dev.stepwise.models.ProposedStep;
import dev.stepwise.models.RevisionTask;
import dev.stepwise.models.StepTask;
import dev.stepwise.models.VerificationTask;
import dev.stepwise.models.synthetic.SyntheticConfig;
import dev.stepwise.models.synthetic.SyntheticModelBackend;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The "model" behind the server: the synthetic task suite ({@link SyntheticModelBackend}) with its fallibility,
 * answering each role's prompt as a model would. It is not a language model, and says so: a prompt it cannot read, or
 * a problem outside the suite, is refused (the handler answers HTTP 400 with the reason).
 *
 * <p>Samples are reproducible: sample i of a request with seed s is the suite's step with step id {@code s.i}, so a
 * request sent again with the same seed gets the same samples. A verdict is the suite's exact check (with its
 * configured noise) of that step, and its confidence P(yes), which the logprobs carry, is drawn from the step so that
 * the same step always gets the same one.
 */
final class StandIn {

    /** One choice: its text, and for a judgement the probability of "Yes" its logprobs should show. */
    record Reply(String text, Double yes) {
    }

    private final SyntheticModelBackend suite;

    StandIn(final SyntheticConfig config) {
        this.suite = new SyntheticModelBackend(config);
    }

    /**
     * {@code n} replies to a prompt.
     *
     * @throws dev.stepwise.models.ProblemNotUnderstoodException when the problem is not one of the suite's
     */
    List<Reply> answer(final RolePrompt prompt, final int n, final long seed) {
        final String promptKey = key(prompt.problem());
        final List<Reply> replies = new ArrayList<>(n);
        switch (prompt.role()) {
            case PROPOSE -> {
                for (int i = 0; i < n; i++) {
                    final ProposedStep step = suite.propose(new StepTask(promptKey, prompt.problem(), prompt.prior(),
                            seed + "." + i, prompt.prior().size()));
                    replies.add(new Reply(StepText.render(step.text()), null));
                }
            }
            case REVISE -> {
                for (int i = 0; i < n; i++) {
                    final ProposedStep step = suite.revise(new RevisionTask(promptKey, prompt.problem(), prompt.prior(),
                            prompt.step(), prompt.critique(), seed + "." + i, prompt.prior().size(), 1));
                    replies.add(new Reply(StepText.render(step.text()), null));
                }
            }
            case VERIFY_STEP, VERIFY_OUTCOME -> {
                final Reply verdict = judge(prompt, promptKey);
                for (int i = 0; i < n; i++) {
                    replies.add(verdict);
                }
            }
        }
        return replies;
    }

    private Reply judge(final RolePrompt prompt, final String promptKey) {
        final String stepKey = key(String.join("\n", prompt.prior()) + "\n" + prompt.step());
        final VerificationTask.Kind kind = prompt.role() == RolePrompt.Role.VERIFY_OUTCOME ? VerificationTask.Kind.OUTCOME
                : VerificationTask.Kind.STEP;
        final Judgement judgement = suite.verify(new VerificationTask(promptKey, prompt.problem(), prompt.prior(),
                stepKey, prompt.step(), kind));
        // Confident but not certain, as a model is: P(yes) in [0.85, 0.98] for a yes, in [0.02, 0.15] for a no.
        final double doubt = 0.02 + 0.13 * new SplittableRandom(stepKey.hashCode()).nextDouble();
        final double yes = judgement.accepted() ? 1.0 - doubt : doubt;
        final String text = (judgement.accepted() ? "Yes" : "No") + "\nSCORE: " + String.format(Locale.ROOT, "%.2f", yes)
                + "\n" + sentence(judgement.rationale());
        return new Reply(text, yes);
    }

    private static String sentence(final String rationale) {
        final String text = rationale.strip();
        final String capital = text.isEmpty() ? text : Character.toUpperCase(text.charAt(0)) + text.substring(1);
        return capital.endsWith(".") ? capital : capital + ".";
    }

    /** A short stable key of a text: the suite seeds its choices with prompt and step ids. */
    private static String key(final String text) {
        long hash = 0xcbf29ce484222325L;
        for (final char c : text.toCharArray()) {
            hash = (hash ^ c) * 0x100000001b3L;
        }
        return HexFormat.of().toHexDigits(hash);
    }
}
