package dev.stepwise.gateway;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stepwise.search.strategy.StrategyDescriptor;
import dev.stepwise.search.strategy.StrategyRegistry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The models the gateway serves, read from the strategy registry: {@code stepwise-<strategy>} for each
 * strategy, and {@code stepwise} for the registry's default strategy. A strategy added to the registry is a
 * new model with no change here.
 */
public final class ModelCatalog {

    /** The model id of the registry's default strategy. */
    public static final String BASE_ID = "stepwise";
    /** Models have no creation time of their own; OpenAI's field is filled with a fixed one (2026-01-01). */
    private static final long CREATED = 1_767_225_600L;

    private static final ModelCatalog STANDARD = new ModelCatalog(StrategyRegistry.standard());

    private final StrategyRegistry registry;
    private final Map<String, StrategyDescriptor> byId = new LinkedHashMap<>();

    public ModelCatalog(final StrategyRegistry registry) {
        this.registry = registry;
        byId.put(BASE_ID, registry.require(registry.defaultName()));
        registry.strategies().forEach(s -> byId.put(BASE_ID + "-" + s.name(), s));
    }

    public static ModelCatalog standard() {
        return STANDARD;
    }

    public StrategyRegistry registry() {
        return registry;
    }

    public List<String> ids() {
        return new ArrayList<>(byId.keySet());
    }

    public boolean contains(final String id) {
        return byId.containsKey(id);
    }

    /**
     * The strategy a model id names.
     *
     * @throws ApiError 400 {@code model_not_found} for an id this gateway does not serve
     */
    public StrategyDescriptor strategyOf(final String id) {
        return Optional.ofNullable(byId.get(id)).orElseThrow(() -> ApiError.badRequest("model", "model_not_found",
                "The model '" + id + "' does not exist. Models: " + String.join(", ", byId.keySet()) + " (GET /v1/models)."));
    }

    /** {@code GET /v1/models}. */
    public ObjectNode list() {
        final ObjectNode root = Jsons.MAPPER.createObjectNode().put("object", "list");
        final ArrayNode data = root.putArray("data");
        byId.keySet().forEach(id -> data.add(model(id)));
        return root;
    }

    /** One model object; the strategy and its description ride along as extra fields. */
    public ObjectNode model(final String id) {
        final StrategyDescriptor strategy = strategyOf(id);
        final ObjectNode model = Jsons.MAPPER.createObjectNode().put("id", id).put("object", "model")
                .put("created", CREATED).put("owned_by", BASE_ID).put("strategy", strategy.name());
        final String description = id.equals(BASE_ID)
                ? "The default strategy (" + strategy.name() + "): " + strategy.description() : strategy.description();
        return model.put("description", description);
    }
}
