package dev.stepwise.models.openai;

import dev.stepwise.models.Judgement;
import dev.stepwise.models.ProposedStep;
import dev.stepwise.models.RevisionTask;
import dev.stepwise.models.StepTask;
import dev.stepwise.models.VerificationTask;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The prompts of the three roles (the verifier's in two kinds: a step, or the final answer of a finished chain), and
 * robust parsing of what a model writes back.
 */
final class ChatPrompts {

    /** A chat message. */
    record Message(String role, String content) {
        static Message system(final String content) {
            return new Message("system", content);
        }

        static Message user(final String content) {
            return new Message("user", content);
        }
    }

    /** A verifier score at or above this accepts the step. */
    static final double ACCEPT_THRESHOLD = 0.5;

    static final String PROPOSER_SYSTEM = """
            You are the proposer in a step-by-step reasoning search. You see a problem and the steps of a solution \
            written so far. Write ONLY the next step: one small step that can be checked on its own and continues \
            from the last step. Do not repeat earlier steps and do not write more than one step. If this step \
            reaches the final answer, end it with a line of the form
            ANSWER: <answer>
            and write nothing after that line.""";

    static final String VERIFIER_SYSTEM = """
            You are the verifier in a step-by-step reasoning search. You see a problem, the steps before, and one \
            new step. Judge only the new step: is it correct, and does it follow from the problem and the steps \
            before it? Reply with Yes or No alone on the first line, then a line of the form
            SCORE: <number between 0 and 1>
            where 1 means certainly correct and 0 certainly wrong, then one sentence giving the reason.""";

    static final String OUTCOME_VERIFIER_SYSTEM = """
            You are the verifier in a step-by-step reasoning search. You see a problem and a complete solution, \
            step by step, that ends with a final answer. Judge only the final answer: is it the correct answer to the \
            problem? A solution whose steps look plausible can still end with a wrong answer, so check the answer \
            against the problem itself. Reply with Yes (the final answer is correct) or No alone on the first line, then \
            a line of the form
            SCORE: <number between 0 and 1>
            where 1 means the final answer is certainly correct and 0 certainly wrong, then one sentence giving the \
            reason.""";

    static final String REVISER_SYSTEM = """
            You are the reviser in a step-by-step reasoning search. A verifier rejected a step of a solution. \
            Rewrite that step so that it is correct, using the verifier's critique. Write ONLY the corrected step. \
            If it reaches the final answer, end it with a line of the form
            ANSWER: <answer>
            and write nothing after that line.""";

    private static final Pattern THINKING = Pattern.compile("(?s)<think>.*?</think>");
    private static final Pattern STEP_LABEL = Pattern.compile("^\\s*(?:\\*\\*)?step\\s*\\d+\\s*[:.)]\\s*(?:\\*\\*)?\\s*",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern ANSWER_LINE = Pattern.compile("^[\\s*#_>-]*(?:final\\s+)?answer[\\s*_]*:\\s*(.*?)\\s*$",
            Pattern.CASE_INSENSITIVE | Pattern.MULTILINE);
    private static final Pattern BOXED = Pattern.compile("\\\\boxed\\{(.*)}");
    private static final Pattern SCORE = Pattern.compile(
            "\\bscore[\\s*_]*[:=]\\s*\\**\\s*(\\d+(?:\\.\\d+)?|\\.\\d+)\\s*(%|/\\s*(\\d+(?:\\.\\d+)?))?",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern YES_NO = Pattern.compile("^\\W*(yes|correct|no|incorrect)\\b", Pattern.CASE_INSENSITIVE);
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");
    private static final Pattern LEADING_VERDICT = Pattern.compile("^(?:yes|no|correct|incorrect)\\b[\\s.,;:!\\-]*",
            Pattern.CASE_INSENSITIVE);
    private static final int MAX_RATIONALE = 300;

    private ChatPrompts() {
    }

    static List<Message> propose(final StepTask task) {
        return List.of(Message.system(PROPOSER_SYSTEM), Message.user(context(task.problem(), task.priorSteps(),
                "Steps so far") + "Write step " + (task.priorSteps().size() + 1) + "."));
    }

    static List<Message> verify(final VerificationTask task) {
        return switch (task.kind()) {
            case STEP -> List.of(Message.system(VERIFIER_SYSTEM), Message.user(context(task.problem(), task.priorSteps(),
                    "Steps before") + "Step to judge:\n" + task.stepText()));
            case OUTCOME -> verifyOutcome(task);
        };
    }

    /**
     * The whole chain, the terminal step last, then its final answer stated on its own line (when it can be read), so
     * that the model judges the answer rather than grading the last step's arithmetic.
     */
    private static List<Message> verifyOutcome(final VerificationTask task) {
        final List<String> solution = new ArrayList<>(task.priorSteps());
        solution.add(task.stepText());
        final ProposedStep last = parseStep(task.stepText(), 0);
        final String answer = last == null || last.answer() == null ? "" : "Final answer to judge: " + last.answer() + "\n";
        return List.of(Message.system(OUTCOME_VERIFIER_SYSTEM), Message.user(context(task.problem(), solution,
                "Solution") + answer + "Is the final answer of this solution correct?"));
    }

    static List<Message> revise(final RevisionTask task) {
        return List.of(Message.system(REVISER_SYSTEM), Message.user(context(task.problem(), task.priorSteps(),
                "Steps before") + "Rejected step:\n" + task.rejectedStep() + "\n\nCritique:\n" + task.critique()
                + "\n\nWrite the corrected step " + (task.priorSteps().size() + 1) + "."));
    }

    private static String context(final String problem, final List<String> steps, final String heading) {
        final StringBuilder text = new StringBuilder("Problem:\n").append(problem).append("\n\n").append(heading)
                .append(":\n");
        if (steps.isEmpty()) {
            text.append("(none yet)\n");
        }
        for (int i = 0; i < steps.size(); i++) {
            text.append("Step ").append(i + 1).append(": ").append(steps.get(i)).append('\n');
        }
        return text.append('\n').toString();
    }

    /**
     * A step from a reply: reasoning in {@code <think>} blocks and a leading "Step n:" label are dropped; the step is
     * terminal when a line {@code ANSWER: ...} is present (the last such line counts).
     *
     * @return null when nothing is left of the reply
     */
    static ProposedStep parseStep(final String reply, final int tokens) {
        final String text = STEP_LABEL.matcher(THINKING.matcher(reply == null ? "" : reply).replaceAll("").strip())
                .replaceFirst("").strip();
        if (text.isEmpty()) {
            return null;
        }
        final Matcher answer = ANSWER_LINE.matcher(text);
        String found = null;
        while (answer.find()) {
            found = answer.group(1);
        }
        final String normalized = found == null ? null : cleanAnswer(found);
        return new ProposedStep(text, normalized != null && !normalized.isEmpty(),
                normalized == null || normalized.isEmpty() ? null : normalized, tokens);
    }

    /** Strips markdown, a {@code \boxed{}}, surrounding dollar signs and a trailing full stop. */
    static String cleanAnswer(final String raw) {
        String answer = raw.strip().replace("**", "").replace("`", "").strip();
        final Matcher boxed = BOXED.matcher(answer);
        if (boxed.find()) {
            answer = boxed.group(1);
        }
        answer = answer.strip();
        // A full stop after the closing dollar ("$14$.") would otherwise keep the dollars in.
        if (answer.endsWith("$.")) {
            answer = answer.substring(0, answer.length() - 1);
        }
        while (answer.length() >= 2 && answer.startsWith("$") && answer.endsWith("$")) {
            answer = answer.substring(1, answer.length() - 1).strip();
        }
        return answer.endsWith(".") ? answer.substring(0, answer.length() - 1).strip() : answer;
    }

    /**
     * A judgement from a reply. Reads {@code SCORE: x} with x in [0,1], a percentage, a fraction {@code a/b}, or a
     * bare number up to 10 or 100 (read as out of 10 or 100); failing that, a reply that starts with yes/correct
     * (1.0) or no/incorrect (0.0). A reply with neither gets 0.5 and is not accepted, and the rationale says so.
     */
    static Judgement parseJudgement(final String reply, final int tokens) {
        final String text = THINKING.matcher(reply == null ? "" : reply).replaceAll("").strip();
        final Matcher score = SCORE.matcher(text);
        if (score.find()) {
            final Double value = scoreValue(score);
            if (value != null) {
                // The yes/no line the prompt asks for comes before the score; it is the verdict, not the reason.
                final String before = LEADING_VERDICT.matcher(text.substring(0, score.start()).replace("**", "").strip())
                        .replaceFirst("");
                final String reason = reason(before + " " + text.substring(score.end()));
                return new Judgement(value, value >= ACCEPT_THRESHOLD,
                        reason.isEmpty() ? "the verifier gave score " + value + " without a reason" : reason, tokens);
            }
        }
        final Matcher yesNo = YES_NO.matcher(text);
        if (yesNo.find()) {
            final String word = yesNo.group(1).toLowerCase(Locale.ROOT);
            final double value = "yes".equals(word) || "correct".equals(word) ? 1.0 : 0.0;
            final String reason = reason(text.substring(yesNo.end()));
            return new Judgement(value, value >= ACCEPT_THRESHOLD,
                    reason.isEmpty() ? "the verifier answered '" + yesNo.group(1) + "'" : reason, tokens);
        }
        return new Judgement(0.5, false, "could not read a score in the verifier's reply: '"
                + truncate(WHITESPACE.matcher(text).replaceAll(" "), 200) + "'", tokens);
    }

    private static Double scoreValue(final Matcher score) {
        final double number = Double.parseDouble(score.group(1));
        final double value;
        if ("%".equals(score.group(2))) {
            value = number / 100.0;
        } else if (score.group(3) != null) {
            final double denominator = Double.parseDouble(score.group(3));
            value = denominator > 0 ? number / denominator : Double.NaN;
        } else if (number <= 1.0) {
            value = number;
        } else if (number <= 10.0) {
            value = number / 10.0;
        } else if (number <= 100.0) {
            value = number / 100.0;
        } else {
            value = Double.NaN;
        }
        return value >= 0.0 && value <= 1.0 ? value : null;
    }

    /** The first sentence of what is left, on one line and bounded in length. */
    private static String reason(final String rest) {
        String text = WHITESPACE.matcher(rest.replace("**", "")).replaceAll(" ").strip();
        text = text.replaceFirst("^[\\s.,;:\\-]+", "");
        final Matcher end = Pattern.compile("[.!?](\\s|$)").matcher(text);
        if (end.find()) {
            text = text.substring(0, end.start() + 1);
        }
        return truncate(text, MAX_RATIONALE);
    }

    private static String truncate(final String text, final int max) {
        return text.length() <= max ? text : text.substring(0, max - 3) + "...";
    }

    /** About four characters a token: a fallback when the server reports no usage. */
    static int estimateTokens(final List<Message> messages, final String reply) {
        int characters = reply == null ? 0 : reply.length();
        for (final Message message : messages) {
            characters += message.content().length();
        }
        return Math.max(1, (characters + 3) / 4);
    }
}
