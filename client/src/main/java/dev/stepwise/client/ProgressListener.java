package dev.stepwise.client;

/**
 * Told where a prompt's search stands each time the search decides something. Called on the client's one
 * router thread, in log order: keep it short (hand the value to a queue), never block in it.
 */
@FunctionalInterface
public interface ProgressListener {

    /** A listener that ignores progress. */
    ProgressListener NONE = progress -> { };

    void onProgress(Progress progress);
}
