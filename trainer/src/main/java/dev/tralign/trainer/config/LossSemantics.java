package dev.tralign.trainer.config;

/**
 * What the loss names of a config mean. TRL main (f2cd577) changed two of them after tralign's first runs:
 * <ul>
 *   <li>{@link #LEGACY}: {@code sigmoid} with {@code labelSmoothing} eps &gt; 0 is conservative DPO ({@code cdpo});
 *       {@code ipo} reports per-token rewards ({@code ipo_per_token}), or is IPO on summed log-probs when
 *       {@code ipoNormalizeLength} is false ({@code ipo_summed}).</li>
 *   <li>{@link #TRL}: TRL main's meanings: {@code sigmoid} takes no label smoothing (a config that gives some is
 *       refused instead of ignored, as TRL would), {@code ipo} divides by the lengths inside the loss and reports
 *       rewards on summed log-ratios.</li>
 * </ul>
 * A config that does not say ({@code null}) means what it meant when it was written: LEGACY exactly when it uses one
 * of the two old meanings (the single loss sigmoid with labelSmoothing &gt; 0, or the single loss ipo with
 * ipoNormalizeLength false), TRL otherwise.
 * No config valid under TRL has those, so the rule never changes a new run, and every checkpoint and recorded run
 * written before the option replays with its meaning (old ipo runs: the loss is the same to the bit under both;
 * only the reported rewards follow TRL).
 */
public enum LossSemantics {
    LEGACY, TRL;

    /** The meaning of a config that does not name one. */
    public static LossSemantics implied(java.util.List<LossType> lossTypes, double labelSmoothing,
            boolean ipoNormalizeLength) {
        // Configs written before loss lists existed name one loss; a list means TRL.
        boolean cdpo = labelSmoothing > 0 && lossTypes.equals(java.util.List.of(LossType.SIGMOID));
        boolean summedIpo = !ipoNormalizeLength && lossTypes.equals(java.util.List.of(LossType.IPO));
        return cdpo || summedIpo ? LEGACY : TRL;
    }
}
