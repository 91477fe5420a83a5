package dev.stepwise.models;

import dev.stepwise.models.openai.OpenAiConfig;
import dev.stepwise.models.latency.Latency;
import dev.stepwise.models.synthetic.Profile;
import dev.stepwise.models.synthetic.RealisticConfig;
import dev.stepwise.models.synthetic.SyntheticConfig;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * Which model backend the agents call and how, declared once per key with type, default, validation and description
 * ({@link ModelBackendKeys}). The caller layers the sources (defaults &lt; properties file &lt; environment &lt; flags)
 * into one map and passes it to {@link #fromMap}.
 *
 * <p><b>Per-role overrides.</b> The proposer, the verifier and the reviser may each use another server and model:
 * every {@code openai.*} key is the default of all three roles, and the same key under a role's prefix overrides it
 * for that role alone, e.g. {@code verifier.openai.base.url} and {@code verifier.openai.model} send the verifications
 * to another server while the proposer and the reviser keep {@code openai.base.url}. {@link #openai(ModelRole)} gives
 * a role's resolved settings. {@code model.backend} and the {@code synthetic.*} keys are shared by all roles.
 */
public final class ModelBackendConfig extends AbstractConfig {

    /** The backends. */
    public enum Kind { SYNTHETIC, OPENAI }

    public static final String MODEL_BACKEND = ModelBackendKeys.MODEL_BACKEND;
    public static final String SYNTHETIC_SEED = ModelBackendKeys.SYNTHETIC_SEED;
    public static final String SYNTHETIC_STEP_ERROR_RATE = ModelBackendKeys.SYNTHETIC_STEP_ERROR_RATE;
    public static final String SYNTHETIC_FALSE_ACCEPT_RATE = ModelBackendKeys.SYNTHETIC_FALSE_ACCEPT_RATE;
    public static final String SYNTHETIC_FALSE_REJECT_RATE = ModelBackendKeys.SYNTHETIC_FALSE_REJECT_RATE;
    public static final String SYNTHETIC_REVISER_ERROR_RATE = ModelBackendKeys.SYNTHETIC_REVISER_ERROR_RATE;
    public static final String SYNTHETIC_PROFILE = ModelBackendKeys.SYNTHETIC_PROFILE;
    static final String SYNTHETIC_REALISTIC_VERIFIER_NOISE = ModelBackendKeys.SYNTHETIC_REALISTIC_VERIFIER_NOISE;
    static final String SYNTHETIC_REALISTIC_STEP_ERROR_SCALE = ModelBackendKeys.SYNTHETIC_REALISTIC_STEP_ERROR_SCALE;
    static final String SYNTHETIC_REALISTIC_TRAP_RATE = ModelBackendKeys.SYNTHETIC_REALISTIC_TRAP_RATE;
    static final String SYNTHETIC_REALISTIC_TRAP_ERROR_RATE = ModelBackendKeys.SYNTHETIC_REALISTIC_TRAP_ERROR_RATE;
    static final String SYNTHETIC_REALISTIC_INFORMED_REVISION_RATE =
            ModelBackendKeys.SYNTHETIC_REALISTIC_INFORMED_REVISION_RATE;
    public static final String OPENAI_BASE_URL = ModelBackendKeys.OPENAI_BASE_URL;
    public static final String OPENAI_API_KEY = ModelBackendKeys.OPENAI_API_KEY;
    public static final String OPENAI_MODEL = ModelBackendKeys.OPENAI_MODEL;
    public static final String OPENAI_TEMPERATURE = ModelBackendKeys.OPENAI_TEMPERATURE;
    public static final String OPENAI_MAX_TOKENS = ModelBackendKeys.OPENAI_MAX_TOKENS;
    public static final String OPENAI_TIMEOUT_MS = ModelBackendKeys.OPENAI_TIMEOUT_MS;
    public static final String OPENAI_MAX_RETRIES = ModelBackendKeys.OPENAI_MAX_RETRIES;
    public static final String OPENAI_RETRY_BACKOFF_MS = ModelBackendKeys.OPENAI_RETRY_BACKOFF_MS;
    public static final String OPENAI_RETRY_BACKOFF_MAX_MS = ModelBackendKeys.OPENAI_RETRY_BACKOFF_MAX_MS;
    public static final String OPENAI_RETRY_AFTER_MAX_MS = ModelBackendKeys.OPENAI_RETRY_AFTER_MAX_MS;
    public static final String OPENAI_TOP_LOGPROBS = ModelBackendKeys.OPENAI_TOP_LOGPROBS;
    public static final String OPENAI_ARITHMETIC_CHECK = ModelBackendKeys.OPENAI_ARITHMETIC_CHECK;
    public static final String OPENAI_MAX_N = ModelBackendKeys.OPENAI_MAX_N;

    /**
     * Prefixes this configuration owns: a key under one of them that is not declared is a typo, reported as such.
     * Callers that pick the model keys out of a larger map (the agents) use these.
     */
    public static final List<String> OWNED_PREFIXES = List.of("model.", "synthetic.", "openai.",
            ModelRole.PROPOSER.prefix(), ModelRole.VERIFIER.prefix(), ModelRole.REVISER.prefix());

    private final Map<ModelRole, OpenAiConfig> roles;

    private ModelBackendConfig(final Map<String, ?> values) {
        super(ModelBackendKeys.CONFIG, values, false);
        this.roles = kind() == Kind.OPENAI ? resolveRoles() : Map.of();
        if (getString(ModelBackendKeys.SYNTHETIC_LATENCY).equalsIgnoreCase("lognormal")
                && getLong(ModelBackendKeys.SYNTHETIC_LATENCY_P99_MS) < getLong(ModelBackendKeys.SYNTHETIC_LATENCY_MEDIAN_MS)) {
            throw new IllegalArgumentException(ModelBackendKeys.SYNTHETIC_LATENCY_P99_MS + " ("
                    + getLong(ModelBackendKeys.SYNTHETIC_LATENCY_P99_MS) + ") must be at least "
                    + ModelBackendKeys.SYNTHETIC_LATENCY_MEDIAN_MS + " ("
                    + getLong(ModelBackendKeys.SYNTHETIC_LATENCY_MEDIAN_MS) + ")");
        }
    }

    /** The definition of every key, e.g. for a help text ({@code ConfigDef.toRst()}). */
    public static ConfigDef configDef() {
        return new ConfigDef(ModelBackendKeys.CONFIG);
    }

    /** The synthetic backend with its defaults. */
    public static ModelBackendConfig defaults() {
        return fromMap(Map.of());
    }

    /**
     * Reads the model keys from {@code values}; a missing or blank value takes the default (a role override that is
     * missing or blank takes the shared key's value). Every value given is validated, also those of the backend not
     * chosen, so that a typo shows at once. Keys outside {@link #OWNED_PREFIXES} are ignored.
     *
     * @throws IllegalArgumentException naming the key, its environment variable and what it accepts
     */
    public static ModelBackendConfig fromMap(final Map<String, ?> values) {
        final Map<String, Object> owned = new LinkedHashMap<>();
        values.forEach((key, value) -> {
            if (OWNED_PREFIXES.stream().noneMatch(key::startsWith)) {
                return;
            }
            final ConfigDef.ConfigKey declared = ModelBackendKeys.CONFIG.configKeys().get(key);
            if (declared == null) {
                throw new IllegalArgumentException("Unknown configuration key '" + key + "'; the model keys are "
                        + String.join(", ", ModelBackendKeys.CONFIG.names().stream().sorted().toList()));
            }
            if (value == null || value instanceof String text && text.isBlank()) {
                return;
            }
            try {
                final Object parsed = ConfigDef.parseType(key, value, declared.type);
                if (declared.validator != null) {
                    declared.validator.ensureValid(key, parsed);
                }
            } catch (final ConfigException e) {
                throw new IllegalArgumentException(e.getMessage() + " (key " + key + ", environment variable "
                        + envVar(key) + ")", e);
            }
            owned.put(key, value);
        });
        return new ModelBackendConfig(owned);
    }

    /** {@code openai.base.url} becomes {@code STEPWISE_OPENAI_BASE_URL}, as the CLI reads the environment. */
    public static String envVar(final String key) {
        return "STEPWISE_" + key.replace('.', '_').toUpperCase(Locale.ROOT);
    }

    public Kind kind() {
        return Kind.valueOf(getString(MODEL_BACKEND).strip().toUpperCase(Locale.ROOT));
    }

    /** How long each synthetic model call takes ({@link Latency#NONE} unless configured). */
    public Latency syntheticLatency() {
        return Latency.of(getString(ModelBackendKeys.SYNTHETIC_LATENCY).strip().toLowerCase(Locale.ROOT),
                getLong(ModelBackendKeys.SYNTHETIC_LATENCY_MS), getLong(ModelBackendKeys.SYNTHETIC_LATENCY_MEDIAN_MS),
                getLong(ModelBackendKeys.SYNTHETIC_LATENCY_P99_MS));
    }

    /** The synthetic backend's settings; always present, whichever backend is chosen. */
    public SyntheticConfig synthetic() {
        return SyntheticConfig.defaults()
                .withSeed(getLong(SYNTHETIC_SEED))
                .withStepErrorRate(getDouble(SYNTHETIC_STEP_ERROR_RATE))
                .withVerifierNoise(getDouble(SYNTHETIC_FALSE_ACCEPT_RATE), getDouble(SYNTHETIC_FALSE_REJECT_RATE))
                .withReviserErrorRate(getDouble(SYNTHETIC_REVISER_ERROR_RATE))
                .withProfile(Profile.fromId(getString(SYNTHETIC_PROFILE)))
                .withRealistic(new RealisticConfig(getDouble(SYNTHETIC_REALISTIC_VERIFIER_NOISE),
                        getDouble(SYNTHETIC_REALISTIC_STEP_ERROR_SCALE), getDouble(SYNTHETIC_REALISTIC_TRAP_RATE),
                        getDouble(SYNTHETIC_REALISTIC_TRAP_ERROR_RATE),
                        getDouble(SYNTHETIC_REALISTIC_INFORMED_REVISION_RATE)));
    }

    /**
     * The OpenAI-compatible settings one role uses: its own override of each key, else the shared key.
     *
     * @throws IllegalStateException when the backend is not {@code openai}
     */
    public OpenAiConfig openai(final ModelRole role) {
        if (kind() != Kind.OPENAI) {
            throw new IllegalStateException("the model backend is " + getString(MODEL_BACKEND) + ", not openai");
        }
        return roles.get(role);
    }

    private Map<ModelRole, OpenAiConfig> resolveRoles() {
        final Map<ModelRole, OpenAiConfig> resolved = new EnumMap<>(ModelRole.class);
        for (final ModelRole role : ModelRole.values()) {
            final Object baseUrl = value(role, OPENAI_BASE_URL);
            final Object model = value(role, OPENAI_MODEL);
            if (baseUrl == null || model == null) {
                final String key = baseUrl == null ? OPENAI_BASE_URL : OPENAI_MODEL;
                throw new IllegalArgumentException(key + " (environment variable " + envVar(key) + ") is required with "
                        + "model.backend=openai" + (baseUrl == null ? ": an http(s) URL such as http://127.0.0.1:8000/v1"
                        : ": the name of the model to call") + "; or set " + role.prefix() + key + " for the "
                        + role.id() + " and likewise for the other roles");
            }
            final Password apiKey = (Password) value(role, OPENAI_API_KEY);
            try {
                final OpenAiConfig.Retries retries = new OpenAiConfig.Retries((Integer) value(role, OPENAI_MAX_RETRIES),
                        millis(role, OPENAI_RETRY_BACKOFF_MS), millis(role, OPENAI_RETRY_BACKOFF_MAX_MS),
                        millis(role, OPENAI_RETRY_AFTER_MAX_MS));
                resolved.put(role, new OpenAiConfig(URI.create(baseUrl.toString().strip()),
                        apiKey == null ? null : apiKey.value(), model.toString(),
                        (Double) value(role, OPENAI_TEMPERATURE), (Integer) value(role, OPENAI_MAX_TOKENS),
                        millis(role, OPENAI_TIMEOUT_MS), retries, (Integer) value(role, OPENAI_TOP_LOGPROBS),
                        (Boolean) value(role, OPENAI_ARITHMETIC_CHECK), (Integer) value(role, OPENAI_MAX_N)));
            } catch (final IllegalArgumentException e) {
                // Settings valid one by one that do not fit together, e.g. a backoff above its maximum.
                throw new IllegalArgumentException("Invalid model settings for the " + role.id() + ": " + e.getMessage(), e);
            }
        }
        return resolved;
    }

    /** A role's override of {@code key}, else the shared value (which may be a default). */
    private Object value(final ModelRole role, final String key) {
        final Object override = get(role.prefix() + key);
        return override != null ? override : get(key);
    }

    private Duration millis(final ModelRole role, final String key) {
        return Duration.ofMillis((Long) value(role, key));
    }

    /** Checks an http(s) URL with a host; for {@link ModelBackendKeys}. */
    static void validateUrl(final String name, final Object value) {
        if (value == null) {
            return;
        }
        try {
            final URI uri = new URI(value.toString().strip());
            final String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (("http".equals(scheme) || "https".equals(scheme)) && uri.getHost() != null) {
                return;
            }
        } catch (final URISyntaxException e) {
            // Reported below with what the key accepts.
        }
        throw new ConfigException(name, value, "expected an http(s) URL such as http://127.0.0.1:8000/v1");
    }

    /** The backend and each role's settings; API keys hidden. */
    @Override
    public String toString() {
        return "ModelBackendConfig[kind=" + kind() + (roles.isEmpty() ? ", synthetic=" + synthetic()
                : ", " + roles.entrySet().stream().map(e -> e.getKey().id() + "=" + e.getValue())
                        .collect(Collectors.joining(", "))) + "]";
    }
}
