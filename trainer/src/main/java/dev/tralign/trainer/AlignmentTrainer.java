package dev.tralign.trainer;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import dev.tralign.trainer.checkpoint.HuggingFaceSource;
import dev.tralign.trainer.checkpoint.SavedCheckpoint;
import dev.tralign.trainer.config.LoraConfig;
import dev.tralign.trainer.config.TrainingConfig;
import dev.tralign.trainer.lora.ExactDeltaMix;
import dev.tralign.trainer.lora.LoraInit;
import dev.tralign.trainer.lora.LoraLm;
import dev.tralign.trainer.data.TokenizedExample;
import dev.tralign.trainer.data.TokenizedFeedback;
import dev.tralign.trainer.data.TokenizedPair;
import dev.tralign.trainer.model.Autograd;
import dev.tralign.trainer.model.CausalLm;
import dev.tralign.trainer.model.GptModel;
import dev.tralign.trainer.model.ModelConfig;
import dev.tralign.trainer.model.ParameterSet;
import dev.tralign.trainer.model.ScriptedLm;
import dev.tralign.trainer.model.SplitMix64;
import dev.tralign.trainer.model.hf.HfModelFolder;
import dev.tralign.trainer.optim.AdamW;
import dev.tralign.trainer.optim.GradientClipping;
import dev.tralign.trainer.optim.LearningRateSchedule;
import dev.tralign.trainer.reference.ReferenceUpdate;
import dev.tralign.trainer.reference.TrustRegionUpdater;
import dev.tralign.trainer.step.Batch;
import dev.tralign.trainer.step.MicroBatchResult;
import dev.tralign.trainer.step.ObjectiveStep;
import dev.tralign.trainer.step.Objectives;
import dev.tralign.trainer.step.StepEngine;
import dev.tralign.trainer.step.TrainingDivergedException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Trains a policy against a reference with DPO/cDPO/IPO/hinge/kto_pair (pairs), KTO (unpaired feedback) or SFT,
 * with optional trust-region reference updates. An optimizer step is spelled out by its caller:
 * <pre>{@code
 * for (Batch b : microBatches) trainer.accumulate(b);         // forward, loss, backward (gradients add up)
 * OptimizerStep s = trainer.optimizerStep();                   // clip the global norm, AdamW, zero gradients
 * trainer.trustRegion().onOptimizerStep(s.step());             // TR-DPO/IPO/KTO: every tau steps, mix or copy
 * }</pre>
 * {@link #train} does the same for callers that feed one micro-batch at a time. The objective's forward and loss
 * live in its {@link ObjectiveStep} (pairs, feedback or SFT). Not thread-safe: drive a trainer from one thread.
 */
public final class AlignmentTrainer implements AutoCloseable {

    private final ModelConfig modelConfig;
    private final TrainingConfig config;
    private final CausalLm model;
    /** Where a Hugging Face model came from (null for the built-in GPT and TorchScript). */
    private final HuggingFaceSource huggingFace;
    private final ParameterSet policy;
    private final ParameterSet reference;
    private final StepEngine engine;
    private final ObjectiveStep objective;
    private final AdamW optimizer;
    private final LearningRateSchedule schedule;
    private final TrustRegionUpdater updater;
    /** The frozen starting policy for sft/ metrics, or null (TrainerState.keepsSftWeights). */
    private final ParameterSet sft;
    private final SplitMix64 random;
    private long step;

    private AlignmentTrainer(TrainerState state) {
        this.modelConfig = state.modelConfig();
        // Shards only where the model reads its weights through the parameter set (a TorchScript model keeps its own
        // copy) and only on CPU (they exist to use a second core; a GPU would run their kernels one after the other
        // anyway). Where they do not apply, the config says 1, so checkpoints and events record what really ran.
        boolean shardable = state.model().readsWeightsOnlyFromParameterSet() && state.config().device().equals("cpu");
        this.config = shardable || state.config().microBatchShards() == 1 ? state.config()
                : state.config().toBuilder().microBatchShards(1).build();
        this.model = state.model();
        this.huggingFace = state.huggingFace();
        this.policy = state.policy();
        this.reference = state.reference();
        this.optimizer = state.optimizer();
        this.step = state.step();
        this.random = new SplitMix64(state.rngState());
        this.schedule = new LearningRateSchedule(config.lrScheduler(), config.learningRate(), config.warmupSteps(),
                config.maxSteps());
        this.updater = model instanceof LoraLm lora
                && lora.targets().config().referenceMix() == LoraConfig.ReferenceMix.EXACT
                ? new TrustRegionUpdater(policy, reference, config.trustRegion(), state.referenceVersion(),
                        new ExactDeltaMix(policy, reference, lora.targets()))
                : new TrustRegionUpdater(policy, reference, config.trustRegion(), state.referenceVersion());
        this.sft = state.sft();
        this.engine = new StepEngine(model, policy, reference, sft, config, () -> step);
        this.objective = Objectives.stepFor(engine);
        config.warnIfSyncNeverFires();
    }

    /** A fresh model initialised from {@code config.seed()}; the reference starts as an exact copy. */
    public static AlignmentTrainer create(ModelConfig modelConfig, TrainingConfig config) {
        Autograd.setIntraOpThreads(config.intraOpThreads());
        Device device = Device.fromName(config.device());
        ParameterSet policy = ParameterSet.initialise(modelConfig, config.seed(), device);
        return new AlignmentTrainer(TrainerState.fresh(new GptModel(modelConfig, device), config, policy));
    }

    /**
     * Trains a user's TorchScript causal LM (forward: ids [N, W] int64 -> logits [N, W, vocabSize]) starting from the
     * weights it was exported with; the reference starts as an exact copy. Slower paths than the built-in model
     * (no shared-prompt pair forward, no cached sampling). The checkpoint records the model file's path.
     */
    public static AlignmentTrainer createFromTorchScript(Path torchScriptModel, int vocabSize, int maxSeqLen,
            TrainingConfig config) {
        Autograd.setIntraOpThreads(config.intraOpThreads());
        ScriptedLm model = new ScriptedLm(torchScriptModel, vocabSize, maxSeqLen, Device.fromName(config.device()));
        try {
            return new AlignmentTrainer(TrainerState.fresh(model, config, model.initialParameters()));
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /**
     * Trains a local Hugging Face model folder (config.json, safetensors weights) natively: policy and reference start
     * from its weights, over sequences of up to {@code maxSeqLen} tokens (0: the model's max positions).
     * Checkpoints record the decoder's spec and the folder, so resume and {@link Policy#load} rebuild the model
     * without reading config.json again.
     */
    public static AlignmentTrainer fromHuggingFace(Path folder, int maxSeqLen, TrainingConfig config) {
        Autograd.setIntraOpThreads(config.intraOpThreads());
        HfModelFolder.Loaded loaded = HfModelFolder.load(folder, maxSeqLen, Device.fromName(config.device()));
        try {
            HuggingFaceSource source = new HuggingFaceSource(folder.toAbsolutePath().normalize().toString(),
                    loaded.model().spec());
            return new AlignmentTrainer(TrainerState.fresh(loaded.model(), source, config, loaded.parameters()));
        } catch (RuntimeException e) {
            loaded.close();
            throw e;
        }
    }

    /**
     * LoRA on a local Hugging Face model folder: the folder's weights are the frozen base, held once; the policy is
     * the base with fresh adapters (PEFT's initialisation, so it starts equal to the base), the reference the base
     * with reference adapters (or full deltas, {@link LoraConfig.ReferenceMix#EXACT}). Gradients, AdamW state and
     * checkpoints are adapter-sized; checkpoints name the base by its SHA-256.
     */
    public static AlignmentTrainer fromHuggingFace(Path folder, int maxSeqLen, TrainingConfig config,
            LoraConfig lora) {
        if (lora == null) {
            return fromHuggingFace(folder, maxSeqLen, config);
        }
        Autograd.setIntraOpThreads(config.intraOpThreads());
        Device device = Device.fromName(config.device());
        LoraLm model = LoraLm.open(folder, maxSeqLen, lora, device, null);
        try {
            HuggingFaceSource source = new HuggingFaceSource(folder.toAbsolutePath().normalize().toString(),
                    model.spec());
            ParameterSet adapters = LoraInit.adapters(model.targets(), config.seed(), device);
            return new AlignmentTrainer(TrainerState.fresh(model, source, config, adapters));
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /** Policy AND reference start from the policy weights of an (SFT) checkpoint; optimizer and step start fresh. */
    public static AlignmentTrainer fromPolicyCheckpoint(Path sftCheckpoint, TrainingConfig config) {
        Autograd.setIntraOpThreads(config.intraOpThreads());
        return new AlignmentTrainer(TrainerState.fromPolicyOf(sftCheckpoint, config));
    }

    /** Continues a run exactly where {@link #saveCheckpoint} left it. */
    public static AlignmentTrainer resume(Path checkpoint) {
        return resume(checkpoint, null);
    }

    /**
     * Continues a run, first checking the checkpoint holds a model of {@code expectedShape} (null = any).
     */
    public static AlignmentTrainer resume(Path checkpoint, ModelConfig expectedShape) {
        TrainerState state = TrainerState.read(checkpoint, expectedShape);
        Autograd.setIntraOpThreads(state.config().intraOpThreads());
        return new AlignmentTrainer(state);
    }

    /**
     * Forward, loss and backward of one micro-batch of the kind this trainer's lossType trains on; the gradient
     * accumulates until {@link #optimizerStep()}. A loss that is not finite drops the accumulation and throws
     * {@link TrainingDivergedException}.
     */
    public MicroBatchResult accumulate(Batch batch) {
        if (engine.accumulated() == config.gradientAccumulationSteps()) {
            throw new IllegalStateException(engine.accumulated() + " micro-batches are accumulated already "
                    + "(gradientAccumulationSteps): call optimizerStep() before the next one");
        }
        return objective.accumulate(batch);
    }

    /** True when gradientAccumulationSteps micro-batches are accumulated: the optimizer step is due. */
    public boolean optimizerStepDue() {
        return engine.accumulated() == config.gradientAccumulationSteps();
    }

    /** The learning rate the next optimizer step uses. */
    public double learningRate() {
        return schedule.at(step);
    }

    /**
     * Clips the accumulated gradient to maxGradNorm (global norm), applies AdamW at the scheduled learning rate and
     * zeroes the gradients. Only after gradientAccumulationSteps micro-batches.
     */
    public OptimizerStep optimizerStep() {
        if (!optimizerStepDue()) {
            throw new IllegalStateException("optimizerStep() after " + engine.accumulated() + " of "
                    + config.gradientAccumulationSteps() + " micro-batches: accumulate gradientAccumulationSteps "
                    + "micro-batches first");
        }
        double learningRate = learningRate();
        double norm = engine.withBackwardThreads(() -> Autograd.withGrad(false, () -> {
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                NDArray flatGradient = engine.accumulatedGradient();
                double globalNorm = GradientClipping.globalNorm(flatGradient);
                double factor = GradientClipping.factor(globalNorm, config.maxGradNorm());
                if (factor != 1.0) {
                    flatGradient.muli(factor);
                }
                optimizer.step(policy, flatGradient, learningRate);
                engine.dropAccumulation();
                return globalNorm;
            }
        }));
        step++;
        return new OptimizerStep(step, norm, learningRate);
    }

    /**
     * The trust-region reference update (TR-DPO/IPO/KTO): call {@code onOptimizerStep(step)} after each optimizer
     * step; it mixes or copies the policy into the reference every refModelSyncSteps steps (never when
     * syncRefModel is off).
     */
    public TrustRegionUpdater trustRegion() {
        return updater;
    }

    /**
     * One micro-batch; when it completes an optimizer step, that step and the reference update after it: the
     * explicit sequence of the class comment, for callers that feed one micro-batch at a time.
     */
    public StepResult train(Batch batch) {
        MicroBatchResult result = accumulate(batch);
        if (!optimizerStepDue()) {
            return StepResult.accumulated(result, step, learningRate());
        }
        OptimizerStep optimizerStep = optimizerStep();
        return StepResult.completed(result, optimizerStep, updater.onOptimizerStep(optimizerStep.step()));
    }

    /** {@link #train} on preference pairs (lossType sigmoid, ipo, hinge or kto_pair). */
    public StepResult stepPairs(List<TokenizedPair> pairs) {
        return train(Batch.pairs(pairs));
    }

    /** {@link #train} on unpaired thumbs up/down (lossType kto); needs at least 2 examples. */
    public StepResult stepFeedback(List<TokenizedFeedback> feedback) {
        return train(Batch.feedback(feedback));
    }

    /** {@link #train} on SFT examples (lossType sft): token-mean NLL of the completions. */
    public StepResult stepSft(List<TokenizedExample> examples) {
        return train(Batch.examples(examples));
    }

    /** Optimizer steps taken so far. */
    public long step() {
        return step;
    }

    public ModelConfig modelConfig() {
        return modelConfig;
    }

    public TrainingConfig config() {
        return config;
    }

    /** Registers a listener for trust-region updates (called on the training thread). */
    public void addReferenceUpdateListener(Consumer<ReferenceUpdate> listener) {
        updater.addListener(listener);
    }

    /** The live policy (borrowed: closing it does nothing; do not use it while a step runs). */
    public Policy policy() {
        return new GptPolicy(model, policy, false);
    }

    /** The live reference model (borrowed, like {@link #policy()}). */
    public Policy referencePolicy() {
        return new GptPolicy(model, reference, false);
    }

    /** SHA-256 of the reference weights. */
    public String referenceDigest() {
        return reference.sha256();
    }

    /**
     * Writes policy, reference, AdamW state, step, RNG state, resolved config and model shape atomically; returns
     * the file's SHA-256. Only between optimizer steps (not halfway through gradient accumulation).
     */
    public SavedCheckpoint saveCheckpoint(Path file) {
        if (engine.accumulated() != 0) {
            throw new IllegalStateException("saveCheckpoint called with " + engine.accumulated() + " of "
                    + config.gradientAccumulationSteps() + " micro-batches accumulated: save after an optimizer step");
        }
        return new TrainerState(modelConfig, config, model, huggingFace, policy, reference, optimizer, step,
                updater.version(), random.state(), sft).write(file);
    }

    @Override
    public void close() {
        // Waits for a reference forward still in flight (a step that failed before awaiting it): weights stay
        // allocated until it is over.
        engine.close();
        optimizer.close();
        reference.close();
        if (sft != null) {
            sft.close();
        }
        policy.close();
        model.close();
    }
}
