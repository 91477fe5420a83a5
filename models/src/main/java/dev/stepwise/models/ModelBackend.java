package dev.stepwise.models;

/**
 * A model that can take the three roles of a reasoning search: propose the next step of a chain,
 * verify a step against the chain before it (a process reward), and revise a rejected step.
 * Implementations must be thread-safe: agents call them from many virtual threads at once.
 */
public interface ModelBackend extends AutoCloseable {

    /** Backend and model name as recorded on every event, e.g. {@code synthetic/serial-v1} or {@code openai/gpt-4o-mini}. */
    String model();

    /**
     * Proposes one candidate next step.
     *
     * @throws ProblemNotUnderstoodException when the backend cannot work on the problem at all (not retriable)
     * @throws ModelCallException            when the call failed; {@link ModelCallException#retriable()} says whether
     *                                       a retry may succeed
     */
    ProposedStep propose(StepTask task);

    /**
     * Scores a step against the problem and the chain before it.
     *
     * @throws ProblemNotUnderstoodException when the backend cannot work on the problem at all (not retriable)
     * @throws ModelCallException            when the call failed; {@link ModelCallException#retriable()} says whether
     *                                       a retry may succeed
     */
    Judgement verify(VerificationTask task);

    /**
     * Rewrites a rejected step, given the verifier's critique.
     *
     * @throws ProblemNotUnderstoodException when the backend cannot work on the problem at all (not retriable)
     * @throws ModelCallException            when the call failed; {@link ModelCallException#retriable()} says whether
     *                                       a retry may succeed
     */
    ProposedStep revise(RevisionTask task);

    @Override
    default void close() {
    }
}
