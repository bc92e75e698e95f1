package dev.tralign.trainer.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import dev.tralign.trainer.model.Autograd;
import dev.tralign.trainer.model.ParameterSet;
import dev.tralign.trainer.model.hf.DecoderWeights;
import dev.tralign.trainer.model.hf.LinearModule;
import java.util.HashMap;
import java.util.Map;

/**
 * The reference of {@code lora_reference_mix=exact} as the forward reads it: every adapted weight merged once,
 * {@code W + delta_ref} on the module's rows, so a reference forward costs what a base forward costs (one GEMM per
 * layer instead of two). Rebuilt from the base and the deltas whenever the deltas change (their set's version), so
 * its values depend only on the deltas a checkpoint holds: resume stays bit-identical. Costs one merged copy of the
 * adapted weights. Thread-safe: the shards' reference forwards share it.
 */
final class MergedReference {

    private final ParameterSet base;
    private final LoraTargets targets;
    private ParameterSet deltasSeen;
    private long versionSeen = -1;
    private NDManager manager;
    private Map<String, NDArray> merged = Map.of();

    MergedReference(ParameterSet base, LoraTargets targets) {
        this.base = base;
        this.targets = targets;
    }

    /** The weights of base + {@code deltas}, merged anew if {@code deltas} changed since the last call. */
    synchronized DecoderWeights of(ParameterSet deltas) {
        if (deltas != deltasSeen || deltas.version() != versionSeen) {
            rebuild(deltas);
        }
        Map<String, NDArray> weights = merged;
        return name -> {
            NDArray w = weights.get(name);
            return w != null ? w : base.get(name);
        };
    }

    private void rebuild(ParameterSet deltas) {
        NDManager next = NDManager.newBaseManager(base.device());
        Map<String, NDArray> out = new HashMap<>();
        Autograd.withGrad(false, () -> {
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                for (LinearModule m : targets.modules()) {
                    String name = m.ours() + ".weight";
                    NDArray weight = out.get(name);
                    if (weight == null) {
                        weight = base.get(name).duplicate();
                        weight.attach(next);
                        NDScope.unregister(weight);
                        out.put(name, weight);
                    }
                    NDIndex rows = new NDIndex("{}:{}, :", m.rowStart(), m.rowStart() + m.rows());
                    weight.set(rows, weight.get(rows).add(deltas.get(LoraTargets.delta(m))));
                }
            }
            return null;
        });
        if (manager != null) {
            manager.close();
        }
        manager = next;
        merged = out;
        deltasSeen = deltas;
        versionSeen = deltas.version();
    }

    synchronized void close() {
        if (manager != null) {
            manager.close();
            manager = null;
        }
    }
}
