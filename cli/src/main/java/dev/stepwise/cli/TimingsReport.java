package dev.stepwise.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stepwise.cli.StepTimings.Column;
import dev.stepwise.cli.StepTimings.Summary;
import dev.stepwise.cli.StepTimings.Timing;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What {@code explain --timings} prints: a table of every step's figures ({@link StepTimings}), then one line over the
 * chain the answer took; with {@code --json}, one object per step and one for the summary. A figure the events do not
 * tell is {@code n/a} (JSON {@code null}).
 */
final class TimingsReport {

    static final String NOT_AVAILABLE = "n/a";

    private TimingsReport() {
    }

    static void print(final PrintWriter out, final boolean json, final ExplainCommand.Replay replay) {
        final List<Timing> timings = StepTimings.of(replay);
        final Optional<Summary> summary = StepTimings.summary(timings, replay.answers());
        if (json) {
            timings.forEach(t -> out.println(Json.write(timingJson(t))));
            summary.ifPresent(s -> out.println(Json.write(summaryJson(s))));
        } else {
            printText(out, timings, summary);
        }
    }

    private static void printText(final PrintWriter out, final List<Timing> timings, final Optional<Summary> summary) {
        out.println();
        out.println("timings, ms (queued: request to model call; hop: call end to event; v.: its verification; "
                + "decision: to the topology's decision on the step):");
        final StringBuilder header = new StringBuilder("  depth");
        for (final Column column : Column.values()) {
            header.append(String.format(Locale.ROOT, " %" + width(column) + "s", column.label));
        }
        out.println(header.append("  step"));
        for (final Timing t : timings) {
            final StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  %5d", t.step().getDepth()));
            for (final Column column : Column.values()) {
                line.append(String.format(Locale.ROOT, " %" + width(column) + "s", text(t.of(column))));
            }
            line.append("  ").append(t.step().getStepId());
            if (t.step().getRevisionOf() != null) {
                line.append("  [revises ").append(t.step().getRevisionOf()).append(']');
            }
            out.println(line);
        }
        out.println(summary.map(TimingsReport::summaryText).orElse("no summary: no answer with a chain yet"));
    }

    /** {@code the answer's chain, 5 serial steps: median per step queued 12, ...; sum queued 60, ...}. */
    static String summaryText(final Summary s) {
        final List<String> medians = new ArrayList<>();
        final List<String> sums = new ArrayList<>();
        for (final Column column : Column.values()) {
            final Double median = s.medians().get(column);
            medians.add(column.label + " " + (median == null ? NOT_AVAILABLE : number(median)));
            sums.add(column.label + " " + text(s.sums().get(column)));
        }
        return String.format(Locale.ROOT, "the answer's chain, %d serial step%s: median per step %s; sum %s",
                s.steps(), s.steps() == 1 ? "" : "s", String.join(", ", medians), String.join(", ", sums));
    }

    private static ObjectNode timingJson(final Timing t) {
        final ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("type", "timing").put("step_id", t.step().getStepId()).put("depth", t.step().getDepth());
        if (t.step().getRevisionOf() != null) {
            o.put("revision_of", t.step().getRevisionOf());
        }
        for (final Column column : Column.values()) {
            final Long millis = t.of(column);
            if (millis == null) {
                o.putNull(column.jsonName);
            } else {
                o.put(column.jsonName, millis);
            }
        }
        return o;
    }

    private static ObjectNode summaryJson(final Summary s) {
        final ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("type", "timings_summary").put("steps", s.steps());
        final ObjectNode medians = o.putObject("median");
        final ObjectNode sums = o.putObject("sum");
        for (final Column column : Column.values()) {
            putOrNull(medians, column, s.medians().get(column));
            putOrNull(sums, column, s.sums().get(column));
        }
        return o;
    }

    private static void putOrNull(final ObjectNode o, final Column column, final Number value) {
        if (value == null) {
            o.putNull(column.jsonName);
        } else if (value instanceof Double d) {
            o.put(column.jsonName, d);
        } else {
            o.put(column.jsonName, value.longValue());
        }
    }

    private static int width(final Column column) {
        return Math.max(column.label.length(), 6);
    }

    private static String text(final Long millis) {
        return millis == null ? NOT_AVAILABLE : Long.toString(millis);
    }

    /** 12 for a whole number of milliseconds, 12.5 for a median between two. */
    private static String number(final double millis) {
        return millis == Math.rint(millis) ? Long.toString((long) millis) : String.format(Locale.ROOT, "%.1f", millis);
    }
}
