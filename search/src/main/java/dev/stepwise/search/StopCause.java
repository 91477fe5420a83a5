package dev.stepwise.search;

import java.util.Locale;

/** Why a search stopped; {@link #code()} goes into {@code AnswerPublished.stopCause}. */
public enum StopCause {
    /** Enough chains finished (beam: the beam width is filled). */
    ENOUGH_FINISHED,
    /** No accepted chain is left to extend. */
    NOTHING_TO_EXPAND,
    /** The longest chain allowed was reached. */
    MAX_DEPTH,
    /** The model-call budget cannot pay for more. */
    CALL_BUDGET,
    /** The token budget is spent. */
    TOKEN_BUDGET,
    /** The deadline passed. */
    DEADLINE,
    /** Every chain finished or was dropped. */
    ALL_CHAINS_DONE,
    /** The client cancelled the prompt (e.g. it disconnected): nobody waits for more. */
    CANCELLED,
    /** The backend could not work on the problem at all. */
    ERROR,
    /** The prompt was invalid and never searched (the topology answers it with the reason). */
    REJECTED;

    /** {@code call-budget}, {@code deadline}, ... */
    public String code() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** True when the budget (calls or tokens) cut the search short. */
    public boolean isBudget() {
        return this == CALL_BUDGET || this == TOKEN_BUDGET;
    }
}
