package dev.stepwise.cli;

import dev.stepwise.modelserver.ModelServer;
import dev.stepwise.modelserver.ModelServerConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Runs the model server: an OpenAI-compatible stand-in whose model is the synthetic task suite (not a language
 * model), to run the real-model path ({@code --model-backend openai}) or check a deployment without a model.
 */
@Command(name = "model-server", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Serve the synthetic task suite behind an OpenAI-compatible chat-completions API.",
            "",
            "A stand-in for a model server, NOT a language model: it answers only the prompts of Stepwise's OpenAI",
            "backend (proposer, verifier, reviser) about the suite's problems, with the suite's fallibility, n,",
            "logprobs, streaming, a seeded latency and injected faults. Point agents at it with",
            "--model-backend openai --openai-base-url <url> --openai-model synthetic/serial-v1.",
            "Prints one line 'stepwise model-server ready url=http://HOST:PORT/v1' and serves until Ctrl-C or",
            "SIGTERM. Every modelserver.* and synthetic.* key can also be set with --set, a --config file or",
            "STEPWISE_* environment variables (see model-server/README.md)."})
final class ModelServerCommand implements Callable<Integer> {

    /** Helidon logs through java.util.logging; held here because JUL keeps only weak references to its loggers. */
    private static final Logger HELIDON = Logger.getLogger("io.helidon");

    @Spec
    CommandSpec spec;

    @Option(names = "--host", paramLabel = "HOST", description = "Address to listen on (default 127.0.0.1; 0.0.0.0 for all).")
    String host;

    @Option(names = "--port", paramLabel = "PORT", description = "Port to listen on (default 8091; 0 picks a free one).")
    Integer port;

    @Option(names = "--model", paramLabel = "ID", description = "The model id it answers to (default synthetic/serial-v1).")
    String model;

    @Option(names = "--seed", paramLabel = "N",
            description = "Seed of the suite's fallibility, the latency and fault draws and of requests without a seed.")
    Long seed;

    @Option(names = "--latency-ms", paramLabel = "MS", description = "A constant latency per reply (default 0).")
    Long latencyMs;

    @Option(names = "--latency-median-ms", paramLabel = "MS",
            description = "A lognormal latency with this median (give --latency-p99-ms too).")
    Long latencyMedianMs;

    @Option(names = "--latency-p99-ms", paramLabel = "MS", description = "The 99th percentile of the lognormal latency.")
    Long latencyP99Ms;

    @Option(names = "--faults", paramLabel = "P",
            description = "Share of requests that fail, spread evenly over 500s, 429s, timeouts and malformed JSON.")
    Double faults;

    @Option(names = "--fault-500", paramLabel = "P", description = "Share of requests answered HTTP 500.")
    Double serverErrors;

    @Option(names = "--fault-429", paramLabel = "P", description = "Share of requests answered HTTP 429 with Retry-After.")
    Double rateLimits;

    @Option(names = "--retry-after", paramLabel = "S", description = "The Retry-After of an injected 429 (default 1).")
    Integer retryAfterSeconds;

    @Option(names = "--fault-timeout", paramLabel = "P",
            description = "Share of requests held for --timeout-hold-ms, then answered HTTP 504.")
    Double timeouts;

    @Option(names = "--timeout-hold-ms", paramLabel = "MS", description = "How long such a request is held (default 30000).")
    Long timeoutHoldMs;

    @Option(names = "--fault-malformed", paramLabel = "P", description = "Share of requests answered with cut-off JSON.")
    Double malformed;

    @Option(names = "--max-n", paramLabel = "N", description = "Most choices per request (default 128; 1 plays a server without n).")
    Integer maxN;

    @Option(names = "--n-over-max", paramLabel = "reject|truncate",
            description = "Over --max-n: 'reject' (HTTP 400 naming n, default) or 'truncate' (fewer choices).")
    String nOverMax;

    @Option(names = "--api-key", paramLabel = "KEY",
            description = "Require 'Authorization: Bearer KEY' (better: env STEPWISE_MODELSERVER_API_KEY).")
    String apiKey;

    @Option(names = "--step-error-rate", paramLabel = "P", description = "Probability of a wrong proposed step (default 0.1).")
    Double stepErrorRate;

    @Option(names = "--reviser-error-rate", paramLabel = "P", description = "Probability a revision is wrong again (default 0.1).")
    Double reviserErrorRate;

    @Option(names = "--false-accept-rate", paramLabel = "P", description = "Probability the verifier accepts a wrong step (default 0).")
    Double falseAcceptRate;

    @Option(names = "--false-reject-rate", paramLabel = "P", description = "Probability the verifier rejects a right step (default 0).")
    Double falseRejectRate;

    @Option(names = "--config", paramLabel = "FILE", description = "A properties file of configuration keys (env STEPWISE_CONFIG).")
    Path configFile;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Set any key, e.g. --set modelserver.fault.timeout.ms=2000.")
    Map<String, String> overrides = new LinkedHashMap<>();

    @Option(names = {"-v", "--verbose"}, description = "Log what the server does (INFO) on standard error.")
    boolean verbose;

    @Override
    public Integer call() throws Exception {
        Logging.configure(verbose);
        // Helidon's start-up and shutdown lines are INFO: shown with -v only, like the services' own.
        HELIDON.setLevel(verbose ? Level.INFO : Level.WARNING);
        final Map<String, String> env = System.getenv();
        final Path file = configFile != null ? configFile
                : env.containsKey("STEPWISE_CONFIG") ? Path.of(env.get("STEPWISE_CONFIG")) : null;
        final ModelServer server = ModelServer.start(new ModelServerConfig(ConfigLayers.load(file, env, flags())));
        spec.commandLine().getOut().println("stepwise model-server ready url=" + server.baseUrl());
        spec.commandLine().getOut().flush();
        UntilShutdown.await(server);
        return 0;
    }

    /** The flags as configuration keys; --set wins over the named flags. */
    Map<String, String> flags() {
        final Map<String, String> flags = new LinkedHashMap<>();
        put(flags, ModelServerConfig.HOST, host);
        put(flags, ModelServerConfig.PORT, port);
        put(flags, ModelServerConfig.MODEL, model);
        put(flags, ModelServerConfig.SEED, seed);
        put(flags, "synthetic.seed", seed);
        put(flags, ModelServerConfig.LATENCY_MS, latencyMs);
        if (latencyMedianMs != null || latencyP99Ms != null) {
            flags.put(ModelServerConfig.LATENCY, "lognormal");
        }
        put(flags, ModelServerConfig.LATENCY_MEDIAN_MS, latencyMedianMs);
        put(flags, ModelServerConfig.LATENCY_P99_MS, latencyP99Ms);
        if (faults != null) {
            for (final String key : List.of(ModelServerConfig.FAULT_SERVER_ERROR_RATE, ModelServerConfig.FAULT_RATE_LIMIT_RATE,
                    ModelServerConfig.FAULT_TIMEOUT_RATE, ModelServerConfig.FAULT_MALFORMED_RATE)) {
                flags.put(key, Double.toString(faults / 4));
            }
        }
        put(flags, ModelServerConfig.FAULT_SERVER_ERROR_RATE, serverErrors);
        put(flags, ModelServerConfig.FAULT_RATE_LIMIT_RATE, rateLimits);
        put(flags, ModelServerConfig.FAULT_RETRY_AFTER_S, retryAfterSeconds);
        put(flags, ModelServerConfig.FAULT_TIMEOUT_RATE, timeouts);
        put(flags, ModelServerConfig.FAULT_TIMEOUT_MS, timeoutHoldMs);
        put(flags, ModelServerConfig.FAULT_MALFORMED_RATE, malformed);
        put(flags, ModelServerConfig.MAX_N, maxN);
        put(flags, ModelServerConfig.N_OVER_MAX, nOverMax);
        put(flags, ModelServerConfig.API_KEY, apiKey);
        put(flags, "synthetic.step.error.rate", stepErrorRate);
        put(flags, "synthetic.reviser.error.rate", reviserErrorRate);
        put(flags, "synthetic.verifier.false.accept.rate", falseAcceptRate);
        put(flags, "synthetic.verifier.false.reject.rate", falseRejectRate);
        flags.putAll(overrides);
        return flags;
    }

    private static void put(final Map<String, String> flags, final String key, final Object value) {
        if (value != null) {
            flags.put(key, value.toString());
        }
    }
}
