package dev.tralign.trainer.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import dev.tralign.trainer.model.Autograd;
import dev.tralign.trainer.model.ParameterSet;
import dev.tralign.trainer.model.hf.LinearModule;

/** The weight change adapters make, {@code scaling * B A} [rows, in] per module, and weights with it merged in. */
public final class LoraDeltas {

    private LoraDeltas() {
    }

    /**
     * The module's delta in our row order (caller closes it): from factors, or the stored delta of a reference kept
     * in full. Call with grad mode off.
     */
    public static NDArray of(ParameterSet adapters, LoraTargets targets, LinearModule m) {
        if (adapters.tensors().containsKey(LoraTargets.delta(m))) {
            return adapters.get(LoraTargets.delta(m)).duplicate();
        }
        NDArray product = adapters.get(LoraTargets.b(m)).matMul(adapters.get(LoraTargets.a(m)));
        return product.muli(targets.config().scaling());
    }

    /** A copy of the base with every adapted module's delta added to its rows: what a merged export writes. */
    public static ParameterSet merged(ParameterSet base, ParameterSet adapters, LoraTargets targets) {
        ParameterSet out = base.copy();
        Autograd.withGrad(false, () -> {
            for (LinearModule m : targets.modules()) {
                try (NDArray delta = of(adapters, targets, m)) {
                    NDArray weight = out.get(m.ours() + ".weight");
                    NDIndex rows = new NDIndex("{}:{}, :", m.rowStart(), m.rowStart() + m.rows());
                    try (NDArray block = weight.get(rows); NDArray sum = block.add(delta)) {
                        weight.set(rows, sum);
                    }
                }
            }
            return null;
        });
        out.markModified();
        return out;
    }
}
