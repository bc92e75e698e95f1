package dev.tralign.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Arithmetic with a number that is safe inside an autograd graph. Use these, never {@code NDArray.mul(Number)} and
 * its siblings, in any forward pass or loss that is back-propagated.
 *
 * <p>Why: DJL's {@code mul(Number)}, {@code div(Number)}, {@code maximum(Number)}, {@code add(Number)}... wrap the
 * number in a 0-d tensor that BORROWS a Java direct buffer ({@code torch::from_blob}) and close it as soon as the op
 * returns. An op whose backward needs that operand (mul, div, maximum, minimum, pow) keeps it in the graph; if the
 * garbage collector frees the buffer before {@code backward()} runs, the gradient is computed from freed memory.
 * Training then depended on GC timing: a fresh JVM ended a 32-step run with other weights about 1 time in 6, and
 * crash-resumed runs differed from uninterrupted ones (docs/trainer-service.md, "Bit-identical resume"). The
 * constants made here are libtorch-owned ({@code torch::full}), so the graph's own reference keeps them alive.
 *
 * <p>In-place updates outside any graph (AdamW, the trust-region mix) may keep using DJL's number overloads: the
 * borrowed tensor is only read while the op runs.
 */
public final class Scalars {

    private Scalars() {
    }

    /**
     * A 0-d libtorch-owned tensor holding {@code value}, with {@code like}'s data type, device and manager. For a
     * float64 array the value is exact: DJL's {@code full} takes a float, so the double is split into three floats
     * whose float64 sum is the double again (24 + 24 + 24 bits cover its 53).
     */
    public static NDArray constant(NDArray like, double value) {
        NDArray hi = like.getManager().full(new Shape(), (float) value, like.getDataType());
        if (like.getDataType() != DataType.FLOAT64 || !Double.isFinite(value) || Math.abs(value) > Float.MAX_VALUE) {
            return hi;
        }
        double rest = value - (float) value;
        double last = rest - (float) rest;
        return hi.add(like.getManager().full(new Shape(), (float) rest, DataType.FLOAT64))
                .add(like.getManager().full(new Shape(), (float) last, DataType.FLOAT64));
    }

    public static NDArray times(NDArray x, double value) {
        return x.mul(constant(x, value));
    }

    public static NDArray dividedBy(NDArray x, double value) {
        return x.div(constant(x, value));
    }

    public static NDArray plus(NDArray x, double value) {
        return x.add(constant(x, value));
    }

    public static NDArray minus(NDArray x, double value) {
        return x.sub(constant(x, value));
    }

    /** {@code value - x}. */
    public static NDArray subtractedFrom(double value, NDArray x) {
        return constant(x, value).sub(x);
    }

    /** Element-wise {@code max(x, value)}. */
    public static NDArray atLeast(NDArray x, double value) {
        return x.maximum(constant(x, value));
    }
}
