package dev.tralign.trainer.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import dev.tralign.trainer.model.Scalars;

/**
 * The f-divergence regulariser of f-DPO (Wang et al. 2023, arXiv 2309.16240; TRL {@code f_divergence_type}): the
 * score a loss compares in place of a log-ratio {@code r = lp_theta(y) - lp_ref(y)}, {@code f'(exp(r))} without its
 * constant terms:
 * <ul>
 *   <li>reverse KL (standard DPO): {@code s = r}</li>
 *   <li>forward KL: {@code s = -exp(-r)}</li>
 *   <li>Jensen-Shannon: {@code s = log sigmoid(r)}</li>
 *   <li>alpha divergence: {@code s = exp(min((alpha - 1) * r, 80)) / (alpha - 1)}; the clamp keeps exp finite in
 *       float32 (TRL's); at |alpha - 1| &lt; 1e-6 the limit, {@code s = r}.</li>
 * </ul>
 * Applied by TRL's DPOTrainer to the scores of sigmoid, hinge, ipo, exo_pair, nca_pair, robust, bco_pair,
 * sppo_hard, apo_down (its margin term), discopop and sigmoid_norm; aot, aot_unpaired, apo_zero and sft use the
 * plain log-ratios, and the reported rewards are always {@code beta * r}.
 */
public final class FDivergence {

    /** The divergence kinds, with TRL's spellings. */
    public enum Kind { REVERSE_KL, FORWARD_KL, JS_DIVERGENCE, ALPHA_DIVERGENCE }

    /** Where TRL clamps {@code (alpha - 1) * r} before exp for float32. */
    static final double ALPHA_EXPONENT_CLAMP = 80.0;

    private static final FDivergence REVERSE = new FDivergence(Kind.REVERSE_KL, 0.5);

    private final Kind kind;
    private final double alpha;

    private FDivergence(Kind kind, double alpha) {
        this.kind = kind;
        this.alpha = alpha;
    }

    /** Standard DPO: the score is the log-ratio itself. */
    public static FDivergence reverseKl() {
        return REVERSE;
    }

    /** @param alphaCoef TRL's {@code f_alpha_divergence_coef}, used only by {@link Kind#ALPHA_DIVERGENCE} */
    public static FDivergence of(Kind kind, double alphaCoef) {
        if (!Double.isFinite(alphaCoef)) {
            throw new IllegalArgumentException("fAlphaDivergenceCoef must be finite, got " + alphaCoef);
        }
        return kind == Kind.REVERSE_KL ? REVERSE : new FDivergence(kind, alphaCoef);
    }

    /** True when scores are the log-ratios unchanged (no op is added to the graph). */
    public boolean identity() {
        return kind == Kind.REVERSE_KL || kind == Kind.ALPHA_DIVERGENCE && Math.abs(alpha - 1.0) < 1e-6;
    }

    public Kind kind() {
        return kind;
    }

    /** The score of each log-ratio. */
    public NDArray score(NDArray logRatios) {
        if (identity()) {
            return logRatios;
        }
        return switch (kind) {
            case FORWARD_KL -> logRatios.neg().exp().neg();
            case JS_DIVERGENCE -> Activation.softPlus(logRatios.neg()).neg();
            case ALPHA_DIVERGENCE -> {
                NDArray t = Scalars.times(logRatios, alpha - 1.0);
                NDArray clamped = t.minimum(Scalars.constant(t, ALPHA_EXPONENT_CLAMP));
                yield Scalars.times(clamped.exp(), 1.0 / (alpha - 1.0));
            }
            default -> throw new IllegalStateException("unhandled divergence " + kind);
        };
    }

    @Override
    public String toString() {
        return kind == Kind.ALPHA_DIVERGENCE ? "alpha_divergence(" + alpha + ")"
                : kind.name().toLowerCase(java.util.Locale.ROOT);
    }
}
