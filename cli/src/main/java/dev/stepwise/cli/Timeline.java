package dev.stepwise.cli;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;

/**
 * Named moments of one command, shown (with {@code -v}) as milliseconds since the JVM started, so that the
 * time a short command takes can be told apart: JVM start, parsing, connecting, waiting, closing. Only
 * {@link #toString()} asks the JVM for its uptime, so a command that does not log it pays nothing for it.
 */
final class Timeline {

    private record Mark(String name, long nanos) {
    }

    private final List<Mark> marks = new ArrayList<>();

    void mark(final String name) {
        marks.add(new Mark(name, System.nanoTime()));
    }

    /** Each moment in order, e.g. {@code parsed 412, connected 530, answered 1020}. */
    @Override
    public String toString() {
        return render(System.nanoTime(), ManagementFactory.getRuntimeMXBean().getUptime());
    }

    /** The moments as milliseconds since the JVM started, given the uptime {@code uptimeMillis} at {@code nowNanos}. */
    String render(final long nowNanos, final long uptimeMillis) {
        final StringJoiner joined = new StringJoiner(", ");
        for (Mark mark : marks) {
            joined.add(mark.name() + " " + (uptimeMillis - (nowNanos - mark.nanos()) / 1_000_000));
        }
        return joined.toString();
    }
}
