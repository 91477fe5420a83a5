package dev.stepwise.bench;

/**
 * What one prompt came to, reduced to what the tables need.
 *
 * @param correct     the answer is the problem's answer
 * @param answered    the search gave an answer (not null)
 * @param calls       model calls the answer reports
 * @param proposer    of which proposer calls
 * @param verifier    of which verifier calls
 * @param reviser     of which reviser calls
 * @param tokens      tokens the answer reports
 * @param countsAgree the runner's own count of calls agrees with the answer's, per role
 * @param stalled     the search had nothing in flight and no answer, and was answered at its deadline
 * @param lateCalls   calls whose replies came after the answer
 */
public record Outcome(boolean correct, boolean answered, int calls, int proposer, int verifier, int reviser,
                      long tokens, boolean countsAgree, boolean stalled, int lateCalls) {

    /** The outcome of an in-process run of {@code problem}. */
    static Outcome of(final BenchProblem problem, final RunResult run) {
        final String answer = run.answer().getAnswer();
        return new Outcome(answer != null && problem.isCorrect(answer), answer != null, run.modelCalls(),
                run.calls(InProcessRunner.PROPOSER), run.calls(InProcessRunner.VERIFIER), run.calls(InProcessRunner.REVISER),
                run.answer().getTokens(), run.countsAgree(), run.stalled(), run.lateCalls());
    }
}
