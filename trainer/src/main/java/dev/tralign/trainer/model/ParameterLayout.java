package dev.tralign.trainer.model;

import java.util.ArrayList;
import java.util.List;

/**
 * The ordered list of parameters of a {@link ModelConfig}. Names and shapes match the PyTorch peer
 * ({@code torch_dpo_step.py}'s state_dict), so weights can be compared or exchanged one to one.
 */
public final class ParameterLayout {

    private ParameterLayout() {
    }

    /** Parameters in a fixed order (the order of checkpoints and digests). */
    public static List<ParameterSpec> of(ModelConfig c) {
        long v = c.vocabSize();
        long e = c.embedDim();
        List<ParameterSpec> specs = new ArrayList<>();
        specs.add(normal("tok.weight", v, e));
        specs.add(normal("pos.weight", c.maxSeqLen(), e));
        for (int i = 0; i < c.layers(); i++) {
            String p = "blocks." + i + ".";
            specs.add(ones(p + "ln1.weight", e));
            specs.add(zeros(p + "ln1.bias", e));
            specs.add(normal(p + "qkv.weight", 3 * e, e));
            specs.add(zeros(p + "qkv.bias", 3 * e));
            specs.add(normal(p + "proj.weight", e, e));
            specs.add(zeros(p + "proj.bias", e));
            specs.add(ones(p + "ln2.weight", e));
            specs.add(zeros(p + "ln2.bias", e));
            specs.add(normal(p + "fc.weight", 4 * e, e));
            specs.add(zeros(p + "fc.bias", 4 * e));
            specs.add(normal(p + "out.weight", e, 4 * e));
            specs.add(zeros(p + "out.bias", e));
        }
        specs.add(ones("ln.weight", e));
        specs.add(zeros("ln.bias", e));
        specs.add(normal("head.weight", v, e));
        specs.add(zeros("head.bias", v));
        return List.copyOf(specs);
    }

    private static ParameterSpec normal(String name, long... shape) {
        return new ParameterSpec(name, shape, ParameterSpec.Init.NORMAL);
    }

    private static ParameterSpec zeros(String name, long... shape) {
        return new ParameterSpec(name, shape, ParameterSpec.Init.ZEROS);
    }

    private static ParameterSpec ones(String name, long... shape) {
        return new ParameterSpec(name, shape, ParameterSpec.Init.ONES);
    }
}
