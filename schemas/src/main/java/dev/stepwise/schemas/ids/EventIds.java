package dev.stepwise.schemas.ids;

import dev.stepwise.schemas.avro.VerificationKind;

/**
 * The deterministic ids every service derives the same way. A request sent twice yields the same
 * step ids and verification ids, so whoever reads the replies can keep the first and drop the rest.
 */
public final class EventIds {

    private EventIds() {
    }

    /** Sample {@code sample} (from 0) of a proposal or revision request: {@code <requestId>.<sample>}. */
    public static String stepId(final String requestId, final int sample) {
        return requestId + "." + sample;
    }

    /** The verification of {@code stepId} of {@code kind}: {@code <stepId>/step} or {@code <stepId>/outcome}. */
    public static String verificationId(final String stepId, final VerificationKind kind) {
        return stepId + (kind == VerificationKind.OUTCOME ? "/outcome" : "/step");
    }
}
