package dev.stepwise.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TimelineTest {

    @Test
    void momentsAreShownInOrderAsMillisecondsSinceTheJvmStarted() {
        final Timeline timeline = new Timeline();
        timeline.mark("parsed");
        timeline.mark("connected");
        final long now = System.nanoTime();

        final String shown = timeline.render(now, 5_000);

        assertThat(shown).matches("parsed (\\d+), connected (\\d+)");
        final String[] parts = shown.split(", ");
        final long parsed = Long.parseLong(parts[0].substring("parsed ".length()));
        final long connected = Long.parseLong(parts[1].substring("connected ".length()));
        assertThat(parsed).isLessThanOrEqualTo(connected).isLessThanOrEqualTo(5_000);
    }

    @Test
    void aTimelineWithoutMomentsIsEmpty() {
        assertThat(new Timeline().render(System.nanoTime(), 100)).isEmpty();
    }
}
