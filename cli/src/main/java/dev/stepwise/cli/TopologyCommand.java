package dev.stepwise.cli;

import dev.stepwise.schemas.config.CommonConfig;
import dev.stepwise.topology.TopologyApp;
import dev.stepwise.topology.TopologyConfig;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Runs the Kafka Streams topology against an existing cluster. */
@Command(name = "topology", mixinStandardHelpOptions = true,
        description = {"Run the search topology (Kafka Streams) against a cluster.",
            "",
            "The topology merges steps with verdicts, ranks chains, decides what to do next and answers. It runs",
            "against a cluster (--bootstrap/--registry, or the one './stepwise up' started). Scale it by starting more."})
final class TopologyCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;
    @Mixin
    GlobalOptions global;

    @Option(names = "--reset", description = "Wipe this instance's local state directory before starting (state is restored from the changelogs).")
    boolean reset;

    @Override
    public Integer call() throws Exception {
        Logging.configure(true);
        final Map<String, String> config = new LinkedHashMap<>(Connect.toRunningCluster(global.config(Map.of())));
        config.putIfAbsent("state.dir", StepwiseStack.persistentStateDir().toString());
        final TopologyApp app = TopologyApp.create(new TopologyConfig(config), reset);
        app.start();
        spec.commandLine().getOut().println("stepwise topology running bootstrap=" + config.get(CommonConfig.BOOTSTRAP_SERVERS));
        spec.commandLine().getOut().flush();
        UntilShutdown.await(() -> app.close(Duration.ofSeconds(30)));
        return 0;
    }
}
