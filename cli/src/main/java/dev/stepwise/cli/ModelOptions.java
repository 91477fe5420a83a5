package dev.stepwise.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** Which model backend the agents call. The default is the synthetic serial-task suite. */
public final class ModelOptions {

    @Option(names = "--model-backend", paramLabel = "synthetic|openai",
            description = "Model backend of the agents: 'synthetic' (the built-in synthetic serial-task suite, default; not a language model) or 'openai' (any OpenAI-compatible chat-completions server: OpenAI, vLLM, Ollama, llama.cpp). Env STEPWISE_MODEL_BACKEND.")
    String backend;

    @Option(names = "--seed", paramLabel = "N", description = "Seed of the synthetic backend's fallible proposer and reviser (runs and replays reproduce).")
    Long seed;

    @Option(names = "--step-error-rate", paramLabel = "P", description = "Probability that the synthetic proposer gets a step wrong (default 0.1).")
    Double stepErrorRate;

    @Option(names = "--openai-base-url", paramLabel = "URL", description = "Base URL of an OpenAI-compatible API, e.g. http://127.0.0.1:8000/v1 (env STEPWISE_OPENAI_BASE_URL; the key comes from STEPWISE_OPENAI_API_KEY).")
    String openAiBaseUrl;

    @Option(names = "--openai-model", paramLabel = "NAME", description = "Model name to request from the OpenAI-compatible server (env STEPWISE_OPENAI_MODEL).")
    String openAiModel;

    Map<String, String> config() {
        final Map<String, String> values = new LinkedHashMap<>();
        values.put("model.backend", backend);
        values.put("synthetic.seed", seed == null ? null : seed.toString());
        values.put("synthetic.step.error.rate", stepErrorRate == null ? null : stepErrorRate.toString());
        values.put("openai.base.url", openAiBaseUrl);
        values.put("openai.model", openAiModel);
        return values;
    }
}
