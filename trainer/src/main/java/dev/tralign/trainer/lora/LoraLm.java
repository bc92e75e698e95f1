package dev.tralign.trainer.lora;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.tralign.trainer.config.LoraConfig;
import dev.tralign.trainer.model.Autograd;
import dev.tralign.trainer.model.CausalLm;
import dev.tralign.trainer.model.IncrementalDecoding;
import dev.tralign.trainer.model.ModelConfig;
import dev.tralign.trainer.model.PairBatch;
import dev.tralign.trainer.model.ParameterSet;
import dev.tralign.trainer.model.ParameterSpec;
import dev.tralign.trainer.model.RowScores;
import dev.tralign.trainer.model.SharedPromptPairs;
import dev.tralign.trainer.model.hf.DecoderSpec;
import dev.tralign.trainer.model.hf.DecoderWeights;
import dev.tralign.trainer.model.hf.HfDecoder;
import dev.tralign.trainer.model.hf.HfModelFolder;
import java.nio.file.Path;
import java.util.List;

/**
 * A Hugging Face decoder whose parameters, as the trainer sees them, are LoRA adapters: the base weights are held
 * here ONCE, frozen, and every forward reads them through the adapter set it is given (the policy's trainable
 * adapters, or the reference's). So the trainer's policy, reference, gradients and AdamW moments are adapter-sized.
 */
public final class LoraLm implements CausalLm, SharedPromptPairs, IncrementalDecoding {

    private final HfDecoder decoder;
    private final ParameterSet base;
    private final String baseSha256;
    private final LoraTargets targets;
    private final MergedReference mergedReference;

    /** Takes ownership of {@code decoder} and {@code base}. */
    public LoraLm(HfDecoder decoder, ParameterSet base, LoraConfig config) {
        this.decoder = decoder;
        this.base = base;
        this.targets = LoraTargets.select(decoder.spec(), config);
        this.baseSha256 = base.sha256();
        this.mergedReference = new MergedReference(base, targets);
    }

    /**
     * Loads the base from a Hugging Face folder; when {@code expectedSha256} is given (a run's checkpoints name
     * their base), a base with other weights is refused: adapters trained on one base mean nothing on another.
     */
    public static LoraLm open(Path folder, int maxSeqLen, LoraConfig config, Device device, String expectedSha256) {
        HfModelFolder.Loaded loaded = HfModelFolder.load(folder, maxSeqLen, device);
        LoraLm lm;
        try {
            lm = new LoraLm(loaded.model(), loaded.parameters(), config);
        } catch (RuntimeException e) {
            loaded.close();
            throw e;
        }
        if (expectedSha256 != null && !expectedSha256.equals(lm.baseSha256)) {
            lm.close();
            throw new IllegalStateException("base model " + folder + " has weights with sha256 " + lm.baseSha256
                    + " but this run's adapters were trained on a base with sha256 " + expectedSha256 + ": restore "
                    + "the folder the run started from (adapters trained on one base mean nothing on another)");
        }
        return lm;
    }

    /** SHA-256 of the base weights in our layout ({@link ParameterSet#sha256()}): what checkpoints record. */
    public String baseSha256() {
        return baseSha256;
    }

    public LoraTargets targets() {
        return targets;
    }

    /** The frozen base (borrowed). */
    public ParameterSet base() {
        return base;
    }

    public DecoderSpec spec() {
        return decoder.spec();
    }

    /** The reference's layout: adapters, or full deltas under exact mixing. */
    public List<ParameterSpec> referenceLayout() {
        return targets.referenceLayout();
    }

    /** Adapters are read as factors; an exact reference's deltas through their merged weights. */
    private DecoderWeights through(ParameterSet adapters) {
        boolean deltas = !adapters.specs().isEmpty() && adapters.specs().get(0).name().endsWith(".delta");
        return deltas ? mergedReference.of(adapters) : new AdaptedWeights(base, adapters, targets);
    }

    @Override
    public ModelConfig config() {
        return decoder.config();
    }

    /** The trainable adapters' layout. */
    @Override
    public List<ParameterSpec> layout() {
        return targets.adapterLayout();
    }

    @Override
    public NDArray logits(ParameterSet adapters, NDArray ids) {
        return decoder.logits(through(adapters), ids);
    }

    @Override
    public RowScores pairScores(ParameterSet adapters, PairBatch batch, NDManager stepManager,
            boolean withLogitSums) {
        return decoder.pairScores(through(adapters), batch, stepManager, withLogitSums);
    }

    @Override
    public Session prefill(ParameterSet adapters, long[] promptIds, int[] promptLengths, int promptWidth,
            float[][] firstLogits) {
        return decoder.prefill(through(adapters), promptIds, promptLengths, promptWidth, firstLogits);
    }

    @Override
    public NDManager newStepManager() {
        return decoder.newStepManager();
    }

    /** The base is read only through the adapter set's forward, so two shards over one adapter memory train it. */
    @Override
    public boolean readsWeightsOnlyFromParameterSet() {
        return true;
    }

    @Override
    public void enableGradients(ParameterSet adapters) {
        adapters.setRequiresGradient(true);
    }

    @Override
    public NDArray flatGradient(ParameterSet adapters) {
        NDList gradients = new NDList(adapters.tensors().size());
        adapters.tensors().values().forEach(t -> gradients.add(t.getGradient().reshape(-1)));
        return NDArrays.concat(gradients);
    }

    @Override
    public void zeroGradients(ParameterSet adapters) {
        adapters.tensors().values().forEach(Autograd::zeroGradient);
    }

    @Override
    public void close() {
        mergedReference.close();
        base.close();
        decoder.close();
    }
}
