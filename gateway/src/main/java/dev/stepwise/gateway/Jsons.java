package dev.stepwise.gateway;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;

/** The gateway's one JSON mapper. */
final class Jsons {

    static final ObjectMapper MAPPER = new ObjectMapper();

    private Jsons() {
    }

    static byte[] bytes(final JsonNode node) {
        return write(node).getBytes(StandardCharsets.UTF_8);
    }

    static String write(final JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
