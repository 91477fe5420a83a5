package dev.stepwise.modelserver;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The suite's step texts ({@code 3*4 = 12 = 5 (mod 7); now (5+5)*2 mod 7; answer: 6}) as a model would write them:
 * a sentence, and a final step that ends with a line {@code ANSWER: <value>}, which is what the OpenAI backend's
 * prompts ask for. Reading a sentence back gives the suite's text again, so that a chain the server wrote can be
 * continued and checked from what it says.
 */
final class StepText {

    private static final Pattern SUITE_ANSWER = Pattern.compile(";\\s*answer\\s*:\\s*([^;]*?)\\s*$", Pattern.CASE_INSENSITIVE);
    private static final Pattern SENTENCE = Pattern.compile(
            "(?s)^We compute (.+?)(?:, and so the state is: (.+?))?\\.(?:\\s*\\nANSWER:\\s*(.*?))?\\s*$");
    private static final String STATE = ", and so the state is: ";

    private StepText() {
    }

    /** The sentence for a suite step. */
    static String render(final String suiteText) {
        String body = suiteText.strip();
        String answer = null;
        final Matcher clause = SUITE_ANSWER.matcher(body);
        if (clause.find()) {
            answer = clause.group(1);
            body = body.substring(0, clause.start()).strip();
        }
        final int split = body.indexOf("; ");
        final String sentence = split < 0 ? "We compute " + body + "."
                : "We compute " + body.substring(0, split) + STATE + body.substring(split + 2) + ".";
        return answer == null ? sentence : sentence + "\nANSWER: " + answer;
    }

    /** The suite's text of a sentence {@link #render} wrote; any other text as it is (the suite then says what is wrong). */
    static String parse(final String sentence) {
        final Matcher matcher = SENTENCE.matcher(sentence.strip());
        if (!matcher.matches()) {
            return sentence.strip();
        }
        final String body = matcher.group(2) == null ? matcher.group(1) : matcher.group(1) + "; " + matcher.group(2);
        return matcher.group(3) == null ? body : body + "; answer: " + matcher.group(3);
    }
}
