package dev.stepwise.search.testing;

import dev.stepwise.schemas.avro.AnswerPublished;
import dev.stepwise.schemas.avro.PromptSubmitted;
import dev.stepwise.schemas.avro.RevisionRequested;
import dev.stepwise.schemas.avro.SearchAction;
import dev.stepwise.schemas.avro.SearchDecision;
import dev.stepwise.schemas.avro.StepProposalRequested;
import dev.stepwise.schemas.avro.StepProposed;
import dev.stepwise.schemas.avro.StepVerified;
import dev.stepwise.schemas.avro.VerificationRequested;
import dev.stepwise.search.Commands;
import dev.stepwise.search.SearchEngine;
import dev.stepwise.search.SearchSettings;
import dev.stepwise.search.SearchTree;
import dev.stepwise.search.StoredTreeCheck;
import dev.stepwise.search.strategy.StrategyRegistry;
import java.util.ArrayList;
import java.util.List;

/** Drives a {@link SearchEngine} for one prompt and keeps everything it emitted, in order. */
public final class EngineHarness {

    public final SearchEngine engine;
    public final SearchTree tree;
    public final List<SearchDecision> decisions = new ArrayList<>();
    public final List<StepProposalRequested> requests = new ArrayList<>();
    public final List<RevisionRequested> revisions = new ArrayList<>();
    public final List<VerificationRequested> verifications = new ArrayList<>();
    public final List<AnswerPublished> answers = new ArrayList<>();
    public final List<String> ignored = new ArrayList<>();
    /** The event time of the next step or verdict. */
    public long now;
    private final StoredTreeCheck stored;

    public EngineHarness(final SearchSettings settings, final PromptSubmitted prompt, final long now) {
        this(settings, StrategyRegistry.standard(), prompt, now);
    }

    public EngineHarness(final SearchSettings settings, final StrategyRegistry strategies, final PromptSubmitted prompt,
                         final long now) {
        this.engine = new SearchEngine(settings, strategies);
        this.stored = new StoredTreeCheck(strategies);
        this.now = now;
        final SearchEngine.Started started = engine.start(prompt, now);
        this.tree = started.tree();
        absorb(started.commands());
    }

    public Commands step(final StepProposed step) {
        return absorb(engine.onStep(tree, step, now));
    }

    public Commands verdict(final StepVerified verdict) {
        return absorb(engine.onVerdict(tree, verdict, now));
    }

    /** A timer read back at event time {@code at} (which becomes the harness's time). */
    public Commands timer(final long at) {
        now = at;
        return absorb(engine.onTimer(tree, at));
    }

    /** Keeps what {@code commands}, from a call made on the engine directly, emitted. */
    public Commands absorbed(final Commands commands) {
        return absorb(commands);
    }

    /** Keeps what the event emitted, and checks that the tree, stored in parts as the topology does, reads back the same. */
    private Commands absorb(final Commands commands) {
        stored.afterEvent(tree);
        decisions.addAll(commands.decisions());
        requests.addAll(commands.proposals());
        revisions.addAll(commands.revisions());
        verifications.addAll(commands.verifications());
        commands.answer().ifPresent(answers::add);
        commands.ignored().ifPresent(ignored::add);
        return commands;
    }

    public StepProposalRequested request(final String requestId) {
        return requests.stream().filter(r -> r.getRequestId().equals(requestId)).findFirst()
                .orElseThrow(() -> new AssertionError("no request " + requestId + " in " + requests));
    }

    public StepProposalRequested lastRequest() {
        return requests.get(requests.size() - 1);
    }

    public List<SearchAction> actions() {
        return decisions.stream().map(SearchDecision::getAction).toList();
    }

    public List<SearchDecision> decisions(final SearchAction action) {
        return decisions.stream().filter(d -> d.getAction() == action).toList();
    }

    public AnswerPublished answer() {
        if (answers.size() != 1) {
            throw new AssertionError("expected exactly one answer, got " + answers);
        }
        return answers.get(0);
    }

    /** Sends the steps of {@code requestId} with the given texts, then their verdicts with the given scores. */
    public void samples(final String promptId, final String requestId, final String[] texts, final double[] scores,
                        final String[] answers) {
        for (int i = 0; i < texts.length; i++) {
            final boolean terminal = answers != null && answers[i] != null;
            step(TestEvents.step(promptId, requestId, i, texts[i], terminal, terminal ? answers[i] : null));
        }
        for (int i = 0; i < texts.length; i++) {
            verdict(TestEvents.verdict(promptId, requestId + "." + i, scores[i]));
        }
    }

    /** {@link #samples} with the texts {@code step <requestId>.<i>}. */
    public void level(final String promptId, final String requestId, final double[] scores, final String[] answers) {
        final String[] texts = new String[scores.length];
        for (int i = 0; i < texts.length; i++) {
            texts[i] = "step " + requestId + "." + i;
        }
        samples(promptId, requestId, texts, scores, answers);
    }
}
