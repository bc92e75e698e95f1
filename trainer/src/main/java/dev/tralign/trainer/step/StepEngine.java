package dev.tralign.trainer.step;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import dev.tralign.trainer.config.TrainingConfig;
import dev.tralign.trainer.step.TrainingDivergedException;
import dev.tralign.trainer.model.Autograd;
import dev.tralign.trainer.model.CausalLm;
import dev.tralign.trainer.model.ParameterSet;
import dev.tralign.trainer.model.Scalars;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * What every objective's step shares: the model with its policy and reference weights, the second thread (reference
 * forwards, or the second shard of a micro-batch), and the gradient being accumulated. While the policy runs
 * forward and backward on the calling thread, no-gradient work runs on the second thread: with one intra-op thread
 * each, the two use both cores.
 */
public final class StepEngine implements AutoCloseable {

    private final CausalLm model;
    private final ParameterSet policy;
    private final ParameterSet reference;
    /** The frozen SFT weights, or null when the reference is the SFT model or sft/ metrics are off. */
    private final ParameterSet sft;
    private final TrainingConfig config;
    private final ExecutorService secondThread;
    /** Splits micro-batches over two threads (null when microBatchShards is 1). */
    private final TwoShards shards;
    /** Optimizer steps taken so far, for messages. */
    private final LongSupplier step;
    private int accumulated;

    /** Makes {@code policy} collect gradients; {@code config.microBatchShards()} must be 1 where shards cannot apply. */
    public StepEngine(CausalLm model, ParameterSet policy, ParameterSet reference, ParameterSet sft,
            TrainingConfig config, LongSupplier step) {
        this.model = model;
        this.policy = policy;
        this.reference = reference;
        this.sft = sft;
        this.config = config;
        this.step = step;
        this.secondThread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "tralign-trainer-second-thread");
            t.setDaemon(true);
            return t;
        });
        model.enableGradients(policy);
        this.shards = config.microBatchShards() > 1
                ? new TwoShards(model, policy, secondThread, config.parallelReference(), config.intraOpThreads(),
                        config.gradientAccumulationSteps())
                : null;
    }

    CausalLm model() {
        return model;
    }

    ParameterSet policy() {
        return policy;
    }

    ParameterSet reference() {
        return reference;
    }

    TrainingConfig config() {
        return config;
    }

    /**
     * The weights the optimizer step under way measures sft/ metrics against (TrainingConfig.sftMetricsEverySteps):
     * the frozen SFT copy, or the reference when it never moves; null when this step reports none.
     */
    ParameterSet sftMetricsAnchor() {
        int every = config.sftMetricsEverySteps();
        if (every == 0 || (step.getAsLong() + 1) % every != 0) {
            return null;
        }
        return sft != null ? sft : reference;
    }

    /** True when micro-batches of at least two examples are trained as two shards. */
    boolean sharded() {
        return shards != null;
    }

    /** Micro-batches accumulated since the last optimizer step. */
    public int accumulated() {
        return accumulated;
    }

    /**
     * Runs the policy forward + loss with gradients, checks the loss is finite, back-propagates loss / k, and
     * returns the loss. All arrays of the micro-batch are freed when it returns.
     */
    double trainOn(Function<NDManager, NDArray> forwardAndLoss) {
        // libtorch's intra-op thread count is per thread (OpenMP): the caller may not be the creating thread.
        Autograd.setIntraOpThreads(config.intraOpThreads());
        double value = Autograd.withGrad(true, () -> {
            try (NDManager stepManager = model.newStepManager(); NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                NDArray loss = forwardAndLoss.apply(stepManager);
                double lossValue = loss.getFloat();
                if (!Double.isFinite(lossValue)) {
                    throw diverged(lossValue);
                }
                NDArray scaled = Scalars.dividedBy(loss, config.gradientAccumulationSteps());
                withBackwardThreads(() -> {
                    Autograd.backward(scaled);
                    return null;
                });
                return lossValue;
            }
        });
        accumulated++;
        return value;
    }

    /**
     * Runs both shards ({@link TwoShards}); a failure or a loss that is not finite drops the whole accumulation (as
     * one unsplit micro-batch would) and throws.
     */
    <T> TwoShards.Result<T> trainInShards(TwoShards.Work<T> first, TwoShards.Work<T> second) {
        TwoShards.Result<T> result;
        try {
            result = shards.train(first, second);
        } catch (RuntimeException | Error e) {
            dropAccumulation();
            throw e;
        }
        if (!Double.isFinite(result.loss())) {
            throw diverged(result.loss());
        }
        accumulated++;
        return result;
    }

    private TrainingDivergedException diverged(double loss) {
        dropAccumulation();
        return new TrainingDivergedException("loss is " + loss + " at step " + step.getAsLong()
                + ": lower learningRate or beta, or check the data");
    }

    /** Runs no-grad work on the second thread, or right here when parallelReference is off. */
    <T> Future<T> offload(Callable<T> work) {
        if (config.parallelReference()) {
            return secondThread.submit(work);
        }
        try {
            return CompletableFuture.completedFuture(work.call());
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs a forward without gradients and copies the [N] result to the JVM; restores the grad mode. */
    float[] noGrad(Function<NDManager, NDArray> forward) {
        // Intra-op threads are per thread under OpenMP: a worker would otherwise use OMP's default (all cores).
        Autograd.setIntraOpThreads(config.intraOpThreads());
        return Autograd.withGrad(false, () -> {
            try (NDManager stepManager = model.newStepManager(); NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                return forward.apply(stepManager).toFloatArray();
            }
        });
    }

    static <T> T await(Future<T> future) {
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

    /** The gradient accumulated since the last optimizer step, as one flat array in layout order (all shards). */
    public NDArray accumulatedGradient() {
        NDArray flat = model.flatGradient(policy);
        return shards != null ? shards.addSecondShardGradients(flat) : flat;
    }

    /** Zeroes every gradient accumulator (after an optimizer step, or to drop a failed accumulation). */
    public void dropAccumulation() {
        model.zeroGradients(policy);
        if (shards != null) {
            shards.zeroGradients();
        }
        accumulated = 0;
    }

    /**
     * Runs {@code body} on this thread with {@code backwardThreads} intra-op threads, then restores
     * {@code intraOpThreads}. Only called when no reference forward is in flight: libtorch also passes the count to
     * MKL, whose setting may be process wide, so it must be back to {@code intraOpThreads} before the next
     * reference forward starts on the other thread.
     */
    public <T> T withBackwardThreads(Supplier<T> body) {
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

    /** Stops the second thread (waiting for a forward still in flight, so its weights are never freed under it). */
    @Override
    public void close() {
        secondThread.shutdown();
        try {
            if (!secondThread.awaitTermination(5, TimeUnit.MINUTES)) {
                throw new IllegalStateException("reference forward did not finish within 5 minutes; weights kept");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while closing the trainer; weights kept", e);
        }
        if (shards != null) {
            shards.close();
        }
    }
}
