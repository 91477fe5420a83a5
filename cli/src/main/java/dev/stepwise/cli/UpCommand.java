package dev.stepwise.cli;

import dev.stepwise.gateway.GatewayConfig;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Runs everything: broker and registry (embedded unless given), topics, topology and agents. */
@Command(name = "up", mixinStandardHelpOptions = true,
        description = {"Run everything: broker, registry, topics, topology and agents.",
            "",
            "Starts the broker and schema registry (embedded unless --bootstrap/--registry name existing ones),",
            "creates the topics, and runs the topology and the agents until Ctrl-C or SIGTERM.",
            "Also serves the OpenAI API (./stepwise gateway --help) unless --no-gateway.",
            "Prints one line 'stepwise ready bootstrap=HOST:PORT registry=URL gateway=http://HOST:PORT/v1' once",
            "clients can use them (the gateway URL is the base URL OpenAI SDKs take)."})
final class UpCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;
    @Mixin
    GlobalOptions global;
    @Mixin
    ModelOptions model;
    @Mixin
    StackOptions stack;

    @Option(names = "--gateway-port", paramLabel = "PORT",
            description = "Port of the OpenAI-compatible gateway (default: gateway.port, 8090; 0 picks a free one).")
    Integer gatewayPort;

    @Option(names = "--no-gateway", description = "Do not start the gateway.")
    boolean noGateway;

    @Override
    public Integer call() throws Exception {
        Logging.configure(global.verbose);
        stack.validate();
        final Map<String, String> config = global.config(model.config());
        final boolean external = StepwiseStack.isExternal(config);
        final StepwiseStack running = StepwiseStack.start(config, stack,
                StepwiseStack.Parts.all(stack.proposers, stack.verifiers, stack.revisers));
        final String gateway;
        try {
            gateway = noGateway ? null : running.startGateway(gatewayPort == null ? Map.of()
                    : Map.of(GatewayConfig.PORT, gatewayPort.toString()));
        } catch (RuntimeException e) {
            running.close();
            throw e;
        }
        if (!external) {
            RunFile.write(running.bootstrapServers(), running.registryUrl());
        }
        spec.commandLine().getOut().println("stepwise ready bootstrap=" + running.bootstrapServers()
                + " registry=" + running.registryUrl() + (gateway == null ? "" : " gateway=" + gateway));
        spec.commandLine().getOut().flush();
        UntilShutdown.await(() -> {
            if (!external) {
                RunFile.delete();
            }
            running.close();
        });
        return 0;
    }
}
