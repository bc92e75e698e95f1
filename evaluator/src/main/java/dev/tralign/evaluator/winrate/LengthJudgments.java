package dev.tralign.evaluator.winrate;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The length and preference of every judgment of one checkpoint, keyed by prompt id: what the length-controlled
 * win rate needs, which (unlike the win rate) has no additive sufficient statistics. Immutable; {@link #with} and
 * {@link #without} let a streaming aggregate replace a re-judged prompt. Rows are kept sorted by prompt id, so the
 * cross-validation folds, and with them the result, do not depend on the order judgments arrived in.
 */
public final class LengthJudgments {

    /** No judgments. */
    public static final LengthJudgments EMPTY = new LengthJudgments(new TreeMap<>());

    private final SortedMap<String, LengthJudgment> byPrompt;
    private final long judged;

    private LengthJudgments(TreeMap<String, LengthJudgment> byPrompt) {
        this.byPrompt = Collections.unmodifiableSortedMap(byPrompt);
        this.judged = byPrompt.values().stream().filter(LengthJudgment::judged).count();
    }

    /** The judgments as given (for deserialisation). */
    public static LengthJudgments of(Map<String, LengthJudgment> byPrompt) {
        return new LengthJudgments(new TreeMap<>(byPrompt));
    }

    /** This set with the prompt's judgment set (replacing any earlier one). */
    public LengthJudgments with(String promptId, LengthJudgment judgment) {
        Objects.requireNonNull(promptId, "promptId");
        Objects.requireNonNull(judgment, "judgment");
        TreeMap<String, LengthJudgment> copy = new TreeMap<>(byPrompt);
        copy.put(promptId, judgment);
        return new LengthJudgments(copy);
    }

    /** This set without the prompt's judgment. */
    public LengthJudgments without(String promptId) {
        if (!byPrompt.containsKey(promptId)) {
            return this;
        }
        TreeMap<String, LengthJudgment> copy = new TreeMap<>(byPrompt);
        copy.remove(promptId);
        return new LengthJudgments(copy);
    }

    /** The judgments by prompt id, in prompt id order. */
    public SortedMap<String, LengthJudgment> byPrompt() {
        return byPrompt;
    }

    /** Judgments that were not missing. */
    public long judged() {
        return judged;
    }

    /** The length-controlled win rate of these judgments, in prompt id order. */
    public LengthControlledWinRate lengthControlled() {
        return LengthControlledWinRate.of(java.util.List.copyOf(byPrompt.values()));
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof LengthJudgments that && byPrompt.equals(that.byPrompt);
    }

    @Override
    public int hashCode() {
        return byPrompt.hashCode();
    }

    @Override
    public String toString() {
        return "LengthJudgments[" + byPrompt.size() + " prompts, " + judged + " judged]";
    }
}
