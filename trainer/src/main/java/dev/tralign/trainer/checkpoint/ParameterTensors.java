package dev.tralign.trainer.checkpoint;

import ai.djl.Device;
import dev.tralign.trainer.checkpoint.CheckpointFile.Tensor;
import dev.tralign.trainer.model.ModelConfig;
import dev.tralign.trainer.model.ParameterLayout;
import dev.tralign.trainer.model.ParameterSet;
import dev.tralign.trainer.model.ParameterSpec;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Converts between live {@link ParameterSet}s and checkpoint tensors, checking names and shapes. */
public final class ParameterTensors {

    private ParameterTensors() {
    }

    /** Copies every tensor of {@code set} to the JVM. */
    public static Map<String, Tensor> of(ParameterSet set) {
        Map<String, float[]> values = set.toFloatArrays();
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (ParameterSpec spec : set.specs()) {
            out.put(spec.name(), new Tensor(spec.shape(), values.get(spec.name())));
        }
        return out;
    }

    /** Rebuilds a parameter set of {@code model}'s layout; any missing, extra or mis-shaped tensor is an error. */
    public static ParameterSet toParameterSet(String group, Map<String, Tensor> tensors, ModelConfig model,
            Device device) {
        return toParameterSet(group, tensors, ParameterLayout.of(model), model, device);
    }

    /** Rebuilds a parameter set of {@code layout}; any missing, extra or mis-shaped tensor is an error. */
    public static ParameterSet toParameterSet(String group, Map<String, Tensor> tensors, List<ParameterSpec> layout,
            Object model, Device device) {
        Map<String, float[]> values = new LinkedHashMap<>();
        for (ParameterSpec spec : layout) {
            Tensor t = tensors.get(spec.name());
            if (t == null) {
                throw new IllegalArgumentException("checkpoint group '" + group + "' lacks tensor '" + spec.name()
                        + "' required by model shape " + model);
            }
            if (!Arrays.equals(t.shape(), spec.shape())) {
                throw new IllegalArgumentException("checkpoint tensor " + group + "/" + spec.name() + " has shape "
                        + Arrays.toString(t.shape()) + " but model shape " + model + " needs "
                        + Arrays.toString(spec.shape()));
            }
            values.put(spec.name(), t.values());
        }
        if (tensors.size() != layout.size()) {
            var extra = new java.util.ArrayList<>(tensors.keySet());
            extra.removeAll(values.keySet());
            throw new IllegalArgumentException("checkpoint group '" + group + "' has tensors " + extra
                    + " unknown to model shape " + model);
        }
        return ParameterSet.fromValues(layout, device, values);
    }
}
