package dev.tralign.trainer.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.nn.core.Linear;
import dev.tralign.trainer.model.ParameterSet;
import dev.tralign.trainer.model.Scalars;
import dev.tralign.trainer.model.hf.DecoderWeights;
import dev.tralign.trainer.model.hf.LinearModule;
import java.util.List;

/**
 * A frozen base read through adapters: every adapted linear layer computes {@code x W^T + b} from the base plus,
 * per adapted module, {@code scaling * (x A^T) B^T} on its rows. The low-rank path never builds an [out, in] matrix, so gradients reach only A and B and no
 * weight-sized array enters the autograd graph.
 */
final class AdaptedWeights implements DecoderWeights {

    private final ParameterSet base;
    private final ParameterSet adapters;
    private final LoraTargets targets;

    AdaptedWeights(ParameterSet base, ParameterSet adapters, LoraTargets targets) {
        this.base = base;
        this.adapters = adapters;
        this.targets = targets;
    }

    @Override
    public NDArray get(String name) {
        return base.get(name);
    }

    @Override
    public NDArray linear(NDArray x, String name, boolean bias) {
        NDArray out = DecoderWeights.super.linear(x, name, bias);
        List<LinearModule> modules = targets.of(name);
        if (modules.isEmpty()) {
            return out;
        }
        int last = out.getShape().dimension() - 1;
        long width = out.getShape().get(last);
        LinearModule only = modules.get(0);
        if (modules.size() == 1 && only.rowStart() == 0 && only.rows() == width) {
            return out.add(term(x, only));
        }
        // Several modules share one fused weight (q|k|v, gate|up), or one covers part of it: cut the output at the
        // modules' row boundaries (a split, whose backward is one concatenation), add each term to its block.
        long[] cuts = boundaries(modules, width);
        NDList blocks = out.split(cuts, last);
        NDList joined = new NDList(blocks.size());
        int next = 0;
        long start = 0;
        for (int i = 0; i < blocks.size(); i++) {
            NDArray block = blocks.get(i);
            if (next < modules.size() && modules.get(next).rowStart() == start) {
                block = block.add(term(x, modules.get(next)));
                next++;
            }
            start += blocks.get(i).getShape().get(last);
            joined.add(block);
        }
        return NDArrays.concat(joined, last);
    }

    /** The module's own term [.., rows]. */
    private NDArray term(NDArray x, LinearModule m) {
        NDArray low = Linear.linear(x, adapters.get(LoraTargets.a(m))).singletonOrThrow();
        return Linear.linear(Scalars.times(low, targets.config().scaling()), adapters.get(LoraTargets.b(m)))
                .singletonOrThrow();
    }

    /** Split points of [0, width) at every module's first and past-last row (interior points only). */
    private static long[] boundaries(List<LinearModule> modules, long width) {
        java.util.TreeSet<Long> cuts = new java.util.TreeSet<>();
        for (LinearModule m : modules) {
            cuts.add(m.rowStart());
            cuts.add(m.rowStart() + m.rows());
        }
        cuts.remove(0L);
        cuts.remove(width);
        return cuts.stream().mapToLong(Long::longValue).toArray();
    }
}
