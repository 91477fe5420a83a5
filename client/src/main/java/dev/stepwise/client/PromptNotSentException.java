package dev.stepwise.client;

/** A prompt could not be published (the broker refused it, or the registry could not frame it). */
public final class PromptNotSentException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public PromptNotSentException(final String promptId, final Throwable cause) {
        super("Cannot publish prompt " + promptId + ": " + cause.getMessage(), cause);
    }
}
