package dev.tralign.trainer.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Named float32 tensors (a model's weights, or optimizer moments) living in their own {@link NDManager}, so that
 * closing the set frees exactly them. Iteration order is the {@link ParameterLayout} order.
 */
public final class ParameterSet implements AutoCloseable {

    private static final NDIndex FULL = new NDIndex(":");
    private final NDManager manager;
    private final List<ParameterSpec> specs;
    private final Map<String, NDArray> tensors;

    private ParameterSet(NDManager manager, List<ParameterSpec> specs, Map<String, NDArray> tensors) {
        this.manager = manager;
        this.specs = specs;
        this.tensors = Collections.unmodifiableMap(tensors);
    }

    /** Fresh weights: N(0, 0.02) for matrices and embeddings (GPT-2 style), zeros for biases, ones for LN gains. */
    public static ParameterSet initialise(ModelConfig config, long seed, Device device) {
        SplitMix64 random = new SplitMix64(seed);
        return build(ParameterLayout.of(config), device, spec -> {
            float[] values = new float[Math.toIntExact(spec.size())];
            switch (spec.init()) {
                case NORMAL -> {
                    for (int i = 0; i < values.length; i++) {
                        values[i] = (float) (0.02 * random.nextGaussian());
                    }
                }
                case ONES -> java.util.Arrays.fill(values, 1f);
                case ZEROS -> { }
                default -> throw new IllegalStateException(spec.init().name());
            }
            return values;
        });
    }

    /** A set with every tensor zero (optimizer moments). */
    public static ParameterSet zeros(List<ParameterSpec> specs, Device device) {
        return build(specs, device, spec -> new float[Math.toIntExact(spec.size())]);
    }

    /** A set built from explicit values, e.g. read from a checkpoint. */
    public static ParameterSet fromValues(List<ParameterSpec> specs, Device device, Map<String, float[]> values) {
        return build(specs, device, spec -> {
            float[] v = values.get(spec.name());
            if (v == null) {
                throw new IllegalArgumentException("missing tensor '" + spec.name() + "'");
            }
            if (v.length != spec.size()) {
                throw new IllegalArgumentException("tensor '" + spec.name() + "' has " + v.length
                        + " values, the model shape needs " + spec.size() + " " + spec);
            }
            return v;
        });
    }

    private static ParameterSet build(List<ParameterSpec> specs, Device device,
            java.util.function.Function<ParameterSpec, float[]> values) {
        NDManager manager = NDManager.newBaseManager(device);
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        try {
            for (ParameterSpec spec : specs) {
                NDArray array = manager.create(values.apply(spec), new Shape(spec.shape()));
                tensors.put(spec.name(), array);
            }
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
        return new ParameterSet(manager, List.copyOf(specs), tensors);
    }

    /** An independent deep copy on the same device. */
    public ParameterSet copy() {
        NDManager copyManager = NDManager.newBaseManager(manager.getDevice());
        Map<String, NDArray> copies = new LinkedHashMap<>();
        Autograd.withGrad(false, () -> {
            for (Map.Entry<String, NDArray> e : tensors.entrySet()) {
                NDArray c = e.getValue().duplicate();
                c.attach(copyManager);
                copies.put(e.getKey(), c);
            }
            return null;
        });
        return new ParameterSet(copyManager, specs, copies);
    }

    /** Marks every tensor as a leaf that collects gradients (the policy) or not (reference, moments). */
    public void setRequiresGradient(boolean requires) {
        tensors.values().forEach(t -> t.setRequiresGradient(requires));
    }

    public NDArray get(String name) {
        NDArray t = tensors.get(name);
        if (t == null) {
            throw new IllegalArgumentException("no parameter named '" + name + "'");
        }
        return t;
    }

    public Map<String, NDArray> tensors() {
        return tensors;
    }

    public List<ParameterSpec> specs() {
        return specs;
    }

    public Device device() {
        return manager.getDevice();
    }

    /** Overwrites every tensor in place with the values of {@code other} (same layout). */
    public void copyFrom(ParameterSet other) {
        for (Map.Entry<String, NDArray> e : tensors.entrySet()) {
            // Slice assignment is one native copy_: bit-exact, no trip through the JVM heap.
            e.getValue().set(FULL, other.get(e.getKey()));
        }
    }

    /** Values copied to the JVM, in layout order. */
    public Map<String, float[]> toFloatArrays() {
        Map<String, float[]> out = new LinkedHashMap<>();
        tensors.forEach((name, t) -> out.put(name, t.toFloatArray()));
        return out;
    }

    /** SHA-256 (hex) over names, shapes and little-endian float32 bytes, in layout order. */
    public String sha256() {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (ParameterSpec spec : specs) {
                digest.update(spec.name().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                ByteBuffer dims = ByteBuffer.allocate(8 * spec.shape().length).order(ByteOrder.LITTLE_ENDIAN);
                for (long d : spec.shape()) {
                    dims.putLong(d);
                }
                digest.update(dims.array());
                NDArray t = tensors.get(spec.name());
                if (t.getDataType() != DataType.FLOAT32) {
                    throw new IllegalStateException(spec.name() + " is " + t.getDataType() + ", expected float32");
                }
                digest.update(t.toByteBuffer().order(ByteOrder.LITTLE_ENDIAN));
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
