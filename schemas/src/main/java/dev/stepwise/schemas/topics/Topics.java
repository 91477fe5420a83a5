package dev.stepwise.schemas.topics;

import dev.stepwise.schemas.avro.AnswerPublished;
import dev.stepwise.schemas.avro.DeadLetter;
import dev.stepwise.schemas.avro.PromptSubmitted;
import dev.stepwise.schemas.avro.RevisionRequested;
import dev.stepwise.schemas.avro.SearchDecision;
import dev.stepwise.schemas.avro.StepProposalRequested;
import dev.stepwise.schemas.avro.StepProposed;
import dev.stepwise.schemas.avro.StepVerified;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The one, immutable registry of Stepwise topics, shared by agents, topology, CLI and tests.
 * Names are {@code <prefix>.<suffix>} in kebab case; the default prefix is {@code stepwise}.
 *
 * @param prefix     topic name prefix
 * @param partitions partitions of every topic (all events of a prompt share one partition, so this bounds parallelism)
 */
public record Topics(String prefix, int partitions) {

    public static final String DEFAULT_PREFIX = "stepwise";
    public static final int DEFAULT_PARTITIONS = 3;
    private static final Pattern LEGAL = Pattern.compile("[a-zA-Z0-9._-]+");

    private static final Map<String, String> WEEK = Map.of(
            "cleanup.policy", "delete",
            "retention.ms", Long.toString(Duration.ofDays(7).toMillis()));
    /** Prompts, answers, decisions and dead letters are the audit log: keep them longer than the work topics. */
    private static final Map<String, String> MONTH = Map.of(
            "cleanup.policy", "delete",
            "retention.ms", Long.toString(Duration.ofDays(30).toMillis()));

    public Topics {
        if (prefix == null || !LEGAL.matcher(prefix).matches()) {
            throw new IllegalArgumentException("topic prefix must match " + LEGAL + ", got '" + prefix + "'");
        }
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be at least 1, got " + partitions);
        }
    }

    public static Topics defaults() {
        return new Topics(DEFAULT_PREFIX, DEFAULT_PARTITIONS);
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

    /** Requests for candidate next steps, consumed by proposers. */
    public Topic<StepProposalRequested> proposalRequests() {
        return new Topic<>(name("steps.requested"), partitions, WEEK, StepProposalRequested.class);
    }

    /** Proposed (and revised) steps, consumed by verifiers and the topology. */
    public Topic<StepProposed> stepsProposed() {
        return new Topic<>(name("steps.proposed"), partitions, WEEK, StepProposed.class);
    }

    /** Verdicts on proposed steps, consumed by the topology. */
    public Topic<StepVerified> stepsVerified() {
        return new Topic<>(name("steps.verified"), partitions, WEEK, StepVerified.class);
    }

    /** Requests to revise rejected steps, consumed by revisers. */
    public Topic<RevisionRequested> revisionRequests() {
        return new Topic<>(name("revisions.requested"), partitions, WEEK, RevisionRequested.class);
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
        return List.of(prompts(), promptsText(), proposalRequests(), stepsProposed(), stepsVerified(),
                revisionRequests(), decisions(), answers(), deadLetter());
    }

    /** The topics whose values are Avro events registered in the schema registry. */
    public List<Topic<?>> eventTopics() {
        return all().stream().filter(Topic::isAvro).toList();
    }
}
