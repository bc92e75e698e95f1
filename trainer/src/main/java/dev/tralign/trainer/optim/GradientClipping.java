package dev.tralign.trainer.optim;

import ai.djl.ndarray.NDArray;

/**
 * Global-norm clipping as in PyTorch's {@code clip_grad_norm_}: {@code n = sqrt(sum_p ||g_p||^2)}; if
 * {@code n > max}, every gradient is scaled by {@code max / (n + 1e-6)}. (DJL's optClipGrad clips element-wise.)
 */
public final class GradientClipping {

    private GradientClipping() {
    }

    /** The global L2 norm of all gradients, given as one flat buffer. */
    public static double globalNorm(NDArray flatGradient) {
        return flatGradient.square().sum().sqrt().getFloat();
    }

    /** The factor to multiply every gradient by: 1 unless the norm exceeds {@code maxNorm} (0 = no clipping). */
    public static double factor(double norm, double maxNorm) {
        if (maxNorm <= 0 || !(norm > maxNorm)) {
            return 1.0;
        }
        return maxNorm / (norm + 1e-6);
    }
}
