package dev.tralign.trainer.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A user's causal LM exported with TorchScript ({@code torch.jit.script} or {@code trace}) whose forward maps
 * input ids [N, W] (int64) to logits [N, W, V]. Loaded with trainable parameters (DJL PtSymbolBlock,
 * trainParam=true). A TorchScript module computes with its own weights, so each {@link ParameterSet} used with
 * this model gets its own module instance, and the set's values are copied into the module whenever the set has
 * changed ({@link ParameterSet#version()}): the optimizer, trust region and checkpoints keep working on the flat
 * parameter sets; gradients are read back from the module's parameters.
 */
public final class ScriptedLm implements CausalLm {

    private static final Pattern LAYER = Pattern.compile("(?:^|\\.)(?:blocks|layers|layer|h)\\.(\\d+)\\.");
    private static final NDIndex FULL = new NDIndex(":");
    private final Path file;
    private final Device device;
    private final NDManager manager;
    private final List<ParameterSpec> layout;
    private final ModelConfig config;
    private final Map<ParameterSet, Instance> instances = new IdentityHashMap<>();

    /** A loaded module and the parameter-set version its weights hold. */
    private static final class Instance {
        private final PtSymbolBlock block;
        private final List<NDArray> params;
        private long syncedVersion = -1;

        private Instance(PtSymbolBlock block, List<NDArray> params) {
            this.block = block;
            this.params = params;
        }
    }

    /**
     * @param file the TorchScript file
     * @param vocabSize the logits' last dimension (checked on the first forward)
     * @param maxSeqLen the longest input the module accepts
     */
    public ScriptedLm(Path file, int vocabSize, int maxSeqLen, Device device) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("TorchScript model " + file + " does not exist: export one with "
                    + "torch.jit.script(model).save(path)");
        }
        this.file = file.toAbsolutePath();
        this.device = device;
        this.manager = NDManager.newBaseManager(device);
        Autograd.ensureEngine();
        Instance probe = load();
        try {
            List<ParameterSpec> specs = new ArrayList<>();
            for (NDArray p : probe.params) {
                if (p.getDataType() != DataType.FLOAT32) {
                    throw new IllegalArgumentException("parameter " + p.getName() + " of " + file + " is "
                            + p.getDataType() + ": export the model in float32");
                }
                specs.add(new ParameterSpec(p.getName(), p.getShape().getShape(), ParameterSpec.Init.ZEROS));
            }
            this.layout = List.copyOf(specs);
            this.config = inferConfig(specs, vocabSize, maxSeqLen);
        } finally {
            probe.block.close();
        }
    }

    private static ModelConfig inferConfig(List<ParameterSpec> specs, int vocabSize, int maxSeqLen) {
        TreeSet<Integer> layers = new TreeSet<>();
        long embed = 1;
        for (ParameterSpec s : specs) {
            Matcher m = LAYER.matcher(s.name());
            if (m.find()) {
                layers.add(Integer.parseInt(m.group(1)));
            }
            if (s.shape().length == 2 && s.shape()[0] == vocabSize && embed == 1) {
                embed = s.shape()[1];
            }
        }
        return new ModelConfig(vocabSize, (int) embed, Math.max(1, layers.size()), 1, maxSeqLen);
    }

    private Instance load() {
        PtSymbolBlock block = JniUtils.loadModule((PtNDManager) manager, file, false, new String[0], new String[0],
                true);
        // Eval mode for good (no dropout, as TRL's disable_dropout): DJL only switches modes when the training
        // flag passed to forward changes, and logits() always passes true (false would run under InferenceMode,
        // whose tensors autograd cannot use). Gradients are governed by the thread's grad mode and by which
        // module's parameters require them (only the policy's, see enableGradients).
        JniUtils.enableInferenceMode(block);
        NDList params = JniUtils.moduleGetParams(block, (PtNDManager) manager);
        params.forEach(NDScope::unregister);
        params.forEach(p -> p.setRequiresGradient(false));
        return new Instance(block, new ArrayList<>(params));
    }

    /** The file the model was loaded from (recorded in checkpoints). */
    public Path file() {
        return file;
    }

    /** The module's own initial weights, as a parameter set of {@link #layout()}. */
    public ParameterSet initialParameters() {
        Instance probe = load();
        try {
            Map<String, float[]> values = new LinkedHashMap<>();
            for (NDArray p : probe.params) {
                values.put(p.getName(), p.toFloatArray());
            }
            return ParameterSet.fromValues(layout, device, values);
        } finally {
            probe.block.close();
        }
    }

    @Override
    public ModelConfig config() {
        return config;
    }

    @Override
    public List<ParameterSpec> layout() {
        return layout;
    }

    private synchronized Instance instanceFor(ParameterSet p) {
        Instance instance = instances.computeIfAbsent(p, k -> load());
        if (instance.syncedVersion != p.version()) {
            Autograd.withGrad(false, () -> {
                try (NDScope scope = new NDScope()) {
                    scope.suppressNotUsedWarning();
                    int i = 0;
                    for (NDArray view : p.tensors().values()) {
                        instance.params.get(i++).set(FULL, view);
                    }
                }
                return null;
            });
            instance.syncedVersion = p.version();
        }
        return instance;
    }

    @Override
    public NDArray logits(ParameterSet p, NDArray ids) {
        Instance instance = instanceFor(p);
        NDArray logits = instance.block.forward(new ParameterStore(ids.getManager(), false), new NDList(ids), true)
                .singletonOrThrow();
        if (logits.getShape().dimension() != 3 || logits.getShape().get(2) != config.vocabSize()) {
            throw new IllegalStateException("TorchScript model " + file + " returned " + logits.getShape()
                    + " for ids " + ids.getShape() + "; expected [N, W, " + config.vocabSize() + "] logits");
        }
        return logits;
    }

    @Override
    public NDManager newStepManager() {
        return manager.newSubManager();
    }

    @Override
    public void enableGradients(ParameterSet p) {
        // The module's parameters are the autograd leaves; the flat set itself needs no gradient.
        instanceFor(p).params.forEach(param -> param.setRequiresGradient(true));
    }

    @Override
    public NDArray flatGradient(ParameterSet p) {
        NDList gradients = new NDList();
        for (NDArray param : instanceFor(p).params) {
            gradients.add(param.getGradient().reshape(-1));
        }
        return NDArrays.concat(gradients);
    }

    @Override
    public void zeroGradients(ParameterSet p) {
        instanceFor(p).params.forEach(Autograd::zeroGradient);
    }

    @Override
    public synchronized void close() {
        instances.values().forEach(i -> i.block.close());
        instances.clear();
        manager.close();
    }
}
