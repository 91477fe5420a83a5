package dev.stepwise.models;

import dev.stepwise.models.openai.OpenAiConfig;
import dev.stepwise.models.synthetic.SyntheticConfig;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Which model backend to use and how it is configured. {@link #fromMap} reads the keys in {@link #KEYS}; the caller
 * layers the sources (defaults &lt; properties file &lt; environment &lt; flags) into one map first.
 *
 * @param kind      the backend
 * @param synthetic the synthetic backend's settings; always present
 * @param openai    the OpenAI-compatible backend's settings; present exactly when kind is OPENAI
 */
public record ModelBackendConfig(Kind kind, SyntheticConfig synthetic, OpenAiConfig openai) {

    /** The backends. */
    public enum Kind { SYNTHETIC, OPENAI }

    public static final ConfigKey MODEL_BACKEND = new ConfigKey("model.backend", ConfigKey.Type.STRING, "synthetic",
            "synthetic|openai", "Model backend: 'synthetic' (embedded synthetic task suite, not a language model) or"
            + " 'openai' (an OpenAI-compatible chat-completions server)");
    public static final ConfigKey SYNTHETIC_SEED = new ConfigKey("synthetic.seed", ConfigKey.Type.LONG,
            Long.toString(SyntheticConfig.DEFAULT_SEED), "a 64-bit integer",
            "Base seed of every random choice of the synthetic backend");
    public static final ConfigKey SYNTHETIC_STEP_ERROR_RATE = new ConfigKey("synthetic.step.error.rate",
            ConfigKey.Type.DOUBLE, Double.toString(SyntheticConfig.DEFAULT_STEP_ERROR_RATE), "a number in [0,1]",
            "Probability that the synthetic proposer writes a wrong step");
    public static final ConfigKey SYNTHETIC_FALSE_ACCEPT_RATE = new ConfigKey("synthetic.verifier.false.accept.rate",
            ConfigKey.Type.DOUBLE, Double.toString(SyntheticConfig.DEFAULT_FALSE_ACCEPT_RATE), "a number in [0,1]",
            "Probability that the synthetic verifier accepts a wrong step (0 = exact)");
    public static final ConfigKey SYNTHETIC_FALSE_REJECT_RATE = new ConfigKey("synthetic.verifier.false.reject.rate",
            ConfigKey.Type.DOUBLE, Double.toString(SyntheticConfig.DEFAULT_FALSE_REJECT_RATE), "a number in [0,1]",
            "Probability that the synthetic verifier rejects a correct step (0 = exact)");
    public static final ConfigKey SYNTHETIC_REVISER_ERROR_RATE = new ConfigKey("synthetic.reviser.error.rate",
            ConfigKey.Type.DOUBLE, Double.toString(SyntheticConfig.DEFAULT_REVISER_ERROR_RATE), "a number in [0,1]",
            "Probability that the synthetic reviser's rewrite is wrong again");
    public static final ConfigKey OPENAI_BASE_URL = new ConfigKey("openai.base.url", ConfigKey.Type.URL, null,
            "an http(s) URL such as http://127.0.0.1:8000/v1",
            "API root of the OpenAI-compatible server (required with model.backend=openai); /chat/completions is"
            + " appended");
    public static final ConfigKey OPENAI_API_KEY = new ConfigKey("openai.api.key", ConfigKey.Type.PASSWORD, null,
            "any string; empty for none", "API key sent as a Bearer token; local servers usually need none");
    public static final ConfigKey OPENAI_MODEL = new ConfigKey("openai.model", ConfigKey.Type.STRING, null,
            "a model name the server knows", "Model to call (required with model.backend=openai)");
    public static final ConfigKey OPENAI_TEMPERATURE = new ConfigKey("openai.temperature", ConfigKey.Type.DOUBLE,
            Double.toString(OpenAiConfig.DEFAULT_TEMPERATURE), "a number in [0,2]",
            "Sampling temperature of the proposer and the reviser (the verifier always uses 0)");
    public static final ConfigKey OPENAI_MAX_TOKENS = new ConfigKey("openai.max.tokens", ConfigKey.Type.INT,
            Integer.toString(OpenAiConfig.DEFAULT_MAX_TOKENS), "an integer in [1,1000000]",
            "Upper bound on the tokens of one reply");
    public static final ConfigKey OPENAI_TIMEOUT_MS = new ConfigKey("openai.timeout.ms", ConfigKey.Type.LONG,
            Long.toString(OpenAiConfig.DEFAULT_TIMEOUT.toMillis()), "an integer in [1,3600000]",
            "Timeout of one request, in milliseconds");
    public static final ConfigKey OPENAI_MAX_RETRIES = new ConfigKey("openai.max.retries", ConfigKey.Type.INT,
            Integer.toString(OpenAiConfig.DEFAULT_MAX_RETRIES), "an integer in [0,100]",
            "Retries after HTTP 429/5xx, timeouts and failed connections before a call fails");

    /** Every key, in the order a help text should show them. */
    public static final List<ConfigKey> KEYS = List.of(MODEL_BACKEND, SYNTHETIC_SEED, SYNTHETIC_STEP_ERROR_RATE,
            SYNTHETIC_FALSE_ACCEPT_RATE, SYNTHETIC_FALSE_REJECT_RATE, SYNTHETIC_REVISER_ERROR_RATE, OPENAI_BASE_URL,
            OPENAI_API_KEY, OPENAI_MODEL, OPENAI_TEMPERATURE, OPENAI_MAX_TOKENS, OPENAI_TIMEOUT_MS, OPENAI_MAX_RETRIES);

    /** Prefixes this config owns: a key under them that is not in {@link #KEYS} is a typo, reported as such. */
    private static final List<String> OWNED_PREFIXES = List.of("model.", "synthetic.", "openai.");

    public ModelBackendConfig {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(synthetic, "synthetic");
        if ((kind == Kind.OPENAI) != (openai != null)) {
            throw new IllegalArgumentException("openai settings must be given exactly when the backend is openai");
        }
    }

    /** The synthetic backend with its defaults. */
    public static ModelBackendConfig defaults() {
        return new ModelBackendConfig(Kind.SYNTHETIC, SyntheticConfig.defaults(), null);
    }

    /**
     * Reads the keys of {@link #KEYS} from {@code values}; a missing or blank value takes the default. Every value
     * given is validated, also those of the backend not chosen, so that a typo shows at once. Keys outside
     * {@code model.*}, {@code synthetic.*} and {@code openai.*} are ignored.
     *
     * @throws IllegalArgumentException naming the key and the values it accepts
     */
    public static ModelBackendConfig fromMap(final Map<String, String> values) {
        for (final String key : values.keySet()) {
            if (OWNED_PREFIXES.stream().anyMatch(key::startsWith) && KEYS.stream().noneMatch(k -> k.name().equals(key))) {
                throw new IllegalArgumentException("Unknown configuration key '" + key + "'; the model keys are "
                        + KEYS.stream().map(ConfigKey::name).collect(Collectors.joining(", ")));
            }
        }
        final String backend = text(values, MODEL_BACKEND).toLowerCase(Locale.ROOT);
        final Kind kind = switch (backend) {
            case "synthetic" -> Kind.SYNTHETIC;
            case "openai" -> Kind.OPENAI;
            default -> throw invalid(MODEL_BACKEND, backend);
        };
        final SyntheticConfig synthetic = new SyntheticConfig(
                parse(values, SYNTHETIC_SEED, Long::parseLong),
                rate(values, SYNTHETIC_STEP_ERROR_RATE),
                rate(values, SYNTHETIC_FALSE_ACCEPT_RATE),
                rate(values, SYNTHETIC_FALSE_REJECT_RATE),
                rate(values, SYNTHETIC_REVISER_ERROR_RATE));

        final URI baseUrl = optional(values, OPENAI_BASE_URL) == null ? null : url(values);
        final String apiKey = optional(values, OPENAI_API_KEY);
        final String model = optional(values, OPENAI_MODEL);
        final double temperature = parse(values, OPENAI_TEMPERATURE, Double::parseDouble);
        if (!(temperature >= 0.0 && temperature <= 2.0)) {
            throw invalid(OPENAI_TEMPERATURE, text(values, OPENAI_TEMPERATURE));
        }
        final int maxTokens = bounded(values, OPENAI_MAX_TOKENS, 1, 1_000_000);
        final long timeoutMillis = parse(values, OPENAI_TIMEOUT_MS, Long::parseLong);
        if (timeoutMillis < 1 || timeoutMillis > 3_600_000) {
            throw invalid(OPENAI_TIMEOUT_MS, text(values, OPENAI_TIMEOUT_MS));
        }
        final int maxRetries = bounded(values, OPENAI_MAX_RETRIES, 0, 100);

        if (kind == Kind.SYNTHETIC) {
            return new ModelBackendConfig(kind, synthetic, null);
        }
        if (baseUrl == null) {
            throw new IllegalArgumentException(OPENAI_BASE_URL.name() + " (" + OPENAI_BASE_URL.envVar() + ", "
                    + OPENAI_BASE_URL.flag() + ") is required with model.backend=openai: " + OPENAI_BASE_URL.validValues());
        }
        if (model == null) {
            throw new IllegalArgumentException(OPENAI_MODEL.name() + " (" + OPENAI_MODEL.envVar() + ", "
                    + OPENAI_MODEL.flag() + ") is required with model.backend=openai: the name of the model to call");
        }
        return new ModelBackendConfig(kind, synthetic, new OpenAiConfig(baseUrl, apiKey, model, temperature, maxTokens,
                Duration.ofMillis(timeoutMillis), maxRetries));
    }

    private static String optional(final Map<String, String> values, final ConfigKey key) {
        final String value = values.get(key.name());
        return value == null || value.isBlank() ? null : value.strip();
    }

    private static String text(final Map<String, String> values, final ConfigKey key) {
        final String value = optional(values, key);
        return value == null ? key.defaultValue() : value;
    }

    private static <T> T parse(final Map<String, String> values, final ConfigKey key, final Function<String, T> parser) {
        final String value = text(values, key);
        try {
            return parser.apply(value);
        } catch (final NumberFormatException e) {
            throw invalid(key, value);
        }
    }

    private static double rate(final Map<String, String> values, final ConfigKey key) {
        final double rate = parse(values, key, Double::parseDouble);
        if (!(rate >= 0.0 && rate <= 1.0)) {
            throw invalid(key, text(values, key));
        }
        return rate;
    }

    private static int bounded(final Map<String, String> values, final ConfigKey key, final int min, final int max) {
        final int value = parse(values, key, Integer::parseInt);
        if (value < min || value > max) {
            throw invalid(key, text(values, key));
        }
        return value;
    }

    private static URI url(final Map<String, String> values) {
        final String value = text(values, OPENAI_BASE_URL);
        try {
            final URI uri = new URI(value);
            final String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (("http".equals(scheme) || "https".equals(scheme)) && uri.getHost() != null) {
                return uri;
            }
        } catch (final URISyntaxException e) {
            // Reported below with the key's valid values.
        }
        throw invalid(OPENAI_BASE_URL, value);
    }

    private static IllegalArgumentException invalid(final ConfigKey key, final String value) {
        final String shown = key.type() == ConfigKey.Type.PASSWORD ? "[hidden]" : "'" + value + "'";
        return new IllegalArgumentException("Invalid value " + shown + " for " + key.name() + " (" + key.envVar() + ", "
                + key.flag() + "): expected " + key.validValues());
    }
}
