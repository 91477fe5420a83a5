package dev.stepwise.bench;

import dev.stepwise.agents.AgentConfig;
import dev.stepwise.agents.ModelCalls;
import dev.stepwise.agents.ProposerHandler;
import dev.stepwise.agents.ReviserHandler;
import dev.stepwise.agents.VerifierHandler;
import dev.stepwise.models.ModelBackend;
import dev.stepwise.schemas.topics.Topics;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

/**
 * The three agent handlers the pipeline runs, over one model backend, for the in-process runner: what a proposer,
 * verifier and reviser write for a request is exactly what they write in the pipeline. Built once per backend and
 * shared by the runner's threads (the handlers are thread-safe).
 *
 * @param proposer writes sampled steps and the verification requests their plan asks for
 * @param verifier writes one verdict per verification request
 * @param reviser  writes one revised step and its verification request
 */
public record AgentHandlers(ProposerHandler proposer, VerifierHandler verifier, ReviserHandler reviser) {

    /** The instance id recorded on what the in-process agents write. */
    static final String INSTANCE_ID = "bench";

    /**
     * Handlers over {@code backend} with the agents' default call settings. The handlers stamp their records with
     * a fixed clock: nothing the search decides depends on those stamps, and a fixed one keeps runs identical.
     */
    public static AgentHandlers over(final ModelBackend backend, final Topics topics) {
        final Clock clock = Clock.fixed(Instant.ofEpochMilli(Prompts.EPOCH_MS), ZoneOffset.UTC);
        final ModelCalls calls = modelCalls(backend);
        return new AgentHandlers(new ProposerHandler(topics, calls, INSTANCE_ID, clock),
                new VerifierHandler(topics, calls, INSTANCE_ID, clock),
                new ReviserHandler(topics, calls, INSTANCE_ID, clock));
    }

    /**
     * The one place the bench builds the agents' call layer, with the settings an agent of the pipeline gets by
     * default ({@link AgentConfig}). The synthetic backend never fails, so no failure path applies here.
     */
    private static ModelCalls modelCalls(final ModelBackend backend) {
        return new ModelCalls(backend, new AgentConfig(Map.of()).maxInFlight());
    }
}
