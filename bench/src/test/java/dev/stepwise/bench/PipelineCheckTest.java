package dev.stepwise.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stepwise.schemas.avro.SearchAction;
import dev.stepwise.schemas.avro.SearchDecision;
import dev.stepwise.schemas.avro.SearchProgress;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class PipelineCheckTest {

    private static SearchDecision decision(final int sequence, final SearchAction action, final String step,
                                           final int retries) {
        return SearchDecision.newBuilder().setPromptId("p").setSequence(sequence).setAction(action)
                .setStepIds(List.of(step)).setDepth(0).setReason(action + " " + step).setModelCalls(0).setTokens(0)
                .setProgress(SearchProgress.newBuilder().setDepth(0).setChainsAlive(0).setFinishedChains(0).setModelCalls(0)
                        .setTokens(0).setRevisions(0).setRetries(retries).build())
                .setDecidedAt(Instant.EPOCH).build();
    }

    @Test
    void theExplanationNamesTheFirstDecisionWhereTheRunsPart() {
        final List<SearchDecision> local = List.of(decision(0, SearchAction.START, "-", 0),
                decision(1, SearchAction.FINISH_CHAIN, "a", 0), decision(2, SearchAction.STOP, "-", 0));
        final List<SearchDecision> pipeline = List.of(decision(0, SearchAction.START, "-", 0),
                decision(1, SearchAction.FINISH_CHAIN, "b", 0), decision(2, SearchAction.STOP, "-", 0));
        assertThat(PipelineCheck.explain(local, pipeline)).startsWith("the decisions part at #1: in-process FINISH_CHAIN [a]")
                .contains("/ pipeline FINISH_CHAIN [b]").endsWith("replies arrived in another order)");
    }

    @Test
    void theSameDecisionsInAnotherOrderAreSaidToBeAnotherArrivalOrder() {
        final List<SearchDecision> local = List.of(decision(0, SearchAction.KEEP, "a", 0), decision(1, SearchAction.KEEP, "b", 0));
        final List<SearchDecision> pipeline = List.of(decision(0, SearchAction.KEEP, "b", 0),
                decision(1, SearchAction.KEEP, "a", 0));
        assertThat(PipelineCheck.explain(local, pipeline)).isEqualTo(
                "the same decisions in another order: replies reached the search in another order");
    }

    @Test
    void retriesInThePipelineAreNamedAsExtraCalls() {
        final List<SearchDecision> local = List.of(decision(0, SearchAction.START, "-", 0));
        final List<SearchDecision> pipeline = List.of(decision(0, SearchAction.START, "-", 2));
        assertThat(PipelineCheck.explain(local, pipeline)).startsWith("the pipeline asked again for 2 late replies");
    }

    @Test
    void checkedProblemsAreSpreadOverTheDifficultyOfOneSeed() {
        final List<BenchProblem> problems = BenchProblem.of(SeedRange.parse("1-2"), 10, 12);
        assertThat(PipelineCheck.spread(problems, 2L, 3)).extracting(BenchProblem::promptId)
                .containsExactly("s2-p0", "s2-p5", "s2-p9");
        assertThat(PipelineCheck.spread(problems, 1L, 50)).hasSize(10);
    }
}
