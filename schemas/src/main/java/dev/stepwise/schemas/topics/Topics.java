package dev.stepwise.schemas.topics;

import dev.stepwise.schemas.avro.AnswerPublished;
import dev.stepwise.schemas.avro.DeadLetter;
import dev.stepwise.schemas.avro.PromptCancelled;
import dev.stepwise.schemas.avro.PromptSubmitted;
import dev.stepwise.schemas.avro.RevisionRequested;
import dev.stepwise.schemas.avro.SearchDecision;
import dev.stepwise.schemas.avro.SearchTimer;
import dev.stepwise.schemas.avro.StepProposalRequested;
import dev.stepwise.schemas.avro.StepProposed;
import dev.stepwise.schemas.avro.StepVerified;
import dev.stepwise.schemas.avro.VerificationRequested;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The one, immutable registry of Stepwise topics, shared by agents, topology, CLI and tests.
 * Names are {@code <prefix>.<suffix>} in kebab case; the default prefix is {@code stepwise}.
 *
 * <p>Two partition counts, because two things scale by them. The topology's input topics (prompts, steps,
 * verdicts, timers) must all have the same count, since every event of a prompt must meet its search tree
 * in one task: {@code partitions} bounds the topology's instances. The agents' input topics (the three
 * kinds of request) are read by nobody else: {@code agentPartitions} bounds how many instances of one
 * agent kind can be busy at once, and can be larger at no cost to the topology.
 *
 * @param prefix          topic name prefix
 * @param partitions      partitions of every topic but the agents' inputs (all events of a prompt share one
 *                        partition, so this bounds the topology's parallelism)
 * @param agentPartitions partitions of the proposal, verification and revision request topics
 */
public record Topics(String prefix, int partitions, int agentPartitions) {

    public static final String DEFAULT_PREFIX = "stepwise";
    public static final int DEFAULT_PARTITIONS = 3;
    /** Lets each agent kind keep 12 instances busy (see the README's sizing section). */
    public static final int DEFAULT_AGENT_PARTITIONS = 12;
    private static final Pattern LEGAL = Pattern.compile("[a-zA-Z0-9._-]+");

    private static final Map<String, String> WEEK = Map.of(
            "cleanup.policy", "delete",
            "retention.ms", Long.toString(Duration.ofDays(7).toMillis()));
    /** Timers are consumed within seconds of being written; a day covers any outage worth surviving. */
    private static final Map<String, String> DAY = Map.of(
            "cleanup.policy", "delete",
            "retention.ms", Long.toString(Duration.ofDays(1).toMillis()));
    /** Prompts, answers, decisions and dead letters are the audit log: keep them longer than the work topics. */
    private static final Map<String, String> MONTH = Map.of(
            "cleanup.policy", "delete",
            "retention.ms", Long.toString(Duration.ofDays(30).toMillis()));

    public Topics {
        if (prefix == null || !LEGAL.matcher(prefix).matches()) {
            throw new IllegalArgumentException("topic prefix must match " + LEGAL + ", got '" + prefix + "'");
        }
        if (partitions < 1 || agentPartitions < 1) {
            throw new IllegalArgumentException("partitions must be at least 1, got " + partitions + " and " + agentPartitions);
        }
    }

    /** Every topic with the same number of partitions (what small tests use). */
    public Topics(final String prefix, final int partitions) {
        this(prefix, partitions, partitions);
    }

    public static Topics defaults() {
        return new Topics(DEFAULT_PREFIX, DEFAULT_PARTITIONS, DEFAULT_AGENT_PARTITIONS);
    }

    private String name(final String suffix) {
        return prefix + "." + suffix;
    }

    /** Prompts as Avro {@link PromptSubmitted}; what {@code stepwise ask} writes. */
    public Topic<PromptSubmitted> prompts() {
        return new Topic<>(name("prompts"), partitions, MONTH, PromptSubmitted.class);
    }

    /** Prompts as plain UTF-8 text or a JSON object, for any Kafka client (kcat, the console producer). */
    public Topic<String> promptsText() {
        return new Topic<>(name("prompts.text"), partitions, MONTH, String.class);
    }

    /** Cancellations of prompts whose answer nobody waits for any more (a client disconnected), read by the topology. */
    public Topic<PromptCancelled> promptsCancelled() {
        return new Topic<>(name("prompts.cancelled"), partitions, MONTH, PromptCancelled.class);
    }

    /** Requests for candidate next steps, consumed by proposers. */
    public Topic<StepProposalRequested> proposalRequests() {
        return new Topic<>(name("steps.requested"), agentPartitions, WEEK, StepProposalRequested.class);
    }

    /** Proposed (and revised) steps, consumed by the topology. */
    public Topic<StepProposed> stepsProposed() {
        return new Topic<>(name("steps.proposed"), partitions, WEEK, StepProposed.class);
    }

    /**
     * Requests to verify a step or a finished chain, consumed by verifiers: written by the proposer or
     * reviser together with the step when its request asked for verification, or by the topology.
     */
    public Topic<VerificationRequested> verificationRequests() {
        return new Topic<>(name("verifications.requested"), agentPartitions, WEEK, VerificationRequested.class);
    }

    /** Verdicts on steps and finished chains, consumed by the topology. */
    public Topic<StepVerified> stepsVerified() {
        return new Topic<>(name("steps.verified"), partitions, WEEK, StepVerified.class);
    }

    /** Requests to revise rejected steps, consumed by revisers. */
    public Topic<RevisionRequested> revisionRequests() {
        return new Topic<>(name("revisions.requested"), agentPartitions, WEEK, RevisionRequested.class);
    }

    /**
     * The topology's timers, written by its wall-clock punctuator and read back by the search, so that
     * timeouts are judged in log order with the replies they wait for (see {@link SearchTimer}).
     */
    public Topic<SearchTimer> searchTimers() {
        return new Topic<>(name("search.timers"), partitions, DAY, SearchTimer.class);
    }

    /** Every choice the search made, with its reason. */
    public Topic<SearchDecision> decisions() {
        return new Topic<>(name("decisions"), partitions, MONTH, SearchDecision.class);
    }

    /** Final answers. */
    public Topic<AnswerPublished> answers() {
        return new Topic<>(name("answers"), partitions, MONTH, AnswerPublished.class);
    }

    /** Records that could not be processed, with their original bytes and the reason. */
    public Topic<DeadLetter> deadLetter() {
        return new Topic<>(name("dead-letter"), partitions, MONTH, DeadLetter.class);
    }

    /** Every topic, in the order of the flow. */
    public List<Topic<?>> all() {
        return List.of(prompts(), promptsText(), promptsCancelled(), proposalRequests(), stepsProposed(), verificationRequests(),
                stepsVerified(), revisionRequests(), searchTimers(), decisions(), answers(), deadLetter());
    }

    /** The topics whose values are Avro events registered in the schema registry. */
    public List<Topic<?>> eventTopics() {
        return all().stream().filter(Topic::isAvro).toList();
    }
}
