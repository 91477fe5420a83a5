package dev.stepwise.search.strategy;

import dev.stepwise.search.Search;
import dev.stepwise.search.Step;

/** Sentences strategies write into their decisions. */
final class Reasons {

    private Reasons() {
    }

    /** Why a step was not accepted, quoting the verifier's rationale. */
    static String rejection(final Step step) {
        final String rationale = step.check() == null ? null : step.check().rationale();
        final String why = rationale == null || rationale.isBlank() ? "no rationale given" : rationale;
        return "Rejected by the verifier (score " + Search.score(step.score()) + "): " + why;
    }
}
