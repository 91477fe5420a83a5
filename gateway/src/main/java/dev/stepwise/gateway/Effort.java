package dev.stepwise.gateway;

import java.util.Arrays;
import java.util.Locale;

/**
 * OpenAI's {@code reasoning_effort} as a model-call budget: how much test-time compute one prompt may spend.
 * {@code medium}, the default, is the topology's own default budget. A 16-step synthetic problem takes about
 * 110-200 calls with the default beam (2 x 3), so {@code none} and {@code minimal} answer short problems only
 * and say so ({@code finish_reason: "length"}) on long ones.
 */
public enum Effort {
    NONE(16),
    MINIMAL(50),
    LOW(150),
    MEDIUM(400),
    HIGH(1_000),
    XHIGH(2_500);

    private final int maxModelCalls;

    Effort(final int maxModelCalls) {
        this.maxModelCalls = maxModelCalls;
    }

    public int maxModelCalls() {
        return maxModelCalls;
    }

    /** The name requests use: {@code none}, {@code minimal}, ..., {@code xhigh}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The effort called {@code value}.
     *
     * @throws ApiError 400 for any other value
     */
    public static Effort parse(final String value, final String param) {
        for (Effort e : values()) {
            if (e.wireName().equals(value)) {
                return e;
            }
        }
        throw ApiError.badRequest(param, "invalid_value", "Invalid value for '" + param + "': '" + value
                + "'. Supported values are: " + String.join(", ", Arrays.stream(values()).map(Effort::wireName).toList()) + ".");
    }
}
