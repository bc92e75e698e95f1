package dev.tralign.trainer;

import ai.djl.Device;
import dev.tralign.trainer.checkpoint.CheckpointFile;
import dev.tralign.trainer.checkpoint.CheckpointHeader;
import dev.tralign.trainer.checkpoint.HuggingFaceSource;
import dev.tralign.trainer.checkpoint.ParameterTensors;
import dev.tralign.trainer.checkpoint.SavedCheckpoint;
import dev.tralign.trainer.config.TrainingConfig;
import dev.tralign.trainer.lora.LoraInit;
import dev.tralign.trainer.lora.LoraLm;
import dev.tralign.trainer.model.ParameterSpec;
import dev.tralign.trainer.model.CausalLm;
import dev.tralign.trainer.model.GptModel;
import dev.tralign.trainer.model.ModelConfig;
import dev.tralign.trainer.model.ParameterSet;
import dev.tralign.trainer.model.ScriptedLm;
import dev.tralign.trainer.model.hf.HfDecoder;
import dev.tralign.trainer.model.SplitMix64;
import dev.tralign.trainer.optim.AdamW;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Everything a run needs to continue exactly: model (and, for a Hugging Face model, where it came from), policy,
 * reference, AdamW state, step, trust-region version, RNG state and resolved config, and the frozen SFT weights when
 * the run reports metrics against them ({@link #keepsSftWeights}). Built fresh, read from a checkpoint, or written to
 * one. For LoRA ({@link LoraLm}) policy, reference and moments are adapter-sized and the checkpoint names the base by
 * its digest instead of holding it.
 *
 * @param sft the starting policy, frozen (checkpoint group "sft"), or null when not kept
 */
record TrainerState(ModelConfig modelConfig, TrainingConfig config, CausalLm model, HuggingFaceSource huggingFace,
        ParameterSet policy, ParameterSet reference, AdamW optimizer, long step, long referenceVersion,
        long rngState, ParameterSet sft) {

    /**
     * SFT-anchored metrics need their own copy only when the reference moves; with a fixed reference the reference
     * is the SFT model.
     */
    static boolean keepsSftWeights(TrainingConfig config) {
        return config.sftMetricsEverySteps() > 0 && config.syncRefModel();
    }

    /** Every group a resume reads ("sft" only where the run keeps it). */
    private static final Set<String> WITH_SFT = Set.of("policy", "reference", "adam.m", "adam.v", "sft");

    /** Step 0: the reference is an exact copy of {@code policy}, AdamW moments are zero. */
    static TrainerState fresh(CausalLm model, TrainingConfig config, ParameterSet policy) {
        return fresh(model, null, config, policy);
    }

    /** {@link #fresh(CausalLm, TrainingConfig, ParameterSet)} for a Hugging Face model from {@code source}. */
    static TrainerState fresh(CausalLm model, HuggingFaceSource source, TrainingConfig config, ParameterSet policy) {
        ParameterSet reference = model instanceof LoraLm lora ? LoraInit.reference(lora.targets(), policy)
                : policy.copy();
        AdamW optimizer = new AdamW(policy, config.adamBeta1(), config.adamBeta2(), config.adamEpsilon(),
                config.weightDecay());
        return new TrainerState(model.config(), config, model, source, policy, reference, optimizer, 0, 0,
                new SplitMix64(config.seed()).nextLong(), keepsSftWeights(config) ? policy.copy() : null);
    }

    /** Step 0 from the policy weights of a checkpoint (e.g. the SFT model), with a new config. */
    static TrainerState fromPolicyOf(Path checkpoint, TrainingConfig config) {
        CheckpointFile.Contents contents = CheckpointFile.read(checkpoint, Set.of("policy"));
        Device device = Device.fromName(config.device());
        CausalLm model = modelFor(contents.header(), device);
        try {
            ParameterSet policy = ParameterTensors.toParameterSet("policy", contents.group("policy"), model.layout(),
                    contents.header().model(), device);
            return fresh(model, contents.header().huggingFace(), config, policy);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /** The state a checkpoint holds; {@code expectedShape} (null = any) must match its model shape. */
    static TrainerState read(Path checkpoint, ModelConfig expectedShape) {
        CheckpointFile.Contents c = CheckpointFile.read(checkpoint, WITH_SFT);
        CheckpointHeader h = c.header();
        boolean sftKept = keepsSftWeights(h.training());
        if (expectedShape != null && !expectedShape.equals(h.model())) {
            throw new IllegalArgumentException("checkpoint " + checkpoint + " holds model shape " + h.model()
                    + " but " + expectedShape + " was expected: resume with the run's own model shape");
        }
        TrainingConfig config = h.training();
        Device device = Device.fromName(config.device());
        List<AutoCloseable> opened = new ArrayList<>();
        try {
            CausalLm model = modelFor(h, device);
            opened.add(model);
            ParameterSet policy = group(c, "policy", model.layout(), h, device, opened);
            ParameterSet reference = group(c, "reference", layoutOf(model, "reference"), h, device, opened);
            ParameterSet m = group(c, "adam.m", model.layout(), h, device, opened);
            ParameterSet v = group(c, "adam.v", model.layout(), h, device, opened);
            AdamW optimizer = new AdamW(config.adamBeta1(), config.adamBeta2(), config.adamEpsilon(),
                    config.weightDecay(), m, v, h.optimizerUpdates());
            ParameterSet sft = sftKept ? group(c, "sft", model.layout(), h, device, opened) : null;
            return new TrainerState(h.model(), config, model, h.huggingFace(), policy, reference, optimizer, h.step(),
                    h.referenceVersion(), h.rngState(), sft);
        } catch (RuntimeException e) {
            for (AutoCloseable a : opened) {
                try {
                    a.close();
                } catch (Exception suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }

    private static ParameterSet group(CheckpointFile.Contents c, String name, List<ParameterSpec> layout,
            CheckpointHeader h, Device device, List<AutoCloseable> opened) {
        ParameterSet set = ParameterTensors.toParameterSet(name, c.group(name), layout, h.model(), device);
        opened.add(set);
        return set;
    }

    /** The model a checkpoint was trained with: the built-in GPT, the recorded TorchScript file or HF decoder. */
    static CausalLm modelFor(CheckpointHeader header, Device device) {
        if (header.lora() != null) {
            // The base is not in the checkpoint: read it from the run's folder, refused if its weights changed.
            return LoraLm.open(Path.of(header.huggingFace().folder()), header.model().maxSeqLen(), header.lora(),
                    device, header.loraBaseSha256());
        }
        if (header.huggingFace() != null) {
            return new HfDecoder(header.huggingFace().spec(), header.model().maxSeqLen(), device);
        }
        if (header.torchScriptModel() != null) {
            return new ScriptedLm(Path.of(header.torchScriptModel()), header.model().vocabSize(),
                    header.model().maxSeqLen(), device);
        }
        return new GptModel(header.model(), device);
    }

    /** The layout of a checkpoint group: a LoRA reference kept as full deltas differs from the adapters'. */
    static List<ParameterSpec> layoutOf(CausalLm model, String group) {
        return group.equals("reference") && model instanceof LoraLm lora ? lora.referenceLayout() : model.layout();
    }

    /** Writes this state atomically (see {@link CheckpointFile}). */
    SavedCheckpoint write(Path file) {
        Map<String, Map<String, CheckpointFile.Tensor>> groups = new LinkedHashMap<>();
        groups.put("policy", ParameterTensors.of(policy));
        groups.put("reference", ParameterTensors.of(reference));
        groups.put("adam.m", ParameterTensors.of(optimizer.firstMoments()));
        groups.put("adam.v", ParameterTensors.of(optimizer.secondMoments()));
        if (sft != null) {
            groups.put("sft", ParameterTensors.of(sft));
        }
        CheckpointHeader header = new CheckpointHeader(CheckpointHeader.FORMAT, modelConfig, config, step,
                optimizer.updates(), referenceVersion, rngState,
                model instanceof ScriptedLm scripted ? scripted.file().toString() : null, huggingFace,
                model instanceof LoraLm lora ? lora.targets().config() : null,
                model instanceof LoraLm lora ? lora.baseSha256() : null);
        return CheckpointFile.write(file, header, groups);
    }
}
