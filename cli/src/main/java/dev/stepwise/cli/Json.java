package dev.stepwise.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stepwise.schemas.avro.AnswerPublished;
import dev.stepwise.schemas.avro.Vote;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The JSON lines {@code ask --json} and {@code demo --json} print (snake_case, one object per line). */
final class Json {

    static final ObjectMapper MAPPER = new ObjectMapper();

    private static final List<String> ROLE_ORDER = List.of("proposer", "verifier", "reviser");

    private Json() {
    }

    static ObjectNode answer(final AnswerPublished a) {
        final ObjectNode o = MAPPER.createObjectNode();
        o.put("prompt_id", a.getPromptId());
        if (a.getAnswer() == null) {
            o.putNull("answer");
        } else {
            o.put("answer", a.getAnswer());
        }
        o.put("summary", a.getSummary());
        o.put("confidence", a.getConfidence());
        o.put("model_calls", a.getModelCalls());
        o.put("tokens", a.getTokens());
        o.put("latency_ms", a.getLatencyMs());
        o.put("strategy", a.getStrategy());
        o.put("budget_exhausted", a.getBudgetExhausted());
        o.put("deadline_reached", a.getDeadlineReached());
        final ArrayNode votes = o.putArray("votes");
        for (Vote v : a.getVotes()) {
            votes.addObject().put("answer", v.getAnswer()).put("weight", v.getWeight()).put("chains", v.getChains());
        }
        final ObjectNode calls = o.putObject("calls_by_role");
        callsByRole(a).forEach(calls::put);
        if (a.getStopCause() == null || a.getStopCause().isBlank()) {
            o.putNull("stop_cause");
        } else {
            o.put("stop_cause", a.getStopCause());
        }
        if (a.getError() != null) {
            o.put("error", a.getError());
        }
        return o;
    }

    /** The answer's model calls per role, in the order of the flow (proposer, verifier, reviser), then any other role. */
    static Map<String, Integer> callsByRole(final AnswerPublished a) {
        final Map<String, Integer> ordered = new LinkedHashMap<>();
        final Map<String, Integer> given = a.getCallsByRole() == null ? Map.of() : a.getCallsByRole();
        for (String role : ROLE_ORDER) {
            if (given.containsKey(role)) {
                ordered.put(role, given.get(role));
            }
        }
        new TreeMap<>(given).forEach(ordered::putIfAbsent);
        return ordered;
    }

    static String write(final Object node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
