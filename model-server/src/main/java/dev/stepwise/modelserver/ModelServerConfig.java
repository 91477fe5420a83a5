package dev.stepwise.modelserver;

import static dev.stepwise.models.ConfigValidators.between;
import static dev.stepwise.models.ConfigValidators.oneOf;

import dev.stepwise.models.ModelBackendConfig;
import dev.stepwise.models.latency.Latency;
import dev.stepwise.models.synthetic.SyntheticConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * The model server's configuration: its own keys under {@code modelserver.}, each declared once with type, default,
 * validation and description, plus the synthetic suite's keys ({@code synthetic.seed}, {@code synthetic.step.error.rate},
 * ...), read exactly as the embedded synthetic backend reads them, so the stand-in is as fallible as the backend it
 * serves. Values are layered by the caller (defaults, properties file, {@code STEPWISE_*} environment, flags).
 */
public final class ModelServerConfig extends AbstractConfig {

    public static final String HOST = "modelserver.host";
    public static final String PORT = "modelserver.port";
    public static final String MODEL = "modelserver.model";
    public static final String API_KEY = "modelserver.api.key";
    public static final String SEED = "modelserver.seed";
    public static final String LATENCY = "modelserver.latency";
    public static final String LATENCY_MS = "modelserver.latency.ms";
    public static final String LATENCY_MEDIAN_MS = "modelserver.latency.median.ms";
    public static final String LATENCY_P99_MS = "modelserver.latency.p99.ms";
    public static final String FAULT_SERVER_ERROR_RATE = "modelserver.fault.server.error.rate";
    public static final String FAULT_RATE_LIMIT_RATE = "modelserver.fault.rate.limit.rate";
    public static final String FAULT_RETRY_AFTER_S = "modelserver.fault.retry.after.s";
    public static final String FAULT_TIMEOUT_RATE = "modelserver.fault.timeout.rate";
    public static final String FAULT_TIMEOUT_MS = "modelserver.fault.timeout.ms";
    public static final String FAULT_MALFORMED_RATE = "modelserver.fault.malformed.rate";
    public static final String MAX_N = "modelserver.max.n";
    public static final String N_OVER_MAX = "modelserver.n.over.max";

    /** The model name the server answers to by default: what it is, not a language model's name. */
    public static final String DEFAULT_MODEL = "synthetic/serial-v1";

    /** The fault rate keys, in the order {@link Chaos} draws them. */
    static final List<String> FAULT_RATES = List.of(FAULT_SERVER_ERROR_RATE, FAULT_RATE_LIMIT_RATE, FAULT_TIMEOUT_RATE,
            FAULT_MALFORMED_RATE);

    private static final ConfigDef CONFIG = new ConfigDef()
            .define(HOST, Type.STRING, "127.0.0.1", Importance.HIGH, "Address to listen on; 0.0.0.0 for every interface.")
            .define(PORT, Type.INT, 8091, between(0, 65_535), Importance.HIGH, "Port to listen on; 0 picks a free one.")
            .define(MODEL, Type.STRING, DEFAULT_MODEL, new ConfigDef.NonEmptyString(), Importance.MEDIUM,
                    "The model id the server answers to (GET /v1/models lists it); a request for another gets 404.")
            .define(API_KEY, Type.PASSWORD, null, Importance.MEDIUM,
                    "When set, requests must carry 'Authorization: Bearer <key>', else they get 401.")
            .define(SEED, Type.LONG, 42L, Importance.MEDIUM,
                    "Seed of the latency and fault draws, and of the samples of requests that carry no seed.")
            .define(LATENCY, Type.STRING, "constant", oneOf("constant", "lognormal"), Importance.MEDIUM,
                    "Latency distribution of a reply: 'constant' (modelserver.latency.ms) or 'lognormal' "
                            + "(modelserver.latency.median.ms and modelserver.latency.p99.ms).")
            .define(LATENCY_MS, Type.LONG, 0L, between(0, 600_000), Importance.LOW, "The constant latency.")
            .define(LATENCY_MEDIAN_MS, Type.LONG, 200L, between(1, 600_000), Importance.LOW,
                    "Median of the lognormal latency.")
            .define(LATENCY_P99_MS, Type.LONG, 2_000L, between(1, 600_000), Importance.LOW,
                    "99th percentile of the lognormal latency; at least the median.")
            .define(FAULT_SERVER_ERROR_RATE, Type.DOUBLE, 0.0, between(0, 1), Importance.MEDIUM,
                    "Share of requests answered with HTTP 500.")
            .define(FAULT_RATE_LIMIT_RATE, Type.DOUBLE, 0.0, between(0, 1), Importance.MEDIUM,
                    "Share of requests answered with HTTP 429 and a Retry-After header.")
            .define(FAULT_RETRY_AFTER_S, Type.INT, 1, between(0, 3_600), Importance.LOW,
                    "The Retry-After of an injected 429, in seconds.")
            .define(FAULT_TIMEOUT_RATE, Type.DOUBLE, 0.0, between(0, 1), Importance.MEDIUM,
                    "Share of requests held for modelserver.fault.timeout.ms and then answered with HTTP 504: a client "
                            + "with a shorter timeout sees a timeout.")
            .define(FAULT_TIMEOUT_MS, Type.LONG, 30_000L, between(0, 600_000), Importance.LOW,
                    "How long a request chosen to time out is held.")
            .define(FAULT_MALFORMED_RATE, Type.DOUBLE, 0.0, between(0, 1), Importance.MEDIUM,
                    "Share of requests answered with HTTP 200 and a body cut off in the middle (malformed JSON).")
            .define(MAX_N, Type.INT, 128, between(1, 128), Importance.LOW,
                    "Most choices one request may ask for (n). 1 plays a server that samples one choice per request.")
            .define(N_OVER_MAX, Type.STRING, "reject", oneOf("reject", "truncate"), Importance.LOW,
                    "A request with n over modelserver.max.n: 'reject' answers HTTP 400 naming n (like llama.cpp), "
                            + "'truncate' returns modelserver.max.n choices (like Ollama, which ignores n).");

    private final SyntheticConfig synthetic;

    public ModelServerConfig(final Map<String, ?> values) {
        super(CONFIG, own(values), false);
        this.synthetic = syntheticOf(values);
        final double faults = FAULT_RATES.stream().mapToDouble(this::getDouble).sum();
        if (faults > 1.0 + 1e-9) {
            throw new ConfigException("The fault rates " + FAULT_RATES + " add up to " + faults + "; at most 1");
        }
        if (getString(LATENCY).strip().equalsIgnoreCase("lognormal") && getLong(LATENCY_P99_MS) < getLong(LATENCY_MEDIAN_MS)) {
            throw new ConfigException(LATENCY_P99_MS, getLong(LATENCY_P99_MS), "must be at least " + LATENCY_MEDIAN_MS);
        }
    }

    /** The definition of every key of the server's own, e.g. for a help text. */
    public static ConfigDef configDef() {
        return new ConfigDef(CONFIG);
    }

    public String host() {
        return getString(HOST);
    }

    public int port() {
        return getInt(PORT);
    }

    public String model() {
        return getString(MODEL);
    }

    /** The API key requests must carry, or null when any request is let in. */
    public String apiKey() {
        final Password key = getPassword(API_KEY);
        return key == null || key.value().isBlank() ? null : key.value();
    }

    public long seed() {
        return getLong(SEED);
    }

    /** The fallibility of the suite the server answers with. */
    public SyntheticConfig synthetic() {
        return synthetic;
    }

    /** The latency of a reply, drawn from its distribution. */
    Latency latency() {
        return Latency.of(getString(LATENCY).strip().toLowerCase(Locale.ROOT), getLong(LATENCY_MS),
                getLong(LATENCY_MEDIAN_MS), getLong(LATENCY_P99_MS));
    }

    int maxN() {
        return getInt(MAX_N);
    }

    boolean rejectsNOverMax() {
        return "reject".equalsIgnoreCase(getString(N_OVER_MAX).strip());
    }

    /** The server's own keys; any other key (a shared file holds the services' keys too) is left to its owner. */
    private static Map<String, Object> own(final Map<String, ?> values) {
        final Map<String, Object> own = new LinkedHashMap<>();
        values.forEach((key, value) -> {
            if (key.startsWith("modelserver.") && value != null && !(value instanceof String s && s.isBlank())) {
                if (!CONFIG.names().contains(key)) {
                    throw new ConfigException("Unknown configuration key '" + key + "'; the model server's keys are "
                            + String.join(", ", CONFIG.names().stream().sorted().toList()));
                }
                own.put(key, value);
            }
        });
        return own;
    }

    /** The synthetic keys, parsed by the models module exactly as for the embedded backend. */
    private static SyntheticConfig syntheticOf(final Map<String, ?> values) {
        final Map<String, Object> synthetic = new LinkedHashMap<>();
        values.forEach((key, value) -> {
            if (key.startsWith("synthetic.")) {
                synthetic.put(key, value);
            }
        });
        try {
            return ModelBackendConfig.fromMap(synthetic).synthetic();
        } catch (final IllegalArgumentException e) {
            throw new ConfigException(e.getMessage());
        }
    }
}
