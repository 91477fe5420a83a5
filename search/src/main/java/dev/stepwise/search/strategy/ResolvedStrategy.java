package dev.stepwise.search.strategy;

/**
 * A strategy with every parameter resolved for one prompt.
 *
 * @param descriptor what the registry declares
 * @param parameters the values this prompt searches with
 */
public record ResolvedStrategy(StrategyDescriptor descriptor, StrategyParameters parameters) {

    public String name() {
        return descriptor.name();
    }

    /** The strategy object for these parameters. */
    public SearchStrategy<?> create() {
        return descriptor.factory().apply(parameters);
    }
}
