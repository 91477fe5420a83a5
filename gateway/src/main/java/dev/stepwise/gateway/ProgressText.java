package dev.stepwise.gateway;

import dev.stepwise.client.Progress;
import dev.stepwise.search.strategy.ResolvedStrategy;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The reasoning text a client sees while a search runs: numbers about the search, one line per change, never
 * the steps themselves nor the search's reasons (which can quote them).
 */
final class ProgressText {

    private ProgressText() {
    }

    /** The first line, sent as soon as the prompt is submitted: how it will be searched, within what budget. */
    static String opening(final SearchRequest request) {
        final ResolvedStrategy strategy = request.strategy();
        final List<String> values = new ArrayList<>();
        strategy.parameters().values().forEach((name, value) -> values.add(name + " "
                + strategy.descriptor().parameter(name).map(p -> p.format(value)).orElse(String.valueOf(value))));
        return String.format(Locale.ROOT, "Searching with %s%s, up to %d model calls (reasoning effort %s)%s.%n",
                strategy.name(), values.isEmpty() ? "" : " (" + String.join(", ", values) + ")", request.maxModelCalls(),
                request.effort().wireName(), request.maxTokens() == null ? "" : " and " + request.maxTokens() + " tokens");
    }

    /** {@code depth 4: 2 chains alive, 1 finished; 58 model calls, 4130 tokens; 2 revisions, 1 retry}. */
    static String line(final Progress p) {
        final StringBuilder line = new StringBuilder(String.format(Locale.ROOT,
                "depth %d: %d %s alive, %d finished; %d model calls, %d tokens", p.depth(), p.chainsAlive(),
                p.chainsAlive() == 1 ? "chain" : "chains", p.finishedChains(), p.modelCalls(), p.tokens()));
        if (p.revisions() > 0 || p.retries() > 0) {
            line.append(String.format(Locale.ROOT, "; %d %s, %d %s", p.revisions(), p.revisions() == 1 ? "revision" : "revisions",
                    p.retries(), p.retries() == 1 ? "retry" : "retries"));
        }
        return line.append('\n').toString();
    }
}
