package dev.tralign.trainer;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import dev.tralign.trainer.loss.FeedbackLogProbs;
import dev.tralign.trainer.loss.KtoLoss;
import dev.tralign.trainer.loss.KtoOutput;
import dev.tralign.trainer.loss.LossOutput;
import dev.tralign.trainer.loss.PairLogProbs;
import dev.tralign.trainer.loss.PairLoss;
import dev.tralign.trainer.loss.SftLoss;
import dev.tralign.trainer.model.Autograd;
import dev.tralign.trainer.model.CausalLm;
import dev.tralign.trainer.model.GptModel;
import dev.tralign.trainer.model.ModelConfig;
import dev.tralign.trainer.model.PairBatch;
import dev.tralign.trainer.model.PairCollator;
import dev.tralign.trainer.model.ParameterSet;
import dev.tralign.trainer.model.Scalars;
import dev.tralign.trainer.model.ScriptedLm;
import dev.tralign.trainer.model.SequenceBatch;
import dev.tralign.trainer.model.SequenceCollator;
import dev.tralign.trainer.model.SplitMix64;
import dev.tralign.trainer.optim.AdamW;
import dev.tralign.trainer.optim.GradientClipping;
import dev.tralign.trainer.optim.LearningRateSchedule;
import dev.tralign.trainer.reference.TrustRegionUpdater;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BiFunction;
import java.util.function.Consumer;

/**
 * Trains a policy against a reference with DPO/cDPO/IPO/hinge/kto_pair (pairs), KTO (unpaired feedback) or SFT,
 * with optional trust-region reference updates. One call = one micro-batch; every
 * {@code gradientAccumulationSteps}-th call clips the global gradient norm, takes an AdamW step and then lets the
 * {@link TrustRegionUpdater} look at the new step count. While the policy runs forward and backward on the calling
 * thread, the reference forward (no gradients) runs on a second thread: with one intra-op thread each, the two
 * use both cores. Not thread-safe: drive a trainer from one thread.
 */
public final class AlignmentTrainer implements AutoCloseable {

    private final ModelConfig modelConfig;
    private final TrainingConfig config;
    private final CausalLm model;
    private final ParameterSet policy;
    private final ParameterSet reference;
    /** Splits pair and SFT micro-batches over two threads (null when microBatchShards is 1). */
    private final TwoShards shards;
    private final AdamW optimizer;
    private final LearningRateSchedule schedule;
    private final TrustRegionUpdater updater;
    private final SequenceCollator collator;
    private final PairCollator pairCollator;
    private final ExecutorService referenceWorker;
    private final PairLoss pairLoss;
    private final KtoLoss ktoLoss;
    private final SftLoss sftLoss = new SftLoss();
    private final SplitMix64 random;
    private long step;
    private int pendingMicroBatches;

    private AlignmentTrainer(TrainerState state) {
        this.modelConfig = state.modelConfig();
        // Shards only for the built-in model (a TorchScript model keeps its own copy of the weights) and only on
        // CPU (they exist to use a second core; a GPU would run their kernels one after the other anyway). Where
        // they do not apply, the config says 1, so checkpoints and events record what really ran.
        boolean shardable = state.model() instanceof GptModel && state.config().device().equals("cpu");
        this.config = shardable || state.config().microBatchShards() == 1 ? state.config()
                : state.config().toBuilder().microBatchShards(1).build();
        this.model = state.model();
        this.policy = state.policy();
        this.reference = state.reference();
        this.optimizer = state.optimizer();
        this.step = state.step();
        this.random = new SplitMix64(state.rngState());
        long referenceVersion = state.referenceVersion();
        this.schedule = new LearningRateSchedule(config.lrScheduler(), config.learningRate(), config.warmupSteps(),
                config.maxSteps());
        this.updater = new TrustRegionUpdater(policy, reference, config.syncRefModel(), config.refModelMixupAlpha(),
                config.refModelSyncSteps(), referenceVersion);
        this.collator = new SequenceCollator(modelConfig.maxSeqLen(), 0);
        this.pairCollator = new PairCollator(modelConfig.maxSeqLen());
        this.pairLoss = config.lossType().isPaired() ? PairLosses.of(config) : null;
        this.ktoLoss = new KtoLoss(config.beta(), config.desirableWeight(), config.undesirableWeight());
        this.referenceWorker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "tralign-trainer-second-thread");
            t.setDaemon(true);
            return t;
        });
        model.enableGradients(policy);
        this.shards = config.microBatchShards() > 1
                ? new TwoShards(model, policy, referenceWorker, config.parallelReference(), config.intraOpThreads(),
                        config.gradientAccumulationSteps())
                : null;
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

    /** One micro-batch of preference pairs (lossType sigmoid, ipo, hinge or kto_pair). */
    public StepResult stepPairs(List<TokenizedPair> pairs) {
        if (!config.lossType().isPaired()) {
            throw new IllegalStateException("stepPairs needs lossType sigmoid|ipo|hinge|kto_pair, this trainer has "
                    + "lossType=" + config.lossType().trlName() + ": use "
                    + (config.lossType() == LossType.KTO ? "stepFeedback" : "stepSft"));
        }
        requireNonEmpty(pairs, "pairs");
        TokenIds.requirePairs(pairs, modelConfig.vocabSize());
        int b = pairs.size();
        if (shards != null && b >= 2 && pairLoss.perPair()) {
            return stepPairsInShards(pairs);
        }
        PairForward forward = pairForward(pairs);
        Future<float[]> referenceLogProbs = offload(() -> noGrad(sm -> forward.logProbs(reference, sm)));
        Map<String, Double> metrics = new LinkedHashMap<>();
        double loss = trainOn(stepManager -> {
            NDArray policyLogProbs = forward.logProbs(policy, stepManager);
            NDArray referenceArray = stepManager.create(await(referenceLogProbs));
            LossOutput out = pairLoss.compute(pairLogProbs(policyLogProbs, referenceArray,
                    stepManager.create(toFloats(forward.completionLengths()))));
            metrics.putAll(StepMetrics.pairs(out.chosenRewards().toFloatArray(), out.rejectedRewards().toFloatArray(),
                    policyLogProbs.toFloatArray()));
            return out.losses().mean();
        });
        return finish(loss, forward.tokens(), forward.truncatedPrompts(), forward.truncatedCompletions(), metrics);
    }

    /**
     * {@link #stepPairs} with the micro-batch split in two halves ({@link TwoShards}). Each half runs reference
     * forward, policy forward and loss on its own thread; its share of the loss is its summed per-pair losses
     * divided by the WHOLE micro-batch size, so the shares (and their gradients) add up to the batch mean.
     */
    private StepResult stepPairsInShards(List<TokenizedPair> pairs) {
        int b = pairs.size();
        int half = (b + 1) / 2;
        PairForward first = pairForward(pairs.subList(0, half));
        PairForward second = pairForward(pairs.subList(half, b));
        TwoShards.Result<PairShard> result = trainInShards((leaves, sm) -> pairShare(first, leaves, sm, b),
                (leaves, sm) -> pairShare(second, leaves, sm, b));
        PairShard a = result.first();
        PairShard c = result.second();
        Map<String, Double> metrics = new LinkedHashMap<>(StepMetrics.pairs(concat(a.chosenRewards(),
                c.chosenRewards()), concat(a.rejectedRewards(), c.rejectedRewards()),
                concat(concat(a.chosenLogProbs(), c.chosenLogProbs()), concat(a.rejectedLogProbs(),
                        c.rejectedLogProbs()))));
        return finish(result.loss(), first.tokens() + second.tokens(),
                first.truncatedPrompts() + second.truncatedPrompts(),
                first.truncatedCompletions() + second.truncatedCompletions(), metrics);
    }

    /** What a pair shard keeps for the metrics, copied to the JVM. */
    private record PairShard(float[] chosenRewards, float[] rejectedRewards, float[] chosenLogProbs,
            float[] rejectedLogProbs) {
    }

    /** Reference forward (no gradients), policy forward through {@code leaves}, sum(losses) / batchPairs. */
    private TwoShards.Share<PairShard> pairShare(PairForward forward, ParameterSet leaves, NDManager stepManager,
            int batchPairs) {
        float[] referenceLogProbs = noGrad(sm -> forward.logProbs(reference, sm));
        NDArray policyLogProbs = forward.logProbs(leaves, stepManager);
        LossOutput out = pairLoss.compute(pairLogProbs(policyLogProbs, stepManager.create(referenceLogProbs),
                stepManager.create(toFloats(forward.completionLengths()))));
        float[] logProbs = policyLogProbs.toFloatArray();
        int n = logProbs.length / 2;
        return new TwoShards.Share<>(Scalars.dividedBy(out.losses().sum(), batchPairs),
                new PairShard(out.chosenRewards().toFloatArray(), out.rejectedRewards().toFloatArray(),
                        java.util.Arrays.copyOfRange(logProbs, 0, n), java.util.Arrays.copyOfRange(logProbs, n, 2 * n)));
    }

    /**
     * Runs both shards; a failure or a loss that is not finite drops the whole accumulation (as one unsplit
     * micro-batch would) and throws.
     */
    private <T> TwoShards.Result<T> trainInShards(TwoShards.Work<T> first, TwoShards.Work<T> second) {
        TwoShards.Result<T> result;
        try {
            result = shards.train(first, second);
        } catch (RuntimeException | Error e) {
            zeroGradients();
            pendingMicroBatches = 0;
            throw e;
        }
        if (!Double.isFinite(result.loss())) {
            zeroGradients();
            pendingMicroBatches = 0;
            throw new TrainingDivergedException("loss is " + result.loss() + " at step " + step
                    + ": lower learningRate or beta, or check the data");
        }
        return result;
    }

    /** Splits [2B] policy and reference log-probs and lengths (chosen rows, then rejected) for a pair loss. */
    private static PairLogProbs pairLogProbs(NDArray policyLogProbs, NDArray referenceLogProbs, NDArray lengths) {
        long b = policyLogProbs.getShape().get(0) / 2;
        String first = "0:" + b;
        String second = b + ":";
        return new PairLogProbs(policyLogProbs.get(first), policyLogProbs.get(second), referenceLogProbs.get(first),
                referenceLogProbs.get(second), lengths.get(first), lengths.get(second));
    }

    private static float[] concat(float[] a, float[] b) {
        float[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /**
     * How a pair batch is scored: with the shared-prompt forward (each prompt computed once for chosen and
     * rejected) when every prompt has a token, else as 2B independent prompt+completion rows.
     */
    private PairForward pairForward(List<TokenizedPair> pairs) {
        List<int[]> prompts = pairs.stream().map(TokenizedPair::prompt).toList();
        if (model instanceof GptModel gpt && prompts.stream().allMatch(p -> p.length > 0)) {
            PairBatch batch = pairCollator.collate(prompts, pairs.stream().map(TokenizedPair::chosen).toList(),
                    pairs.stream().map(TokenizedPair::rejected).toList());
            return new PairForward((params, sm) -> gpt.pairLogProbs(params, batch, sm), batch.completionLengths(),
                    batch.tokenCount(), batch.truncatedPrompts(), batch.truncatedCompletions());
        }
        List<int[]> allPrompts = new ArrayList<>(prompts);
        allPrompts.addAll(prompts);
        List<int[]> completions = new ArrayList<>(pairs.stream().map(TokenizedPair::chosen).toList());
        completions.addAll(pairs.stream().map(TokenizedPair::rejected).toList());
        SequenceBatch batch = collator.collate(allPrompts, completions);
        return new PairForward((params, sm) -> model.sequenceLogProbs(params, batch, sm), batch.completionLengths(),
                batch.tokenCount(), batch.truncatedPrompts(), batch.truncatedCompletions());
    }

    /** A prepared pair batch: log-probs [2B] (chosen rows, then rejected) for any parameter set. */
    private record PairForward(BiFunction<ParameterSet, NDManager, NDArray> scorer, int[] completionLengths,
            int tokens, int truncatedPrompts, int truncatedCompletions) {

        NDArray logProbs(ParameterSet params, NDManager stepManager) {
            return scorer.apply(params, stepManager);
        }
    }

    /** One micro-batch of unpaired thumbs up/down (lossType kto); needs at least 2 examples. */
    public StepResult stepFeedback(List<TokenizedFeedback> feedback) {
        if (config.lossType() != LossType.KTO) {
            throw new IllegalStateException("stepFeedback needs lossType=kto, this trainer has lossType="
                    + config.lossType().trlName() + ": use " + (config.lossType() == LossType.SFT ? "stepSft"
                    : "stepPairs"));
        }
        requireNonEmpty(feedback, "feedback");
        TokenIds.requireFeedback(feedback, modelConfig.vocabSize());
        int b = feedback.size();
        if (b < 2) {
            throw new IllegalArgumentException("KTO needs at least 2 examples per micro-batch (the KL reference point "
                    + "pairs each prompt with another example's completion), got " + b + ": raise the batch size");
        }
        List<int[]> prompts = feedback.stream().map(TokenizedFeedback::prompt).toList();
        List<int[]> completions = feedback.stream().map(TokenizedFeedback::completion).toList();
        List<int[]> rotated = new ArrayList<>(b);
        for (int i = 0; i < b; i++) {
            rotated.add(completions.get((i - 1 + b) % b));
        }
        SequenceBatch matched = collator.collate(prompts, completions);
        SequenceBatch mismatched = collator.collate(prompts, rotated);
        // The second thread computes everything that needs no gradient: reference on both, policy on mismatched.
        Future<float[][]> noGrad = offload(() -> new float[][] {
            noGrad(sm -> model.sequenceLogProbs(reference, matched, sm)),
            noGrad(sm -> model.sequenceLogProbs(reference, mismatched, sm)),
            noGrad(sm -> model.sequenceLogProbs(policy, mismatched, sm))});
        float[] desirable = new float[b];
        for (int i = 0; i < b; i++) {
            desirable[i] = feedback.get(i).desirable() ? 1f : 0f;
        }
        Map<String, Double> metrics = new LinkedHashMap<>();
        double loss = trainOn(stepManager -> {
            NDArray policyLogProbs = model.sequenceLogProbs(policy, matched, stepManager);
            float[][] other = await(noGrad);
            KtoOutput out = ktoLoss.compute(new FeedbackLogProbs(policyLogProbs, stepManager.create(other[0]),
                    stepManager.create(other[2]), stepManager.create(other[1]), stepManager.create(desirable)));
            metrics.putAll(StepMetrics.feedback(out.rewards().toFloatArray(), policyLogProbs.toFloatArray(), desirable,
                    out.kl().getFloat()));
            return out.losses().mean();
        });
        return finish(loss, matched.tokenCount(), matched.truncatedPrompts(), matched.truncatedCompletions(),
                metrics);
    }

    /** One micro-batch of supervised fine-tuning (lossType sft): token-mean NLL of the completions. */
    public StepResult stepSft(List<TokenizedExample> examples) {
        if (config.lossType() != LossType.SFT) {
            throw new IllegalStateException("stepSft needs lossType=sft, this trainer has lossType="
                    + config.lossType().trlName() + ": build the SFT trainer with lossType(LossType.SFT)");
        }
        requireNonEmpty(examples, "examples");
        TokenIds.requireExamples(examples, modelConfig.vocabSize());
        Map<String, Double> metrics = new LinkedHashMap<>();
        if (shards != null && examples.size() >= 2) {
            // Each half's share: its summed NLL over the WHOLE batch's scored tokens; the shares add up to the mean.
            int half = (examples.size() + 1) / 2;
            SequenceBatch first = collateExamples(examples.subList(0, half));
            SequenceBatch second = collateExamples(examples.subList(half, examples.size()));
            int tokens = scoredTokens(first) + scoredTokens(second);
            double loss = trainInShards(
                    (leaves, sm) -> new TwoShards.Share<>(sftLoss.compute(model.sequenceLogProbs(leaves, first, sm),
                            tokens), null),
                    (leaves, sm) -> new TwoShards.Share<>(sftLoss.compute(model.sequenceLogProbs(leaves, second, sm),
                            tokens), null)).loss();
            metrics.put("nll_per_token", loss);
            // Truncation is per example, so the halves' counts add up to the whole batch's.
            return finish(loss, first.tokenCount() + second.tokenCount(),
                    first.truncatedPrompts() + second.truncatedPrompts(),
                    first.truncatedCompletions() + second.truncatedCompletions(), metrics);
        }
        SequenceBatch batch = collateExamples(examples);
        int tokens = scoredTokens(batch);
        double loss = trainOn(stepManager -> sftLoss.compute(model.sequenceLogProbs(policy, batch, stepManager),
                tokens));
        metrics.put("nll_per_token", loss);
        return finish(loss, batch.tokenCount(), batch.truncatedPrompts(), batch.truncatedCompletions(), metrics);
    }

    private SequenceBatch collateExamples(List<TokenizedExample> examples) {
        return collator.collate(examples.stream().map(TokenizedExample::prompt).toList(),
                examples.stream().map(TokenizedExample::completion).toList());
    }

    /** Completion tokens the loss scores (after truncation). */
    private static int scoredTokens(SequenceBatch batch) {
        int scored = 0;
        for (int n : batch.completionLengths()) {
            scored += n;
        }
        return scored;
    }

    /**
     * Runs the policy forward + loss with gradients, checks the loss is finite, back-propagates loss / k, and
     * returns the loss. All arrays of the step are freed when it returns.
     */
    private double trainOn(java.util.function.Function<NDManager, NDArray> forwardAndLoss) {
        // libtorch's intra-op thread count is per thread (OpenMP): the caller may not be the creating thread.
        Autograd.setIntraOpThreads(config.intraOpThreads());
        return Autograd.withGrad(true, () -> {
            try (NDManager stepManager = model.newStepManager(); NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                NDArray loss = forwardAndLoss.apply(stepManager);
                double value = loss.getFloat();
                if (!Double.isFinite(value)) {
                    zeroGradients();
                    pendingMicroBatches = 0;
                    throw new TrainingDivergedException("loss is " + value + " at step " + step
                            + ": lower learningRate or beta, or check the data");
                }
                NDArray scaled = Scalars.dividedBy(loss, config.gradientAccumulationSteps());
                withBackwardThreads(() -> {
                    Autograd.backward(scaled);
                    return null;
                });
                return value;
            }
        });
    }

    /** Runs no-grad work on the second thread, or right here when parallelReference is off. */
    private <T> Future<T> offload(java.util.concurrent.Callable<T> work) {
        if (config.parallelReference()) {
            return referenceWorker.submit(work);
        }
        try {
            return java.util.concurrent.CompletableFuture.completedFuture(work.call());
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs a forward without gradients and copies the [N] result to the JVM; restores the grad mode. */
    private float[] noGrad(java.util.function.Function<NDManager, NDArray> forward) {
        // Intra-op threads are per thread under OpenMP: a worker would otherwise use OMP's default (all cores).
        Autograd.setIntraOpThreads(config.intraOpThreads());
        return Autograd.withGrad(false, () -> {
            try (NDManager stepManager = model.newStepManager(); NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                return forward.apply(stepManager).toFloatArray();
            }
        });
    }

    private StepResult finish(double loss, int tokens, int truncatedPrompts, int truncatedCompletions,
            Map<String, Double> metrics) {
        double learningRate = schedule.at(step);
        double gradNorm = Double.NaN;
        Optional<ReferenceUpdate> update = Optional.empty();
        pendingMicroBatches++;
        if (pendingMicroBatches == config.gradientAccumulationSteps()) {
            pendingMicroBatches = 0;
            gradNorm = optimizerStep(learningRate);
            step++;
            update = updater.onOptimizerStep(step);
        }
        metrics.put("optimizer_step", Double.isNaN(gradNorm) ? 0.0 : 1.0);
        metrics.put("truncated_prompts", (double) truncatedPrompts);
        metrics.put("truncated_completions", (double) truncatedCompletions);
        return new StepResult(step, loss, gradNorm, learningRate, tokens, Map.copyOf(metrics), update);
    }

    /**
     * Runs {@code body} on this thread with {@code backwardThreads} intra-op threads, then restores
     * {@code intraOpThreads}. Only called when no reference forward is in flight: libtorch also passes the count to
     * MKL, whose setting may be process wide, so it must be back to {@code intraOpThreads} before the next
     * reference forward starts on the other thread.
     */
    private <T> T withBackwardThreads(java.util.function.Supplier<T> body) {
        if (config.backwardThreads() == config.intraOpThreads()) {
            return body.get();
        }
        Autograd.setIntraOpThreads(config.backwardThreads());
        try {
            return body.get();
        } finally {
            Autograd.setIntraOpThreads(config.intraOpThreads());
        }
    }

    private double optimizerStep(double learningRate) {
        return withBackwardThreads(() -> optimizerStepNow(learningRate));
    }

    private double optimizerStepNow(double learningRate) {
        return Autograd.withGrad(false, () -> {
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                NDArray flatGradient = model.flatGradient(policy);
                if (shards != null) {
                    flatGradient = shards.addSecondShardGradients(flatGradient);
                }
                double norm = GradientClipping.globalNorm(flatGradient);
                double factor = GradientClipping.factor(norm, config.maxGradNorm());
                if (factor != 1.0) {
                    flatGradient.muli(factor);
                }
                optimizer.step(policy, flatGradient, learningRate);
                zeroGradients();
                return norm;
            }
        });
    }

    private void zeroGradients() {
        model.zeroGradients(policy);
        if (shards != null) {
            shards.zeroGradients();
        }
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
        if (pendingMicroBatches != 0) {
            throw new IllegalStateException("saveCheckpoint called with " + pendingMicroBatches + " of "
                    + config.gradientAccumulationSteps() + " micro-batches accumulated: save after an optimizer step");
        }
        return new TrainerState(modelConfig, config, model, policy, reference, optimizer, step, updater.version(),
                random.state()).write(file);
    }

    @Override
    public void close() {
        referenceWorker.shutdown();
        try {
            // A reference forward may still run if the step failed before awaiting it: never free its weights.
            if (!referenceWorker.awaitTermination(5, java.util.concurrent.TimeUnit.MINUTES)) {
                throw new IllegalStateException("reference forward did not finish within 5 minutes; weights kept");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while closing the trainer; weights kept", e);
        }
        optimizer.close();
        if (shards != null) {
            shards.close();
        }
        reference.close();
        policy.close();
        model.close();
    }

    private static <T> T await(Future<T> future) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the reference forward", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException("reference forward failed", e.getCause());
        }
    }

    private static float[] toFloats(int[] values) {
        float[] out = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }

    private static void requireNonEmpty(List<?> batch, String name) {
        if (batch == null || batch.isEmpty()) {
            throw new IllegalArgumentException(name + " must not be empty");
        }
    }
}
