package dev.stepwise.models.openai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stepwise.models.ArithmeticCheck;
import dev.stepwise.models.Judgement;
import dev.stepwise.models.ModelBackend;
import dev.stepwise.models.ModelCallException;
import dev.stepwise.models.ProposedStep;
import dev.stepwise.models.RevisionTask;
import dev.stepwise.models.StepTask;
import dev.stepwise.models.VerificationTask;
import dev.stepwise.models.openai.ChatPrompts.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A model behind an OpenAI-compatible {@code /chat/completions} endpoint: OpenAI, vLLM, Ollama, llama.cpp server.
 * Built on the JDK's HttpClient and Jackson, which the shared notes (llm-backends.md §1) measured as the lightest
 * choice (3 jars, 2.4 MB, against 25 jars and 84 MB for openai-java) with the fastest cold start, and able to do
 * everything the search needs. Requests are retried in one place, {@link ChatClient}. Thread-safe.
 *
 * <ul>
 *   <li><b>propose</b>: k samples of one step are asked for in one request with {@code n=k} ({@link NSampler}),
 *       falling back to k parallel requests on a server that does not honour {@code n}; each request carries a
 *       {@code seed} derived from the step id, so a server that honours seeds writes the same sample again when the
 *       same step is asked for again.</li>
 *   <li><b>verify</b>: temperature 0. A step that claims wrong arithmetic ({@link ArithmeticCheck}) is rejected
 *       without asking the model. Otherwise the score is P(yes) of the model's yes/no judgement from its
 *       log-probabilities ({@link YesNoLogprobs}) when the server returns them, else the {@code SCORE:} it wrote. An
 *       outcome verification shows the whole chain and asks whether its final answer is right.</li>
 *   <li><b>revise</b>: the rejected step and the critique, at the sampling temperature.</li>
 * </ul>
 */
public final class OpenAiCompatibleBackend implements ModelBackend {

    private static final Logger LOG = LoggerFactory.getLogger(OpenAiCompatibleBackend.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** How a server says it does not return log-probabilities (OpenAI: "logprobs is not supported ..."). */
    private static final String REFUSES_LOGPROBS = "logprob";

    private final OpenAiConfig config;
    private final ChatClient client;
    private final NSampler sampler;
    /** Set once the server refused logprobs: the verifier then reads the score from the text. */
    private final AtomicBoolean logprobsRefused = new AtomicBoolean();

    public OpenAiCompatibleBackend(final OpenAiConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.client = new ChatClient(config);
        this.sampler = new NSampler(this);
    }

    public OpenAiConfig config() {
        return config;
    }

    @Override
    public String model() {
        return "openai/" + config.model();
    }

    @Override
    public ProposedStep propose(final StepTask task) {
        return step(ChatPrompts.propose(task), task.stepId());
    }

    @Override
    public List<ProposedStep> proposeMany(final List<StepTask> tasks) {
        return sampler.proposeMany(tasks);
    }

    /** Whether the server has been seen to honour {@code n}: empty until a request with n > 1 was answered. */
    public Optional<Boolean> honoursN() {
        return sampler.honoursN();
    }

    @Override
    public Judgement verify(final VerificationTask task) {
        if (task.kind() == VerificationTask.Kind.STEP && config.arithmeticCheck()) {
            final Optional<String> wrong = ArithmeticCheck.firstWrong(task.stepText());
            if (wrong.isPresent()) {
                return new Judgement(0.0, false, "arithmetic check: " + wrong.get(), 0);
            }
        }
        final List<Message> messages = ChatPrompts.verify(task);
        final boolean logprobs = config.topLogprobs() > 0 && !logprobsRefused.get();
        JsonNode reply;
        try {
            reply = client.complete(body(messages, 0.0, 1, task.stepId(), logprobs));
        } catch (final HttpStatusException e) {
            if (!logprobs || !e.blames("logprobs", REFUSES_LOGPROBS)) {
                throw e;
            }
            if (logprobsRefused.compareAndSet(false, true)) {
                LOG.info("{} does not return log-probabilities ({}); the verifier reads SCORE from the text from now on",
                        client.endpoint(), e.getMessage());
            }
            reply = client.complete(body(messages, 0.0, 1, task.stepId(), false));
        }
        final JsonNode choice = reply.path("choices").path(0);
        final String content = choice.path("message").path("content").asText();
        final int tokens = tokens(reply, messages, List.of(content));
        final Judgement written = ChatPrompts.parseJudgement(content, tokens);
        final OptionalDouble yes = YesNoLogprobs.probabilityOfYes(choice.path("logprobs").path("content"));
        if (yes.isEmpty()) {
            return written;
        }
        final double score = yes.getAsDouble();
        final String rationale = written.rationale().startsWith("could not read a score")
                ? "the verifier's yes/no judgement gives P(yes) = " + String.format(Locale.ROOT, "%.3f", score)
                : written.rationale();
        return new Judgement(score, score >= ChatPrompts.ACCEPT_THRESHOLD, rationale, tokens);
    }

    @Override
    public ProposedStep revise(final RevisionTask task) {
        return step(ChatPrompts.revise(task), task.stepId());
    }

    @Override
    public void close() {
        client.close();
    }

    /** One step from one request. */
    private ProposedStep step(final List<Message> messages, final String stepId) {
        final JsonNode reply = client.complete(body(messages, config.temperature(), 1, stepId, false));
        final String content = reply.path("choices").path(0).path("message").path("content").asText();
        final ProposedStep step = ChatPrompts.parseStep(content, tokens(reply, messages, List.of(content)));
        if (step == null) {
            // Another request may well say something; asking again is the search's call.
            throw new ModelCallException(model() + " returned an empty step");
        }
        return step;
    }

    ChatClient client() {
        return client;
    }

    /** A chat-completions request body. */
    String body(final List<Message> messages, final double temperature, final int n, final String stepId,
                final boolean logprobs) {
        final ObjectNode body = JSON.createObjectNode();
        body.put("model", config.model());
        final ArrayNode array = body.putArray("messages");
        for (final Message message : messages) {
            array.addObject().put("role", message.role()).put("content", message.content());
        }
        body.put("temperature", temperature);
        // max_tokens rather than max_completion_tokens: vLLM, Ollama and llama.cpp read the former; OpenAI accepts it
        // for chat models.
        body.put("max_tokens", config.maxTokens());
        if (n > 1) {
            body.put("n", n);
        }
        // Non-negative and 31 bits: what every server (OpenAI, vLLM, llama.cpp, Ollama) accepts as a seed.
        body.put("seed", stepId.hashCode() & Integer.MAX_VALUE);
        if (logprobs) {
            body.put("logprobs", true).put("top_logprobs", config.topLogprobs());
        }
        try {
            return JSON.writeValueAsString(body);
        } catch (final JsonProcessingException e) {
            throw new IllegalStateException("cannot write a request body", e);
        }
    }

    /** Tokens of a reply: usage.total_tokens, else about four characters a token of the prompt and the choices. */
    static int tokens(final JsonNode reply, final List<Message> messages, final List<String> contents) {
        final int reported = reply.path("usage").path("total_tokens").asInt(0);
        return reported > 0 ? reported : ChatPrompts.estimateTokens(messages, String.join("", contents));
    }
}
