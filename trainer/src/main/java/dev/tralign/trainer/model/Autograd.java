package dev.tralign.trainer.model;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.function.Supplier;

/**
 * Thin access to libtorch autograd. DJL's GradientCollector allows only one collector per JVM at a time (a static
 * flag) and zeroes gradients by scanning every array of the system manager; the trainer needs neither, so it
 * drives the (per-thread) grad mode, backward and zeroing directly.
 */
public final class Autograd {

    static {
        // Loads libtorch (JniUtils calls fail with UnsatisfiedLinkError before the engine exists).
        Engine.getEngine("PyTorch");
    }

    private Autograd() {
    }

    /** Makes sure libtorch is loaded; the trainer calls it before touching NDArrays. */
    public static void ensureEngine() {
        // The static initialiser did the work.
    }

    /** Runs {@code body} with this thread's grad mode set to {@code enabled}, then restores the previous mode. */
    public static <T> T withGrad(boolean enabled, Supplier<T> body) {
        boolean previous = JniUtils.isGradMode();
        JniUtils.setGradMode(enabled);
        try {
            return body.get();
        } finally {
            JniUtils.setGradMode(previous);
        }
    }

    /** Sets this thread's grad mode (worker threads start with libtorch's default, which is enabled). */
    public static void setGradMode(boolean enabled) {
        JniUtils.setGradMode(enabled);
    }

    /** Accumulates d(scalar)/d(leaf) into every leaf's gradient. */
    public static void backward(NDArray scalar) {
        try (NDArray seed = scalar.onesLike()) {
            JniUtils.backward((PtNDArray) scalar, (PtNDArray) seed, false, false);
        }
    }

    /** Zeroes a leaf's accumulated gradient in place. */
    public static void zeroGradient(NDArray leaf) {
        JniUtils.zeroGrad((PtNDArray) leaf);
    }

    /** Sets libtorch's intra-op thread pool size (process wide). */
    public static void setIntraOpThreads(int threads) {
        if (JniUtils.getNumThreads() != threads) {
            JniUtils.setNumThreads(threads);
        }
    }
}
