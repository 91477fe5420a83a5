package dev.stepwise.models;

import dev.stepwise.models.openai.OpenAiCompatibleBackend;
import dev.stepwise.models.synthetic.SyntheticModelBackend;

/** Builds the backend a {@link ModelBackendConfig} names. */
public final class ModelBackends {

    private ModelBackends() {
    }

    /** A new backend; the caller owns it and closes it. */
    public static ModelBackend create(final ModelBackendConfig config) {
        return switch (config.kind()) {
            case SYNTHETIC -> new SyntheticModelBackend(config.synthetic());
            case OPENAI -> new OpenAiCompatibleBackend(config.openai());
        };
    }
}
