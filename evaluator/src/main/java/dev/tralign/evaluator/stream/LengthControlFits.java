package dev.tralign.evaluator.stream;

import dev.tralign.evaluator.winrate.LengthControlledWinRate;
import dev.tralign.evaluator.winrate.LengthJudgments;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Decides when a streamed checkpoint aggregate gets its length-controlled win rate, and fits it then. The fit has no
 * additive statistics: it is a cross-validated L1 logistic regression over every prompt (5 to 35 ms at 805 prompts),
 * so fitting on every streamed update costs O(n) fits per checkpoint. Here it is fitted only when it can matter:
 * once the checkpoint holds {@code evalPrompts} prompts (a missing verdict counts: it is a judged prompt, and its
 * lengths are part of the fit), and again only when a later update changes the checkpoint's judgments (a re-judged
 * prompt). Earlier updates carry no LC. No provisional fits on partial sets: AlpacaEval defines LC on the whole
 * eval set, the guard and champion race read complete checkpoints only, and a provisional value on some updates
 * would flicker on a dashboard that shows each step's latest record (docs/evaluator.md).
 *
 * <p>The last fit per checkpoint is remembered (at most {@link #REMEMBERED} checkpoints, least recently used
 * dropped), so a re-delivered or re-imported identical judgment costs a comparison, not a fit. It is a cache only:
 * the fit is a pure function of the prompt-id-ordered judgments, so the published LC is the same with or without it,
 * and the same whatever order the judgments arrived in. One instance per stream task (not thread-safe).
 */
final class LengthControlFits {

    /** Checkpoints whose last fit is remembered. */
    static final int REMEMBERED = 64;

    private final int evalPrompts;
    private final Function<LengthJudgments, LengthControlledWinRate> fit;
    private final Map<String, Fitted> last = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Fitted> eldest) {
            return size() > REMEMBERED;
        }
    };
    private long fits;

    private record Fitted(LengthJudgments lengths, Optional<LengthControlledWinRate> lc) {
    }

    private LengthControlFits(int evalPrompts, Function<LengthJudgments, LengthControlledWinRate> fit) {
        this.evalPrompts = evalPrompts;
        this.fit = fit;
    }

    /**
     * Fits once a checkpoint holds {@code evalPrompts} prompts: the eval set's size, {@code guard.eval_prompts}.
     *
     * @throws IllegalArgumentException if evalPrompts is below 1
     */
    static LengthControlFits whenComplete(int evalPrompts) {
        return whenComplete(evalPrompts, LengthJudgments::lengthControlled);
    }

    /** As {@link #whenComplete(int)} with the fit given (tests count the fits). */
    static LengthControlFits whenComplete(int evalPrompts, Function<LengthJudgments, LengthControlledWinRate> fit) {
        if (evalPrompts < 1) {
            throw new IllegalArgumentException("guard.eval_prompts=" + evalPrompts
                    + " is out of range for the length-controlled win rate: use the eval prompt set's size (>= 1)");
        }
        return new LengthControlFits(evalPrompts, fit);
    }

    /**
     * Fits on every update whose judgments changed: for callers that do not know the eval set's size (tools and
     * tests over a handful of judgments); O(n) fits per checkpoint of n prompts.
     */
    static LengthControlFits everyUpdate() {
        return new LengthControlFits(0, LengthJudgments::lengthControlled);
    }

    /** As {@link #everyUpdate()} with the fit given. */
    static LengthControlFits everyUpdate(Function<LengthJudgments, LengthControlledWinRate> fit) {
        return new LengthControlFits(0, fit);
    }

    /**
     * The LC of checkpoint {@code key}'s aggregate, empty before the checkpoint is complete and whenever
     * {@link Records#lengthControlled(CheckpointAggregate)} would be empty.
     */
    Optional<LengthControlledWinRate> of(String key, CheckpointAggregate aggregate) {
        LengthJudgments lengths = aggregate.lengths();
        if (lengths.byPrompt().size() < evalPrompts || !Records.lengthsCoverVerdicts(aggregate)) {
            return Optional.empty();
        }
        Fitted remembered = last.get(key);
        if (remembered != null && remembered.lengths().equals(lengths)) {
            return remembered.lc();
        }
        fits++;
        Optional<LengthControlledWinRate> lc = Records.finite(fit.apply(lengths));
        last.put(key, new Fitted(lengths, lc));
        return lc;
    }

    /** Fits run so far. */
    long fits() {
        return fits;
    }
}
