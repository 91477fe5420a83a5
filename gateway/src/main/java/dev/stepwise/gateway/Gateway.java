package dev.stepwise.gateway;

import dev.stepwise.client.ClientSettings;
import dev.stepwise.client.StepwiseClient;
import dev.stepwise.schemas.config.CommonConfig;
import dev.stepwise.schemas.serde.ConfluentSchemaRegistryClient;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running gateway: one {@link StepwiseClient} (one producer, one reader for every request) and the HTTP
 * server on top. Any number of gateways can run against one deployment: each reads every partition of the
 * answers and decisions topics without a consumer group, so each gets the answers its own requests wait for.
 */
public final class Gateway implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);

    private final StepwiseClient client;
    private final GatewayServer server;

    private Gateway(final StepwiseClient client, final GatewayServer server) {
        this.client = client;
        this.server = server;
    }

    /** Connects to the deployment the configuration names and starts serving. */
    public static Gateway start(final GatewayConfig config) {
        final ConfluentSchemaRegistryClient registry =
                ConfluentSchemaRegistryClient.create(config.getString(CommonConfig.SCHEMA_REGISTRY_URL));
        final StepwiseClient client = StepwiseClient.connect(ClientSettings.of(config.getString(CommonConfig.BOOTSTRAP_SERVERS),
                registry, CommonConfig.topics(config)).withClientId("stepwise-gateway"));
        try {
            final GatewayServer server = GatewayServer.start(config, PromptService.of(client));
            LOG.info("Stepwise gateway listening at {}", server.baseUrl());
            return new Gateway(client, server);
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
    }

    /** {@link #start(GatewayConfig)} from configuration keys. */
    public static Gateway start(final Map<String, ?> config) {
        return start(new GatewayConfig(config));
    }

    public String baseUrl() {
        return server.baseUrl();
    }

    public int port() {
        return server.port();
    }

    public int inFlight() {
        return server.inFlight();
    }

    /** Stops taking requests, then closes the client (requests still waiting fail). */
    @Override
    public void close() {
        server.close();
        client.close();
    }
}
