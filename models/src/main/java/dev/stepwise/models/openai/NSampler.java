package dev.stepwise.models.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stepwise.models.ModelCallException;
import dev.stepwise.models.ProposedStep;
import dev.stepwise.models.StepTask;
import dev.stepwise.models.openai.ChatPrompts.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.StreamSupport;

/**
 * Draws the k samples of one step. While the server honours {@code n}, one request asks for all of them: the prompt
 * is sent and read once, which is what makes k samples cheap on vLLM or OpenAI. Some servers refuse {@code n > 1}
 * (llama.cpp: "Only one completion choice is allowed"; HTTP 400 naming {@code n}) and some ignore it (Ollama returns
 * one choice). Either way this backend remembers it and from then on sends k requests in parallel, one per sample;
 * the samples missing from a short reply are asked for the same way.
 */
final class NSampler {

    private static final Logger LOG = LoggerFactory.getLogger(NSampler.class);
    /** How servers word a refusal of n > 1, in lower case; "<n>" (a placeholder in some texts) does not count. */
    private static final String REFUSES_N = "(?<![<\\w])n(?![\\w>])\\s*(must|should|>|<|=|!|is\\b|can|only|not|greater|"
            + "larger|exceed|value|parameter)|only (one|1|a single) (completion )?choices?|multiple choices|['\"`]n['\"`]";

    private final OpenAiCompatibleBackend backend;
    /** Null until known. */
    private final AtomicReference<Boolean> honoursN = new AtomicReference<>();

    NSampler(final OpenAiCompatibleBackend backend) {
        this.backend = backend;
    }

    Optional<Boolean> honoursN() {
        return Optional.ofNullable(honoursN.get());
    }

    List<ProposedStep> proposeMany(final List<StepTask> tasks) {
        final int maxN = backend.config().maxN();
        if (tasks.size() <= 1 || maxN == 1 || Boolean.FALSE.equals(honoursN.get())) {
            return oneRequestEach(tasks);
        }
        final List<ProposedStep> steps = new ArrayList<>(tasks.size());
        for (int from = 0; from < tasks.size(); from += maxN) {
            final List<StepTask> chunk = tasks.subList(from, Math.min(tasks.size(), from + maxN));
            // A refusal of n seen on an earlier chunk holds for the rest.
            steps.addAll(Boolean.FALSE.equals(honoursN.get()) ? oneRequestEach(chunk) : together(chunk));
        }
        return steps;
    }

    private List<ProposedStep> together(final List<StepTask> tasks) {
        if (tasks.size() == 1) {
            return oneRequestEach(tasks);
        }
        final List<Message> messages = ChatPrompts.propose(tasks.getFirst());
        final JsonNode reply;
        try {
            reply = backend.client().complete(backend.body(messages, backend.config().temperature(), tasks.size(),
                    tasks.getFirst().stepId(), false));
        } catch (final HttpStatusException e) {
            if (!e.blames("n", REFUSES_N)) {
                throw e;
            }
            doesNotHonourN(e.getMessage());
            return oneRequestEach(tasks);
        }
        final List<String> contents = StreamSupport.stream(reply.path("choices").spliterator(), false)
                .sorted(Comparator.comparingInt(choice -> choice.path("index").asInt()))
                .map(choice -> choice.path("message").path("content"))
                .filter(JsonNode::isTextual).map(JsonNode::asText).limit(tasks.size()).toList();
        if (contents.size() < tasks.size()) {
            doesNotHonourN("asked for " + tasks.size() + " choices, got " + contents.size());
        } else {
            honoursN.compareAndSet(null, true);
        }
        // The prompt was read once for all samples: each sample carries an equal share of the call's tokens.
        final int total = OpenAiCompatibleBackend.tokens(reply, messages, contents);
        final ProposedStep[] steps = new ProposedStep[tasks.size()];
        final List<StepTask> missing = new ArrayList<>();
        for (int i = 0; i < tasks.size(); i++) {
            final int share = total / contents.size() + (i == 0 ? total % contents.size() : 0);
            steps[i] = i < contents.size() ? ChatPrompts.parseStep(contents.get(i), share) : null;
            if (steps[i] == null) {
                missing.add(tasks.get(i));
            }
        }
        if (!missing.isEmpty()) {
            final List<ProposedStep> more = oneRequestEach(missing);
            for (int i = 0, next = 0; i < steps.length; i++) {
                if (steps[i] == null) {
                    steps[i] = more.get(next++);
                }
            }
        }
        return Arrays.asList(steps);
    }

    private void doesNotHonourN(final String why) {
        if (!Boolean.FALSE.equals(honoursN.getAndSet(false))) {
            LOG.info("{} does not draw several samples per request ({}); asking for each sample in its own request from"
                    + " now on", backend.client().endpoint(), why);
        }
    }

    /** One request per task, all at once on virtual threads; the first failure cancels the others and is thrown. */
    private List<ProposedStep> oneRequestEach(final List<StepTask> tasks) {
        if (tasks.size() == 1) {
            return List.of(backend.propose(tasks.getFirst()));
        }
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            final List<Future<ProposedStep>> futures = tasks.stream()
                    .map(task -> executor.submit(() -> backend.propose(task))).toList();
            final List<ProposedStep> steps = new ArrayList<>(tasks.size());
            try {
                for (final Future<ProposedStep> future : futures) {
                    steps.add(future.get());
                }
            } catch (final ExecutionException e) {
                executor.shutdownNow();
                if (e.getCause() instanceof RuntimeException failure) {
                    throw failure;
                }
                throw new ModelCallException("a sample failed: " + e.getCause(), e.getCause());
            } catch (final InterruptedException e) {
                executor.shutdownNow();
                Thread.currentThread().interrupt();
                throw new ModelCallException("interrupted while sampling", e);
            }
            return steps;
        }
    }
}
