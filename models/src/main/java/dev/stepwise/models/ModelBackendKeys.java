package dev.stepwise.models;

import static dev.stepwise.models.ConfigValidators.between;
import static dev.stepwise.models.ConfigValidators.nullable;
import static dev.stepwise.models.ConfigValidators.oneOf;

import dev.stepwise.models.openai.OpenAiConfig;
import dev.stepwise.models.synthetic.RealisticConfig;
import dev.stepwise.models.synthetic.SyntheticConfig;
import java.util.List;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef;

/**
 * Every model key, declared once: the shared keys, then one override per role of each {@code openai.*} key (made
 * from the shared key's declaration, so they cannot drift apart). {@link ModelBackendConfig} reads them.
 */
final class ModelBackendKeys {

    static final String MODEL_BACKEND = "model.backend";
    static final String SYNTHETIC_SEED = "synthetic.seed";
    static final String SYNTHETIC_STEP_ERROR_RATE = "synthetic.step.error.rate";
    static final String SYNTHETIC_FALSE_ACCEPT_RATE = "synthetic.verifier.false.accept.rate";
    static final String SYNTHETIC_FALSE_REJECT_RATE = "synthetic.verifier.false.reject.rate";
    static final String SYNTHETIC_REVISER_ERROR_RATE = "synthetic.reviser.error.rate";
    static final String SYNTHETIC_PROFILE = "synthetic.profile";
    static final String SYNTHETIC_REALISTIC_VERIFIER_NOISE = "synthetic.realistic.verifier.noise";
    static final String SYNTHETIC_REALISTIC_STEP_ERROR_SCALE = "synthetic.realistic.step.error.scale";
    static final String SYNTHETIC_REALISTIC_TRAP_RATE = "synthetic.realistic.trap.rate";
    static final String SYNTHETIC_REALISTIC_TRAP_ERROR_RATE = "synthetic.realistic.trap.error.rate";
    static final String SYNTHETIC_REALISTIC_INFORMED_REVISION_RATE = "synthetic.realistic.informed.revision.rate";
    static final String SYNTHETIC_LATENCY = "synthetic.latency";
    static final String SYNTHETIC_LATENCY_MS = "synthetic.latency.ms";
    static final String SYNTHETIC_LATENCY_MEDIAN_MS = "synthetic.latency.median.ms";
    static final String SYNTHETIC_LATENCY_P99_MS = "synthetic.latency.p99.ms";
    static final String OPENAI_BASE_URL = "openai.base.url";
    static final String OPENAI_API_KEY = "openai.api.key";
    static final String OPENAI_MODEL = "openai.model";
    static final String OPENAI_TEMPERATURE = "openai.temperature";
    static final String OPENAI_MAX_TOKENS = "openai.max.tokens";
    static final String OPENAI_TIMEOUT_MS = "openai.timeout.ms";
    static final String OPENAI_MAX_RETRIES = "openai.max.retries";
    static final String OPENAI_RETRY_BACKOFF_MS = "openai.retry.backoff.ms";
    static final String OPENAI_RETRY_BACKOFF_MAX_MS = "openai.retry.backoff.max.ms";
    static final String OPENAI_RETRY_AFTER_MAX_MS = "openai.retry.after.max.ms";
    static final String OPENAI_TOP_LOGPROBS = "openai.top.logprobs";
    static final String OPENAI_ARITHMETIC_CHECK = "openai.arithmetic.check";
    static final String OPENAI_MAX_N = "openai.max.n";

    /** The keys a role may override under its prefix: all the server's settings. */
    static final List<String> ROLE_KEYS = List.of(OPENAI_BASE_URL, OPENAI_API_KEY, OPENAI_MODEL, OPENAI_TEMPERATURE,
            OPENAI_MAX_TOKENS, OPENAI_TIMEOUT_MS, OPENAI_MAX_RETRIES, OPENAI_RETRY_BACKOFF_MS, OPENAI_RETRY_BACKOFF_MAX_MS,
            OPENAI_RETRY_AFTER_MAX_MS, OPENAI_TOP_LOGPROBS, OPENAI_ARITHMETIC_CHECK, OPENAI_MAX_N);

    static final ConfigDef CONFIG = withRoleOverrides(new ConfigDef()
            .define(MODEL_BACKEND, Type.STRING, "synthetic", oneOf("synthetic", "openai"),
                    Importance.HIGH, "Model backend: 'synthetic' (the embedded synthetic task suite, not a language "
                            + "model) or 'openai' (an OpenAI-compatible chat-completions server).")
            .define(SYNTHETIC_SEED, Type.LONG, SyntheticConfig.DEFAULT_SEED, Importance.MEDIUM,
                    "Base seed of every random choice of the synthetic backend.")
            .define(SYNTHETIC_STEP_ERROR_RATE, Type.DOUBLE, SyntheticConfig.DEFAULT_STEP_ERROR_RATE, between(0, 1),
                    Importance.MEDIUM, "Probability that the synthetic proposer writes a wrong step.")
            .define(SYNTHETIC_FALSE_ACCEPT_RATE, Type.DOUBLE, SyntheticConfig.DEFAULT_FALSE_ACCEPT_RATE, between(0, 1),
                    Importance.LOW, "Probability that the synthetic verifier accepts a wrong step (0 = exact).")
            .define(SYNTHETIC_FALSE_REJECT_RATE, Type.DOUBLE, SyntheticConfig.DEFAULT_FALSE_REJECT_RATE, between(0, 1),
                    Importance.LOW, "Probability that the synthetic verifier rejects a correct step (0 = exact).")
            .define(SYNTHETIC_REVISER_ERROR_RATE, Type.DOUBLE, SyntheticConfig.DEFAULT_REVISER_ERROR_RATE, between(0, 1),
                    Importance.LOW, "Probability that the synthetic reviser's rewrite is wrong again.")
            .define(SYNTHETIC_PROFILE, Type.STRING, "uniform", oneOf("uniform", "realistic"), Importance.MEDIUM,
                    "Synthetic suite profile: 'uniform' (every step fails independently at synthetic.step.error.rate) "
                            + "or 'realistic' (per-problem difficulty, systematic errors, a graded noisy verifier; see "
                            + "models/README.md). The uniform rates do not apply to 'realistic'.")
            .define(SYNTHETIC_REALISTIC_VERIFIER_NOISE, Type.DOUBLE, RealisticConfig.DEFAULT_VERIFIER_NOISE, between(0, 1),
                    Importance.LOW, "Realistic profile: standard deviation of the verifier's score noise (0 = exact).")
            .define(SYNTHETIC_REALISTIC_STEP_ERROR_SCALE, Type.DOUBLE, RealisticConfig.DEFAULT_STEP_ERROR_SCALE,
                    between(0, 1), Importance.LOW, "Realistic profile: an ordinary step's error rate is this times d².")
            .define(SYNTHETIC_REALISTIC_TRAP_RATE, Type.DOUBLE, RealisticConfig.DEFAULT_TRAP_RATE, between(0, 1),
                    Importance.LOW, "Realistic profile: a state is a trap with probability this times d².")
            .define(SYNTHETIC_REALISTIC_TRAP_ERROR_RATE, Type.DOUBLE, RealisticConfig.DEFAULT_TRAP_ERROR_RATE,
                    between(0, 1), Importance.LOW, "Realistic profile: error rate at a trap of the hardest problem.")
            .define(SYNTHETIC_REALISTIC_INFORMED_REVISION_RATE, Type.DOUBLE,
                    RealisticConfig.DEFAULT_INFORMED_REVISION_RATE, between(0, 1), Importance.LOW,
                    "Realistic profile: how often a reviser told the expected step writes it, on the easiest problem.")
            .define(SYNTHETIC_LATENCY, Type.STRING, "constant", oneOf("constant", "lognormal"), Importance.LOW,
                    "How long each synthetic model call takes: 'constant' (synthetic.latency.ms; 0, the default, "
                            + "answers at once) or 'lognormal' (synthetic.latency.median.ms and synthetic.latency.p99.ms). "
                            + "Drawn per call, seeded by the call's identity, so that pipeline runs can be model-bound.")
            .define(SYNTHETIC_LATENCY_MS, Type.LONG, 0L, between(0, 600_000), Importance.LOW,
                    "The constant latency of a synthetic model call, in milliseconds.")
            .define(SYNTHETIC_LATENCY_MEDIAN_MS, Type.LONG, 50L, between(1, 600_000), Importance.LOW,
                    "Median of the lognormal latency of a synthetic model call, in milliseconds.")
            .define(SYNTHETIC_LATENCY_P99_MS, Type.LONG, 500L, between(1, 600_000), Importance.LOW,
                    "99th percentile of the lognormal latency of a synthetic model call; at least the median.")
            .define(OPENAI_BASE_URL, Type.STRING, null, ModelBackendConfig::validateUrl, Importance.HIGH,
                    "API root of the OpenAI-compatible server, e.g. http://127.0.0.1:8000/v1 (required with "
                            + "model.backend=openai); /chat/completions is appended.")
            .define(OPENAI_API_KEY, Type.PASSWORD, null, Importance.HIGH,
                    "API key sent as a Bearer token; local servers usually need none. Never logged.")
            .define(OPENAI_MODEL, Type.STRING, null, Importance.HIGH,
                    "Model to call, a name the server knows (required with model.backend=openai).")
            .define(OPENAI_TEMPERATURE, Type.DOUBLE, OpenAiConfig.DEFAULT_TEMPERATURE, between(0, 2), Importance.MEDIUM,
                    "Sampling temperature of the proposer and the reviser (the verifier always uses 0).")
            .define(OPENAI_MAX_TOKENS, Type.INT, OpenAiConfig.DEFAULT_MAX_TOKENS, between(1, 1_000_000), Importance.LOW,
                    "Upper bound on the tokens of one reply.")
            .define(OPENAI_TIMEOUT_MS, Type.LONG, OpenAiConfig.DEFAULT_TIMEOUT.toMillis(), between(1, 3_600_000),
                    Importance.MEDIUM, "Timeout of one request (one attempt), in milliseconds.")
            .define(OPENAI_MAX_RETRIES, Type.INT, OpenAiConfig.Retries.DEFAULT_MAX_RETRIES, between(0, 100),
                    Importance.MEDIUM, "Retries of a request after HTTP 408, 429 or 5xx, a timeout, a refused "
                            + "connection or an unreadable reply, before the call fails. The only retry of a model call.")
            .define(OPENAI_RETRY_BACKOFF_MS, Type.LONG, OpenAiConfig.Retries.DEFAULT_INITIAL_BACKOFF.toMillis(),
                    between(0, 600_000), Importance.LOW, "Wait before the first retry when the server sends no "
                            + "Retry-After; it doubles with every further retry, with jitter.")
            .define(OPENAI_RETRY_BACKOFF_MAX_MS, Type.LONG, OpenAiConfig.Retries.DEFAULT_MAX_BACKOFF.toMillis(),
                    between(0, 600_000), Importance.LOW, "Upper bound of the retry backoff.")
            .define(OPENAI_RETRY_AFTER_MAX_MS, Type.LONG, OpenAiConfig.Retries.DEFAULT_MAX_RETRY_AFTER.toMillis(),
                    between(0, 3_600_000), Importance.LOW, "Longest Retry-After honoured; a longer one is cut to this, "
                            + "so that a server cannot stall an agent for minutes.")
            .define(OPENAI_TOP_LOGPROBS, Type.INT, OpenAiConfig.DEFAULT_TOP_LOGPROBS,
                    between(0, OpenAiConfig.MAX_TOP_LOGPROBS), Importance.LOW, "Alternatives per token the verifier asks "
                            + "for, to score its yes/no judgement from their log-probabilities; 0 asks for none and reads "
                            + "the score from the reply's text.")
            .define(OPENAI_ARITHMETIC_CHECK, Type.BOOLEAN, true, Importance.LOW, "Whether the verifier recomputes "
                    + "every 'a op b = c' claim of a step (integers; + - * / ^ and mod) and rejects a step with a wrong "
                    + "one without asking the model.")
            .define(OPENAI_MAX_N, Type.INT, OpenAiConfig.DEFAULT_MAX_N, between(1, OpenAiConfig.MAX_N), Importance.LOW,
                    "Most samples the proposer asks for in one request (the 'n' parameter); 1 sends one request per "
                            + "sample. A server found not to honour n gets one request per sample anyway."));

    private ModelBackendKeys() {
    }

    /** Declares {@code <role>.<key>} for every role and every key of {@link #ROLE_KEYS}: no default, same type and check. */
    private static ConfigDef withRoleOverrides(final ConfigDef def) {
        for (final ModelRole role : ModelRole.values()) {
            for (final String key : ROLE_KEYS) {
                final ConfigDef.ConfigKey shared = def.configKeys().get(key);
                def.define(role.prefix() + key, shared.type, null, nullable(shared.validator), Importance.LOW,
                        "Overrides " + key + " for the " + role.id() + ". " + shared.documentation);
            }
        }
        return def;
    }
}
