package dev.stepwise.gateway;

import dev.stepwise.schemas.config.CommonConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * The gateway's configuration: the shared keys of {@link CommonConfig} plus the keys below, each declared
 * once with type, default, validation and description. The CLI layers the values (defaults, properties file,
 * {@code STEPWISE_*} environment, flags) and passes the result here.
 */
public final class GatewayConfig extends AbstractConfig {

    public static final String HOST = "gateway.host";
    public static final String PORT = "gateway.port";
    public static final String API_KEYS = "gateway.api.keys";
    public static final String MAX_BODY_BYTES = "gateway.max.body.bytes";
    public static final String MAX_IN_FLIGHT = "gateway.max.in.flight";
    public static final String DEFAULT_MODEL = "gateway.default.model";
    public static final String REQUEST_TIMEOUT_MS = "gateway.request.timeout.ms";
    public static final String INSTANCE_ID = "gateway.instance.id";

    public static final int DEFAULT_PORT = 8090;

    private static final ConfigDef CONFIG = CommonConfig.define(new ConfigDef())
            .define(HOST, Type.STRING, "127.0.0.1", new ConfigDef.NonEmptyString(), Importance.HIGH,
                    "Address the gateway listens on; 0.0.0.0 for every interface (set gateway.api.keys then).")
            .define(PORT, Type.INT, DEFAULT_PORT, Range.between(0, 65_535), Importance.HIGH,
                    "Port the gateway listens on; 0 picks a free one (the ready line says which).")
            .define(API_KEYS, Type.PASSWORD, "", Importance.HIGH,
                    "Comma-separated API keys a request must present as 'Authorization: Bearer KEY'; empty accepts "
                            + "every request (env STEPWISE_GATEWAY_API_KEYS).")
            .define(MAX_BODY_BYTES, Type.INT, 1_048_576, Range.between(1_024, 64 * 1_048_576), Importance.MEDIUM,
                    "Largest request body accepted; a larger one gets 413.")
            .define(MAX_IN_FLIGHT, Type.INT, 256, Range.between(1, 100_000), Importance.MEDIUM,
                    "Prompts this instance works on at once (plain and streaming); one more gets 429 with Retry-After.")
            .define(DEFAULT_MODEL, Type.STRING, ModelCatalog.BASE_ID, new ConfigDef.NonEmptyString(), Importance.MEDIUM,
                    "Model of a request that names none: 'stepwise' (the registry's default strategy) or "
                            + "'stepwise-<strategy>'.")
            .define(REQUEST_TIMEOUT_MS, Type.LONG, 120_000L, Range.between(1_000, 3_600_000), Importance.MEDIUM,
                    "How long a request may search: it becomes the prompt's deadline, at which the topology answers "
                            + "with the best it has; a request with no answer 15 s later gets a timeout error.")
            .define(INSTANCE_ID, Type.STRING, "", Importance.LOW,
                    "Name of this instance in the cancellations it publishes; default 'gateway-HOST:PORT'.");

    public GatewayConfig(final Map<?, ?> originals) {
        super(CONFIG, originals, false);
        final String model = getString(DEFAULT_MODEL);
        if (!ModelCatalog.standard().contains(model)) {
            throw new ConfigException(DEFAULT_MODEL, model, "not a model of this gateway; known: "
                    + String.join(", ", ModelCatalog.standard().ids()));
        }
    }

    /** The keys, types, defaults and docs. */
    public static ConfigDef configDef() {
        return new ConfigDef(CONFIG);
    }

    public String host() {
        return getString(HOST);
    }

    public int port() {
        return getInt(PORT);
    }

    /** The accepted API keys; empty when every request is accepted. */
    public List<String> apiKeys() {
        final Password keys = getPassword(API_KEYS);
        final String value = keys == null ? "" : keys.value();
        return List.of(value.split(",")).stream().map(String::strip).filter(k -> !k.isEmpty()).toList();
    }

    public int maxBodyBytes() {
        return getInt(MAX_BODY_BYTES);
    }

    public int maxInFlight() {
        return getInt(MAX_IN_FLIGHT);
    }

    public String defaultModel() {
        return getString(DEFAULT_MODEL);
    }

    public Duration requestTimeout() {
        return Duration.ofMillis(getLong(REQUEST_TIMEOUT_MS));
    }

    /** The configured instance id, or null for the default derived from the bound address. */
    public String instanceId() {
        final String id = getString(INSTANCE_ID);
        return id == null || id.isBlank() ? null : id;
    }
}
