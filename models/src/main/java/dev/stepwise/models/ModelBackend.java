package dev.stepwise.models;

import java.util.ArrayList;
import java.util.List;

/**
 * A model that can take the three roles of a reasoning search: propose the next step of a chain,
 * verify a step against the chain before it (a process reward) or the final answer of a finished chain
 * (an outcome reward), and revise a rejected step.
 * Implementations must be thread-safe: agents call them from many virtual threads at once.
 *
 * <p>Failures: {@link ProblemNotUnderstoodException} when the backend cannot work on the problem at all, and
 * {@link ModelCallException} when a call failed. A backend that talks to a server retries a retriable failure itself,
 * in one place, before it throws: callers do not retry again.
 */
public interface ModelBackend extends AutoCloseable {

    /** Backend and model name as recorded on every event, e.g. {@code synthetic/serial-v1} or {@code openai/gpt-4o-mini}. */
    String model();

    /**
     * The model that serves one role. The same as {@link #model()} unless the roles are configured to use different
     * models (see {@link ModelBackendConfig}).
     */
    default String model(final ModelRole role) {
        return model();
    }

    /**
     * Proposes one candidate next step.
     *
     * @throws ProblemNotUnderstoodException when the backend cannot work on the problem at all (not retriable)
     * @throws ModelCallException            when the call failed; {@link ModelCallException#retriable()} says whether
     *                                       a later try may succeed
     */
    ProposedStep propose(StepTask task);

    /**
     * Proposes one candidate next step per task, for one chain: the tasks share the prompt, problem, prior steps and
     * depth, and differ in their step ids (so each sample has its own id and seed). A backend that can draw several
     * samples in one call (OpenAI's {@code n}) overrides this; the default proposes them one after the other. The
     * call succeeds or fails as a whole.
     *
     * @return one step per task, in the order of the tasks
     * @throws ProblemNotUnderstoodException as {@link #propose}
     * @throws ModelCallException            as {@link #propose}
     */
    default List<ProposedStep> proposeMany(final List<StepTask> tasks) {
        final List<ProposedStep> steps = new ArrayList<>(tasks.size());
        for (final StepTask task : tasks) {
            steps.add(propose(task));
        }
        return steps;
    }

    /**
     * Scores a step against the problem and the chain before it ({@link VerificationTask.Kind#STEP}), or the final
     * answer of a finished chain, whose last step is the task's step ({@link VerificationTask.Kind#OUTCOME}).
     *
     * @throws ProblemNotUnderstoodException when the backend cannot work on the problem at all (not retriable)
     * @throws ModelCallException            when the call failed; {@link ModelCallException#retriable()} says whether
     *                                       a later try may succeed
     */
    Judgement verify(VerificationTask task);

    /**
     * Rewrites a rejected step, given the verifier's critique.
     *
     * @throws ProblemNotUnderstoodException when the backend cannot work on the problem at all (not retriable)
     * @throws ModelCallException            when the call failed; {@link ModelCallException#retriable()} says whether
     *                                       a later try may succeed
     */
    ProposedStep revise(RevisionTask task);

    @Override
    default void close() {
    }
}
