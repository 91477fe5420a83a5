package dev.stepwise.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stepwise.schemas.EventSamples;
import dev.stepwise.schemas.avro.AnswerPublished;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The answer object {@code ask --json} and {@code demo --json} print. */
class JsonTest {

    @Test
    void theAnswerCarriesItsCallsByRoleInFlowOrderAndItsStopCause() {
        final ObjectNode o = Json.answer(EventSamples.answerPublished());

        final JsonNode calls = o.get("calls_by_role");
        final List<String> roles = new ArrayList<>();
        calls.fieldNames().forEachRemaining(roles::add);
        assertThat(roles).containsExactly("proposer", "verifier", "reviser");
        assertThat(calls.get("proposer").asInt()).isEqualTo(6);
        assertThat(calls.get("verifier").asInt()).isEqualTo(4);
        assertThat(calls.get("reviser").asInt()).isEqualTo(1);
        assertThat(o.get("stop_cause").asText()).isEqualTo("deadline");
        assertThat(o.get("model_calls").asInt()).isEqualTo(11);
        assertThat(Json.write(o)).contains("\"calls_by_role\":{\"proposer\":6,\"verifier\":4,\"reviser\":1}");
    }

    @Test
    void rolesThisVersionDoesNotKnowFollowTheKnownOnes() {
        final AnswerPublished a = AnswerPublished.newBuilder(EventSamples.answerPublished())
                .setCallsByRole(Map.of("judge", 2, "verifier", 4, "critic", 1)).build();

        assertThat(Json.callsByRole(a)).containsExactly(Map.entry("verifier", 4), Map.entry("critic", 1),
                Map.entry("judge", 2));
    }

    @Test
    void anAnswerFromBeforeTheFieldsHasNoCallsByRoleAndANullStopCause() {
        final AnswerPublished old = AnswerPublished.newBuilder(EventSamples.answerPublished())
                .setCallsByRole(Map.of()).setStopCause("").build();

        final ObjectNode o = Json.answer(old);

        assertThat(o.get("calls_by_role").isEmpty()).isTrue();
        assertThat(o.get("stop_cause").isNull()).isTrue();
    }
}
