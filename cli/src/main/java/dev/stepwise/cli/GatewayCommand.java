package dev.stepwise.cli;

import dev.stepwise.gateway.Gateway;
import dev.stepwise.gateway.GatewayConfig;
import dev.stepwise.schemas.config.CommonConfig;
import dev.stepwise.schemas.serde.ConfluentSchemaRegistryClient;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Runs the OpenAI-compatible gateway against a running Stepwise cluster. */
@Command(name = "gateway", mixinStandardHelpOptions = true,
        description = {"Serve the OpenAI API (chat completions, responses, models) in front of a running Stepwise.",
            "",
            "Uses the cluster given by --bootstrap/--registry, else the one './stepwise up' is running. Any number",
            "of gateways can run side by side. Prints one line 'stepwise gateway ready url=http://HOST:PORT/v1' (the",
            "base URL OpenAI SDKs take) and serves until Ctrl-C or SIGTERM. Keys: gateway.host, gateway.port,",
            "gateway.api.keys (env STEPWISE_GATEWAY_API_KEYS), gateway.max.body.bytes, gateway.max.in.flight,",
            "gateway.default.model, gateway.request.timeout.ms, gateway.instance.id (set any with --set)."})
final class GatewayCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;
    @Mixin
    GlobalOptions global;

    @Option(names = "--port", paramLabel = "PORT", description = "Port to listen on (default: 8090; 0 picks a free one).")
    Integer port;

    @Option(names = "--host", paramLabel = "HOST", description = "Address to listen on (default: 127.0.0.1).")
    String host;

    @Override
    public Integer call() throws Exception {
        Logging.configure(global.verbose);
        final Map<String, String> flags = new LinkedHashMap<>();
        if (port != null) {
            flags.put(GatewayConfig.PORT, port.toString());
        }
        if (host != null) {
            flags.put(GatewayConfig.HOST, host);
        }
        final Map<String, String> config = Connect.toRunningCluster(global.config(flags));
        final GatewayConfig gatewayConfig = new GatewayConfig(config);
        Connect.awaitServers(config, ConfluentSchemaRegistryClient.create(config.get(CommonConfig.SCHEMA_REGISTRY_URL)),
                Duration.ofSeconds(15));
        final Gateway gateway = Gateway.start(gatewayConfig);
        spec.commandLine().getOut().println("stepwise gateway ready url=" + gateway.baseUrl());
        spec.commandLine().getOut().flush();
        UntilShutdown.await(gateway);
        return 0;
    }
}
