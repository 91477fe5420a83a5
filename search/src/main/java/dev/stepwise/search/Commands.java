package dev.stepwise.search;

import dev.stepwise.schemas.avro.AnswerPublished;
import dev.stepwise.schemas.avro.RevisionRequested;
import dev.stepwise.schemas.avro.SearchDecision;
import dev.stepwise.schemas.avro.StepProposalRequested;
import dev.stepwise.schemas.avro.VerificationRequested;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What one event made the search decide to send: step requests, revision requests, verification
 * requests, decisions and at most one answer. When the event changed nothing, {@link #ignored()} says why (for the log).
 */
public final class Commands {

    private final List<StepProposalRequested> proposals = new ArrayList<>();
    private final List<RevisionRequested> revisions = new ArrayList<>();
    private final List<VerificationRequested> verifications = new ArrayList<>();
    private final List<SearchDecision> decisions = new ArrayList<>();
    private AnswerPublished answer;
    private String ignored;

    Commands() {
    }

    static Commands ignoring(final String why) {
        final Commands commands = new Commands();
        commands.ignored = why;
        return commands;
    }

    void add(final StepProposalRequested request) {
        proposals.add(request);
    }

    void add(final RevisionRequested request) {
        revisions.add(request);
    }

    void add(final VerificationRequested request) {
        verifications.add(request);
    }

    void add(final SearchDecision decision) {
        decisions.add(decision);
    }

    void answer(final AnswerPublished published) {
        if (answer != null) {
            throw new IllegalStateException("a prompt gets one answer");
        }
        answer = published;
    }

    void ignore(final String why) {
        ignored = why;
    }

    public List<StepProposalRequested> proposals() {
        return List.copyOf(proposals);
    }

    public List<RevisionRequested> revisions() {
        return List.copyOf(revisions);
    }

    public List<VerificationRequested> verifications() {
        return List.copyOf(verifications);
    }

    public List<SearchDecision> decisions() {
        return List.copyOf(decisions);
    }

    public Optional<AnswerPublished> answer() {
        return Optional.ofNullable(answer);
    }

    /** Why the event was ignored, if it was. */
    public Optional<String> ignored() {
        return Optional.ofNullable(ignored);
    }

    public boolean isEmpty() {
        return proposals.isEmpty() && revisions.isEmpty() && verifications.isEmpty() && decisions.isEmpty()
                && answer == null;
    }
}
