package dev.tralign.trainer.model.hf;

import dev.tralign.trainer.model.ParameterSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * Our parameters of a {@link DecoderSpec}, in checkpoint order. Names follow the built-in GPT's
 * ({@code tok}, {@code pos}, {@code blocks.i.ln1/qkv/proj/ln2/fc/out}, {@code ln}, {@code head}) so norms keep
 * the {@code ln} prefix that exempts them from weight decay. q, k and v are one fused matrix [(H + 2 KV) d, E]
 * (one GEMM per block), and SwiGLU's gate and up one matrix [2 I, E], gate rows first.
 */
public final class DecoderLayout {

    private DecoderLayout() {
    }

    public static List<ParameterSpec> of(DecoderSpec s) {
        long e = s.hidden();
        List<ParameterSpec> out = new ArrayList<>();
        out.add(normal("tok.weight", s.vocabSize(), e));
        if (s.learnedPositions()) {
            out.add(normal("pos.weight", s.maxPositions(), e));
        }
        long fcRows = s.mlp() == DecoderSpec.MlpKind.SWIGLU ? 2L * s.intermediate() : s.intermediate();
        for (int i = 0; i < s.layers(); i++) {
            String p = "blocks." + i + ".";
            norm(out, s, p + "ln1");
            out.add(normal(p + "qkv.weight", s.qkvRows(), e));
            if (s.qkvBias()) {
                out.add(zeros(p + "qkv.bias", s.qkvRows()));
            }
            out.add(normal(p + "proj.weight", e, (long) s.heads() * s.headDim()));
            if (s.outBias()) {
                out.add(zeros(p + "proj.bias", e));
            }
            norm(out, s, p + "ln2");
            out.add(normal(p + "fc.weight", fcRows, e));
            if (s.mlpBias()) {
                out.add(zeros(p + "fc.bias", fcRows));
            }
            out.add(normal(p + "out.weight", e, s.intermediate()));
            if (s.mlpBias()) {
                out.add(zeros(p + "out.bias", e));
            }
        }
        norm(out, s, "ln");
        if (!s.tiedHead()) {
            out.add(normal("head.weight", s.vocabSize(), e));
        }
        return List.copyOf(out);
    }

    private static void norm(List<ParameterSpec> out, DecoderSpec s, String name) {
        out.add(new ParameterSpec(name + ".weight", new long[] {s.hidden()}, ParameterSpec.Init.ONES));
        if (s.norm() == DecoderSpec.NormKind.LAYER_NORM) {
            out.add(zeros(name + ".bias", s.hidden()));
        }
    }

    private static ParameterSpec normal(String name, long... shape) {
        return new ParameterSpec(name, shape, ParameterSpec.Init.NORMAL);
    }

    private static ParameterSpec zeros(String name, long... shape) {
        return new ParameterSpec(name, shape, ParameterSpec.Init.ZEROS);
    }
}
