package dev.tralign.trainer.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
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
 * closing the set frees exactly them. All tensors are views into ONE contiguous buffer ({@link #flat()}) in
 * {@link ParameterLayout} order, so whole-model operations (AdamW, the trust-region mix, copies, digests) are a
 * handful of native calls instead of a few per tensor. The views can still be autograd leaves of their own.
 */
public final class ParameterSet implements AutoCloseable {

    private static final NDIndex FULL = new NDIndex(":");
    private final NDManager manager;
    private final List<ParameterSpec> specs;
    private final Map<String, NDArray> tensors;
    private final NDArray flat;
    private final java.util.concurrent.atomic.AtomicLong version = new java.util.concurrent.atomic.AtomicLong();

    private ParameterSet(NDManager manager, List<ParameterSpec> specs, NDArray flat) {
        this.manager = manager;
        this.specs = specs;
        this.flat = flat;
        NDScope.unregister(flat);
        Map<String, NDArray> views = new LinkedHashMap<>();
        long offset = 0;
        for (ParameterSpec spec : specs) {
            // A slice + reshape of a contiguous buffer is a view: writes to the flat buffer show in every tensor.
            NDArray slice = flat.get(new NDIndex("{}:{}", offset, offset + spec.size()));
            NDArray view = slice.reshape(new Shape(spec.shape()));
            slice.close();
            // Parameters outlive any NDScope that happens to be open while they are built.
            NDScope.unregister(view);
            views.put(spec.name(), view);
            offset += spec.size();
        }
        this.tensors = Collections.unmodifiableMap(views);
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
        long total = specs.stream().mapToLong(ParameterSpec::size).sum();
        float[] all = new float[Math.toIntExact(total)];
        int offset = 0;
        for (ParameterSpec spec : specs) {
            float[] v = values.apply(spec);
            System.arraycopy(v, 0, all, offset, v.length);
            offset += v.length;
        }
        NDManager manager = NDManager.newBaseManager(device);
        try {
            return new ParameterSet(manager, List.copyOf(specs), manager.create(all));
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /** An independent deep copy on the same device. */
    public ParameterSet copy() {
        NDManager copyManager = NDManager.newBaseManager(manager.getDevice());
        NDArray copied = Autograd.withGrad(false, () -> {
            NDArray c = flat.duplicate();
            c.attach(copyManager);
            return c;
        });
        return new ParameterSet(copyManager, specs, copied);
    }

    /**
     * A second set of tensors over the SAME memory (no copy): writes to either show in both, but as autograd leaves
     * they are distinct, each with its own gradient. Lets two threads back-propagate through the same weights into
     * separate gradient buffers (concurrent backward passes into one leaf would sum in a timing-dependent order).
     * Close it before or with this set; closing it frees only its own handles.
     */
    public ParameterSet sharingMemory() {
        NDManager aliasManager = NDManager.newBaseManager(manager.getDevice());
        try {
            NDArray alias = flat.stopGradient();    // libtorch detach(): same storage, new tensor
            alias.attach(aliasManager);
            return new ParameterSet(aliasManager, specs, alias);
        } catch (RuntimeException e) {
            aliasManager.close();
            throw e;
        }
    }

    /** The contiguous buffer holding every tensor, [total size]. Call {@link #markModified()} after writing it. */
    public NDArray flat() {
        return flat;
    }

    /** Records that the values changed (models that keep their own copy of the weights re-sync on it). */
    public void markModified() {
        version.incrementAndGet();
    }

    /** Increases whenever the values change through this class or {@link #markModified()}. */
    public long version() {
        return version.get();
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
        if (!specs.equals(other.specs)) {
            throw new IllegalArgumentException("cannot copy between different parameter layouts");
        }
        // Slice assignment is one native copy_: bit-exact, no trip through the JVM heap.
        flat.set(FULL, other.flat);
        markModified();
    }

    /** Values copied to the JVM, in layout order. */
    public Map<String, float[]> toFloatArrays() {
        float[] all = flat.toFloatArray();
        Map<String, float[]> out = new LinkedHashMap<>();
        int offset = 0;
        for (ParameterSpec spec : specs) {
            int size = Math.toIntExact(spec.size());
            out.put(spec.name(), java.util.Arrays.copyOfRange(all, offset, offset + size));
            offset += size;
        }
        return out;
    }

    /** SHA-256 (hex) over names and shapes, then the little-endian float32 bytes of all tensors in layout order. */
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
            }
            if (flat.getDataType() != DataType.FLOAT32 || ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
                throw new IllegalStateException("digests are defined over little-endian float32 tensors");
            }
            digest.update(flat.toByteBuffer());
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
