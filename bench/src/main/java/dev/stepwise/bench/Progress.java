package dev.stepwise.bench;

/** Where a long run reports how far it is. Implementations are thread-safe. */
public interface Progress extends AutoCloseable {

    /** Reports nothing. */
    Progress NONE = new Progress() {
        @Override
        public void phase(final String name, final long total) {
        }

        @Override
        public void step() {
        }

        @Override
        public void close() {
        }
    };

    /** A new phase of {@code total} steps begins (and the one before it is over). */
    void phase(String name, long total);

    /** One step of the current phase is done. */
    void step();

    /** The run is over. */
    @Override
    void close();
}
