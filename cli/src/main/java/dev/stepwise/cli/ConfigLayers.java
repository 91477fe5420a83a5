package dev.stepwise.cli;

import dev.stepwise.schemas.config.CommonConfig;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * Layers configuration the same way for every service: built-in defaults (declared with each key),
 * then an optional properties file, then {@code STEPWISE_*} environment variables, then flags — each
 * layer wins over the one before. Keys are the dotted names the services declare
 * ({@code bootstrap.servers}, {@code agent.max.in.flight}, {@code synthetic.step.error.rate}, ...);
 * an environment variable names a key in upper case with underscores ({@code STEPWISE_AGENT_MAX_IN_FLIGHT}).
 */
public final class ConfigLayers {

    static final String ENV_PREFIX = "STEPWISE_";

    /** Short environment names kept for convenience, mapped to their keys. */
    private static final Map<String, String> ENV_ALIASES = Map.of(
            "STEPWISE_BOOTSTRAP", CommonConfig.BOOTSTRAP_SERVERS,
            "STEPWISE_REGISTRY_URL", CommonConfig.SCHEMA_REGISTRY_URL,
            "STEPWISE_REGISTRY", CommonConfig.SCHEMA_REGISTRY_URL);

    /** Launcher and script variables that are not configuration keys. */
    private static final Set<String> NOT_KEYS = Set.of(
            "STEPWISE_HOME", "STEPWISE_CONFIG", "STEPWISE_JAVA_OPTS", "STEPWISE_JAVA_HOME", "STEPWISE_JAVA",
            "STEPWISE_APICURIO_HOME", "STEPWISE_KAFKA_PORT", "STEPWISE_KAFKA_CONTROLLER_PORT", "STEPWISE_KAFKA_LIBS",
            "STEPWISE_REGISTRY_PORT", "STEPWISE_REGISTRY_MANAGEMENT_PORT");

    private ConfigLayers() {
    }

    /**
     * The merged configuration.
     *
     * @param file  optional properties file (may be null)
     * @param env   the environment, usually {@code System.getenv()}
     * @param flags values given on the command line, already keyed by config name
     */
    public static Map<String, String> load(final Path file, final Map<String, String> env, final Map<String, String> flags) {
        final Map<String, String> merged = new LinkedHashMap<>();
        if (file != null) {
            merged.putAll(readProperties(file));
        }
        merged.putAll(fromEnv(env));
        flags.forEach((k, v) -> {
            if (v != null) {
                merged.put(k, v);
            }
        });
        return merged;
    }

    /** The configuration keys named by {@code STEPWISE_*} variables. */
    static Map<String, String> fromEnv(final Map<String, String> env) {
        final Map<String, String> values = new LinkedHashMap<>();
        env.forEach((name, value) -> {
            if (!name.startsWith(ENV_PREFIX) || NOT_KEYS.contains(name) || ENV_ALIASES.containsKey(name)) {
                return;
            }
            values.put(name.substring(ENV_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.'), value);
        });
        // Aliases go last so that the documented short names win over nothing but flags.
        ENV_ALIASES.forEach((name, key) -> {
            if (env.containsKey(name)) {
                values.put(key, env.get(name));
            }
        });
        return values;
    }

    static Map<String, String> readProperties(final Path file) {
        final Properties props = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            props.load(reader);
        } catch (IOException e) {
            throw new IllegalArgumentException("Cannot read config file " + file + ": " + e.getMessage(), e);
        }
        final Map<String, String> values = new LinkedHashMap<>();
        props.stringPropertyNames().forEach(k -> values.put(k, props.getProperty(k).trim()));
        return values;
    }
}
