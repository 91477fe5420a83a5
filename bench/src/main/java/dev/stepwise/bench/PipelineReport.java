package dev.stepwise.bench;

import dev.stepwise.bench.PipelineCheck.Comparison;
import dev.stepwise.schemas.avro.AnswerPublished;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** The pipeline check as Markdown ({@value #MARKDOWN}) and CSV ({@value #CSV}). */
public final class PipelineReport {

    public static final String MARKDOWN = "pipeline.md";
    public static final String CSV = "pipeline.csv";

    private PipelineReport() {
    }

    /** One line: how many prompts agree. */
    public static String summary(final List<Comparison> comparisons) {
        final long agree = comparisons.stream().filter(Comparison::agrees).count();
        final long sameAnswer = comparisons.stream().filter(c -> c.pipeline() != null
                && Objects.equals(c.local().answer().getAnswer(), c.pipeline().getAnswer())).count();
        return String.format(Locale.ROOT, "pipeline check: %d of %d prompts agree in answer and calls per role; %d of %d "
                + "give the same answer", agree, comparisons.size(), sameAnswer, comparisons.size());
    }

    /** {@value #MARKDOWN}. */
    public static String markdown(final List<Comparison> comparisons, final GridConfig.PipelineSpec spec, final String command) {
        final StringBuilder md = new StringBuilder("# The pipeline against the in-process runner\n\n");
        md.append("Made with `").append(command).append("`: every strategy at budget ").append(spec.budget()).append(", ")
                .append(spec.profile()).append(" profile, ").append(spec.verifier()).append(" verifier, through an embedded "
                + "broker, registry, topology and one agent of each kind, and in-process with the same prompts.\n\n");
        md.append(summary(comparisons)).append(".\n\n");
        md.append("| prompt | strategy | params | answer (in-process / pipeline) | calls (in-process / pipeline) | "
                + "by role (in-process / pipeline) | verdict | why |\n|---|---|---|---|---|---|---|---|\n");
        for (final Comparison c : comparisons) {
            final AnswerPublished p = c.pipeline();
            md.append("| ").append(PipelineCheck.promptId(c.problem(), c.strategy())).append(" | ").append(c.strategy())
                    .append(" | ").append(c.params()).append(" | ").append(c.local().answer().getAnswer()).append(" / ")
                    .append(p == null ? "-" : p.getAnswer()).append(" | ").append(c.local().modelCalls()).append(" / ")
                    .append(p == null ? "-" : Integer.toString(p.getModelCalls())).append(" | ")
                    .append(c.local().answer().getCallsByRole()).append(" / ").append(p == null ? "-" : p.getCallsByRole())
                    .append(" | ").append(c.verdict()).append(" | ").append(c.explanation().replace("|", "\\|")).append(" |\n");
        }
        return md.toString();
    }

    /** {@value #CSV}. */
    public static String csv(final List<Comparison> comparisons) {
        final StringBuilder csv = new StringBuilder("prompt,strategy,params,right_answer,local_answer,pipeline_answer,"
                + "local_calls,pipeline_calls,local_by_role,pipeline_by_role,verdict,explanation\n");
        for (final Comparison c : comparisons) {
            final AnswerPublished p = c.pipeline();
            csv.append(Stream.of(PipelineCheck.promptId(c.problem(), c.strategy()), c.strategy(), c.params(),
                            c.problem().problem().expectedAnswer(), String.valueOf(c.local().answer().getAnswer()),
                            p == null ? "" : String.valueOf(p.getAnswer()), Integer.toString(c.local().modelCalls()),
                            p == null ? "" : Integer.toString(p.getModelCalls()), c.local().answer().getCallsByRole().toString(),
                            p == null ? "" : p.getCallsByRole().toString(), c.verdict(), c.explanation())
                    .map(CsvReport::field).collect(Collectors.joining(","))).append('\n');
        }
        return csv.toString();
    }
}
