package dev.stepwise.modelserver;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the OpenAI backend asks for, read back from its chat messages (models/openai/ChatPrompts): the role, the
 * problem, the steps so far and, by role, the step to judge, or the rejected step and its critique. Step texts come
 * back in the suite's own form ({@link StepText#parse}).
 *
 * @param role      what is asked for
 * @param problem   the problem text
 * @param prior     the steps before, suite texts; for an outcome, the solution before its last step
 * @param step      the step to judge (for an outcome, the last step of the solution) or the rejected step; else null
 * @param critique  the verifier's critique of the rejected step; else null
 */
record RolePrompt(Role role, String problem, List<String> prior, String step, String critique) {

    /** The four kinds of prompt the backend sends. */
    enum Role { PROPOSE, VERIFY_STEP, VERIFY_OUTCOME, REVISE }

    private static final Pattern CONTEXT = Pattern.compile(
            "(?s)^Problem:\\n(.*?)\\n\\n(Steps so far|Steps before|Solution):\\n(.*?)\\n\\n(.*)$");
    private static final Pattern STEP_LINE = Pattern.compile("^Step \\d+: ?(.*)$");
    private static final String TO_JUDGE = "Step to judge:\n";
    private static final String REJECTED = "Rejected step:\n";
    private static final String CRITIQUE = "\n\nCritique:\n";
    private static final String CORRECTED = "\n\nWrite the corrected step";

    RolePrompt {
        prior = List.copyOf(prior);
    }

    /**
     * Reads the prompt of a request's messages: the system message names the role, the last user message carries
     * the problem and the chain.
     *
     * @return empty when the messages are not a prompt of Stepwise's OpenAI backend
     */
    static Optional<RolePrompt> read(final String system, final String user) {
        final Matcher context = CONTEXT.matcher(user == null ? "" : user.strip() + "\n");
        if (system == null || !context.matches()) {
            return Optional.empty();
        }
        final String who = system.toLowerCase(Locale.ROOT);
        final String problem = context.group(1).strip();
        final List<String> steps = steps(context.group(3));
        final String rest = context.group(4).strip();
        if (who.contains("you are the proposer")) {
            return Optional.of(new RolePrompt(Role.PROPOSE, problem, steps, null, null));
        }
        if (who.contains("you are the verifier") && "Solution".equals(context.group(2)) && !steps.isEmpty()) {
            return Optional.of(new RolePrompt(Role.VERIFY_OUTCOME, problem, steps.subList(0, steps.size() - 1),
                    steps.getLast(), null));
        }
        if (who.contains("you are the verifier") && rest.startsWith(TO_JUDGE)) {
            return Optional.of(new RolePrompt(Role.VERIFY_STEP, problem, steps, StepText.parse(rest.substring(
                    TO_JUDGE.length())), null));
        }
        final int critique = rest.lastIndexOf(CRITIQUE);
        final int corrected = rest.lastIndexOf(CORRECTED);
        if (who.contains("you are the reviser") && rest.startsWith(REJECTED) && critique > 0 && corrected > critique) {
            return Optional.of(new RolePrompt(Role.REVISE, problem, steps,
                    StepText.parse(rest.substring(REJECTED.length(), critique)),
                    rest.substring(critique + CRITIQUE.length(), corrected).strip()));
        }
        return Optional.empty();
    }

    /** "Step n: text" lines; a line that does not start a step continues the one before (an ANSWER line). */
    private static List<String> steps(final String block) {
        final List<StringBuilder> steps = new ArrayList<>();
        for (final String line : block.split("\n", -1)) {
            final Matcher step = STEP_LINE.matcher(line);
            if (step.matches()) {
                steps.add(new StringBuilder(step.group(1)));
            } else if (!steps.isEmpty() && !line.isBlank()) {
                steps.getLast().append('\n').append(line);
            }
        }
        return steps.stream().map(step -> StepText.parse(step.toString())).toList();
    }
}
