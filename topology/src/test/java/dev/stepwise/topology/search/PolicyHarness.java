package dev.stepwise.topology.search;

import dev.stepwise.schemas.avro.AnswerPublished;
import dev.stepwise.schemas.avro.PromptSubmitted;
import dev.stepwise.schemas.avro.RevisionRequested;
import dev.stepwise.schemas.avro.SearchAction;
import dev.stepwise.schemas.avro.SearchDecision;
import dev.stepwise.schemas.avro.StepProposalRequested;
import dev.stepwise.schemas.avro.StepProposed;
import dev.stepwise.schemas.avro.StepVerified;
import java.util.ArrayList;
import java.util.List;

/** Drives a {@link SearchPolicy} for one prompt and keeps everything it emitted, in order. */
final class PolicyHarness {

    final SearchPolicy policy;
    final SearchTree tree;
    final List<SearchDecision> decisions = new ArrayList<>();
    final List<StepProposalRequested> requests = new ArrayList<>();
    final List<RevisionRequested> revisions = new ArrayList<>();
    final List<AnswerPublished> answers = new ArrayList<>();
    final List<String> ignored = new ArrayList<>();
    long now;

    PolicyHarness(final SearchSettings settings, final PromptSubmitted prompt, final long now) {
        this.policy = new SearchPolicy(settings);
        this.now = now;
        final SearchPolicy.Started started = policy.start(prompt, now);
        this.tree = started.tree();
        absorb(started.commands());
    }

    Commands step(final StepProposed step) {
        return absorb(policy.onStep(tree, step, now));
    }

    Commands verdict(final StepVerified verdict) {
        return absorb(policy.onVerdict(tree, verdict, now));
    }

    Commands tick(final long at) {
        now = at;
        return absorb(policy.onTick(tree, at));
    }

    private Commands absorb(final Commands commands) {
        decisions.addAll(commands.decisions());
        requests.addAll(commands.proposals());
        revisions.addAll(commands.revisions());
        commands.answer().ifPresent(answers::add);
        commands.ignored().ifPresent(ignored::add);
        return commands;
    }

    StepProposalRequested request(final String requestId) {
        return requests.stream().filter(r -> r.getRequestId().equals(requestId)).findFirst()
                .orElseThrow(() -> new AssertionError("no request " + requestId + " in " + requests));
    }

    StepProposalRequested lastRequest() {
        return requests.get(requests.size() - 1);
    }

    List<SearchAction> actions() {
        return decisions.stream().map(SearchDecision::getAction).toList();
    }

    List<SearchDecision> decisions(final SearchAction action) {
        return decisions.stream().filter(d -> d.getAction() == action).toList();
    }

    AnswerPublished answer() {
        if (answers.size() != 1) {
            throw new AssertionError("expected exactly one answer, got " + answers);
        }
        return answers.get(0);
    }
}
