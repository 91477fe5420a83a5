package dev.stepwise.bench;

import dev.stepwise.schemas.avro.AnswerPublished;
import dev.stepwise.schemas.avro.SearchDecision;
import java.util.List;
import java.util.Map;

/**
 * One prompt run in-process.
 *
 * @param answer    what the engine published
 * @param counted   calls per role as the runner counted them: replies that reached the engine
 * @param lateCalls calls whose replies were still queued when the answer came (spent, but not in the answer)
 * @param events    steps and verdicts the engine handled
 * @param stalled   true when nothing was in flight and the search had not answered, so it was answered at its
 *                  deadline (as the pipeline would after waiting for it)
 * @param decisions the decision log, when it was asked for
 */
public record RunResult(AnswerPublished answer, Map<String, Integer> counted, int lateCalls, int events,
                        boolean stalled, List<SearchDecision> decisions) {

    /** Calls the answer reports. */
    public int modelCalls() {
        return answer.getModelCalls();
    }

    /** The answer's calls of one role (0 when it made none). */
    public int calls(final String role) {
        final Integer calls = answer.getCallsByRole().get(role);
        return calls == null ? 0 : calls;
    }

    /** True when the runner's own count agrees with the answer's, in total and per role. */
    public boolean countsAgree() {
        final int total = counted.values().stream().mapToInt(Integer::intValue).sum();
        if (total != answer.getModelCalls()) {
            return false;
        }
        final Map<String, Integer> reported = answer.getCallsByRole();
        for (final Map.Entry<String, Integer> role : counted.entrySet()) {
            if (!role.getValue().equals(reported.get(role.getKey()))) {
                return false;
            }
        }
        return reported.values().stream().mapToInt(Integer::intValue).sum() == total;
    }
}
