package dev.stepwise.bench;

import dev.stepwise.search.SearchSettings;
import dev.stepwise.topology.TopologyConfig;
import java.util.Map;

/** What the bench takes from the pipeline's own configuration, so that both search the same way. */
final class BenchSettings {

    private BenchSettings() {
    }

    /** The search settings a topology with the default configuration runs (accept threshold, timeouts). */
    static SearchSettings searchSettings() {
        return TopologyConfig.of(Map.of()).searchSettings();
    }
}
