package dev.stepwise.models;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Sends each role's calls to the backend configured for it, e.g. the verifications to a larger model on another
 * server. Closes each backend once, however many roles share it.
 */
final class RoleRoutedBackend implements ModelBackend {

    private final Map<ModelRole, ModelBackend> byRole;

    RoleRoutedBackend(final Map<ModelRole, ModelBackend> byRole) {
        for (final ModelRole role : ModelRole.values()) {
            Objects.requireNonNull(byRole.get(role), () -> "no backend for the " + role.id());
        }
        this.byRole = Map.copyOf(byRole);
    }

    /** Every role's model, e.g. {@code proposer=openai/qwen-7b, verifier=openai/qwen-72b, reviser=openai/qwen-7b}. */
    @Override
    public String model() {
        return List.of(ModelRole.values()).stream().map(role -> role.id() + "=" + model(role))
                .collect(Collectors.joining(", "));
    }

    @Override
    public String model(final ModelRole role) {
        return byRole.get(role).model(role);
    }

    @Override
    public ProposedStep propose(final StepTask task) {
        return byRole.get(ModelRole.PROPOSER).propose(task);
    }

    @Override
    public List<ProposedStep> proposeMany(final List<StepTask> tasks) {
        return byRole.get(ModelRole.PROPOSER).proposeMany(tasks);
    }

    @Override
    public Judgement verify(final VerificationTask task) {
        return byRole.get(ModelRole.VERIFIER).verify(task);
    }

    @Override
    public ProposedStep revise(final RevisionTask task) {
        return byRole.get(ModelRole.REVISER).revise(task);
    }

    @Override
    public void close() {
        final Set<ModelBackend> distinct = Collections.newSetFromMap(new IdentityHashMap<>());
        distinct.addAll(byRole.values());
        distinct.forEach(ModelBackend::close);
    }
}
