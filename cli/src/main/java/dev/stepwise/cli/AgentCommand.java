package dev.stepwise.cli;

import dev.stepwise.agents.AgentKind;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Runs instances of one agent kind against an existing cluster ({@code stepwise proposer|verifier|reviser}). */
@Command(mixinStandardHelpOptions = true,
        description = {"Run agents of this kind against a cluster.",
            "",
            "Runs agent instances against a cluster (--bootstrap/--registry, or the one",
            "'./stepwise up' started). Each kind is its own consumer group: start as many processes as you like."})
final class AgentCommand implements Callable<Integer> {

    private final AgentKind kind;

    @Spec
    CommandSpec spec;
    @Mixin
    GlobalOptions global;
    @Mixin
    ModelOptions model;

    @Option(names = "--instances", paramLabel = "N", defaultValue = "1", description = "Instances in this process (default: ${DEFAULT-VALUE}).")
    int instances;

    @Option(names = "--instance-id", paramLabel = "ID",
            description = "Stable instance id: names the transactional id and, with --set agent.static.membership=true, the static group member, so a restarted instance takes over at once.")
    String instanceId;

    /** The usage text of one kind's command. */
    static String[] description(final AgentKind kind) {
        final String what = switch (kind) {
            case PROPOSER -> "Run proposers: they sample candidate next steps for the search.";
            case VERIFIER -> "Run verifiers: they score each proposed step against the chain before it.";
            case REVISER -> "Run revisers: they rewrite steps the verifiers rejected.";
        };
        return new String[] {what, "",
            "Runs instances against a cluster (--bootstrap/--registry, or the one './stepwise up' started).",
            "Each kind is its own consumer group: start as many processes as you like."};
    }

    AgentCommand(final AgentKind kind) {
        this.kind = kind;
    }

    @Override
    public Integer call() throws Exception {
        Logging.configure(true);
        if (instances < 1) {
            throw new IllegalArgumentException("--instances must be at least 1");
        }
        final Map<String, String> extra = new LinkedHashMap<>(model.config());
        extra.put("agent.instance.id", instanceId);
        final Map<String, String> config = Connect.toRunningCluster(global.config(extra));
        final StackOptions none = new StackOptions();
        final StepwiseStack.Parts parts = new StepwiseStack.Parts(false,
                kind == AgentKind.PROPOSER ? instances : 0,
                kind == AgentKind.VERIFIER ? instances : 0,
                kind == AgentKind.REVISER ? instances : 0);
        final StepwiseStack running = StepwiseStack.start(config, none, parts);
        spec.commandLine().getOut().println("stepwise " + kind.name().toLowerCase(Locale.ROOT)
                + " running instances=" + instances + " bootstrap=" + running.bootstrapServers());
        spec.commandLine().getOut().flush();
        UntilShutdown.await(running);
        return 0;
    }
}
