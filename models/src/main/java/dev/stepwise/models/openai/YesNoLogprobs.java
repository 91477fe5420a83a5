package dev.stepwise.models.openai;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Locale;
import java.util.OptionalDouble;

/**
 * Reads a verifier's confidence from the log-probabilities of its yes/no judgement (the first word the verifier
 * prompt asks for): P(yes) / (P(yes) + P(no)) over the alternatives of the first token that reads "yes" or "no",
 * with variants such as " Yes", "YES" and "**Yes" counted together. That is a finer score than the single number a
 * model writes after {@code SCORE:}, and it cannot be misread.
 */
final class YesNoLogprobs {

    /** A judgement further into the reply than this many words is not the verdict the prompt asked for first. */
    private static final int MAX_WORDS_BEFORE_VERDICT = 16;

    private YesNoLogprobs() {
    }

    /**
     * P(yes) from {@code choices[i].logprobs.content}, or empty when there are no log-probabilities or no yes/no
     * token near the start of the reply (after any {@code <think>} block).
     */
    static OptionalDouble probabilityOfYes(final JsonNode content) {
        if (!content.isArray()) {
            return OptionalDouble.empty();
        }
        final StringBuilder seen = new StringBuilder();
        int words = 0;
        for (final JsonNode token : content) {
            final String text = token.path("token").asText("");
            seen.append(text);
            if (seen.indexOf("<think>") >= 0 && seen.indexOf("</think>") < 0) {
                continue;
            }
            final String verdict = verdict(text);
            if (verdict != null) {
                return score(token, verdict);
            }
            if (!text.isBlank() && text.chars().anyMatch(Character::isLetterOrDigit) && ++words > MAX_WORDS_BEFORE_VERDICT) {
                return OptionalDouble.empty();
            }
        }
        return OptionalDouble.empty();
    }

    private static OptionalDouble score(final JsonNode token, final String chosen) {
        double yes = 0.0;
        double no = 0.0;
        for (final JsonNode alternative : token.path("top_logprobs")) {
            final String verdict = verdict(alternative.path("token").asText(""));
            final double probability = Math.exp(alternative.path("logprob").asDouble(Double.NEGATIVE_INFINITY));
            if ("yes".equals(verdict)) {
                yes += probability;
            } else if ("no".equals(verdict)) {
                no += probability;
            }
        }
        if (yes + no == 0.0) {
            // No alternatives sent: all that is known is the chosen token's own probability.
            final double probability = Math.exp(token.path("logprob").asDouble(Double.NEGATIVE_INFINITY));
            yes = "yes".equals(chosen) ? probability : 1.0 - probability;
            no = 1.0 - yes;
        }
        final double score = yes / (yes + no);
        return Double.isFinite(score) ? OptionalDouble.of(Math.min(1.0, Math.max(0.0, score))) : OptionalDouble.empty();
    }

    /** "yes" or "no" when the token is that word, whatever its case, spaces and markup; else null. */
    private static String verdict(final String token) {
        final String word = token.replaceAll("[^A-Za-z]", "").toLowerCase(Locale.ROOT);
        return "yes".equals(word) || "no".equals(word) ? word : null;
    }
}
