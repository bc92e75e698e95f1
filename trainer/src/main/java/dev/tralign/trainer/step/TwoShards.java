package dev.tralign.trainer.step;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import dev.tralign.trainer.model.Autograd;
import dev.tralign.trainer.model.CausalLm;
import dev.tralign.trainer.model.ParameterSet;
import dev.tralign.trainer.model.Scalars;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * Trains a micro-batch as two shards at once (TrainingConfig.microBatchShards = 2): the first on the calling thread
 * through the policy's autograd leaves, the second on the worker thread through a second set of leaves over the
 * SAME weight memory ({@link ParameterSet#sharingMemory()}), so its gradients land in buffers of their own. Two
 * backward passes into one set of leaves would sum in whatever order the threads finish; here the second shard's
 * gradients are added to the first's at the optimizer step ({@link #addSecondShardGradients}), always in that
 * order, so the result is deterministic and the same on one thread as on two.
 *
 * <p>Each shard's work returns its share of the micro-batch loss (e.g. its summed per-pair losses divided by the
 * WHOLE micro-batch size); the shares add up to the micro-batch loss, and so do their gradients.
 */
final class TwoShards implements AutoCloseable {

    /** One shard's forward and loss; runs with gradients on, inside a step manager freed afterwards. */
    @FunctionalInterface
    interface Work<T> {
        Share<T> run(ParameterSet leaves, NDManager stepManager);
    }

    /** A shard's share of the loss (a scalar to back-propagate) and what to keep of it, copied to the JVM. */
    record Share<T>(NDArray loss, T values) {
    }

    /** Both shards' values; {@code loss} is the sum of their shares (not finite: nothing should be applied). */
    record Result<T>(double loss, T first, T second) {
    }

    private record Done<T>(double loss, T values) {
    }

    private final CausalLm model;
    private final ParameterSet policy;
    private final ParameterSet secondLeaves;
    private final ExecutorService worker;
    private final boolean parallel;
    private final int intraOpThreads;
    private final int accumulationSteps;
    private boolean secondHasGradient;

    /**
     * @param parallel false runs the second shard after the first on the calling thread (same bits, for busy
     *     machines)
     */
    TwoShards(CausalLm model, ParameterSet policy, ExecutorService worker, boolean parallel, int intraOpThreads,
            int accumulationSteps) {
        this.model = model;
        this.policy = policy;
        this.worker = worker;
        this.parallel = parallel;
        this.intraOpThreads = intraOpThreads;
        this.accumulationSteps = accumulationSteps;
        this.secondLeaves = policy.sharingMemory();
        try {
            model.enableGradients(secondLeaves);
        } catch (RuntimeException e) {
            secondLeaves.close();
            throw e;
        }
    }

    /**
     * Runs both shards and back-propagates each finite share divided by gradientAccumulationSteps. Waits for the
     * second shard even when the first fails. On an exception some gradient may have accumulated: the caller must
     * drop the accumulation ({@link #zeroGradients} with the policy's).
     */
    <T> Result<T> train(Work<T> first, Work<T> second) {
        // From here on the second leaves may hold gradient, whatever happens: zeroing must include them.
        secondHasGradient = true;
        if (!parallel) {
            Done<T> a = trainOne(first, policy);
            Done<T> b = trainOne(second, secondLeaves);
            return new Result<>(a.loss() + b.loss(), a.values(), b.values());
        }
        Future<Done<T>> secondDone = worker.submit(() -> trainOne(second, secondLeaves));
        Done<T> firstDone;
        try {
            firstDone = trainOne(first, policy);
        } catch (RuntimeException | Error e) {
            try {
                join(secondDone);
            } catch (RuntimeException | Error superseded) {
                e.addSuppressed(superseded);
            }
            throw e;
        }
        Done<T> other = join(secondDone);
        return new Result<>(firstDone.loss() + other.loss(), firstDone.values(), other.values());
    }

    /**
     * Waits for the second shard, through interrupts too: its backward pass writes the second leaves' gradients
     * and must be over before anyone zeroes or reads them. A pending interrupt is restored afterwards.
     */
    private static <T> T join(Future<T> future) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return future.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof Error error) {
                        throw error;
                    }
                    throw e.getCause() instanceof RuntimeException re ? re
                            : new IllegalStateException("second shard failed: " + e.getCause(), e.getCause());
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private <T> Done<T> trainOne(Work<T> work, ParameterSet leaves) {
        // libtorch's intra-op thread count is per thread (OpenMP): the worker may not have it yet.
        Autograd.setIntraOpThreads(intraOpThreads);
        return Autograd.withGrad(true, () -> {
            try (NDManager stepManager = model.newStepManager(); NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                Share<T> share = work.run(leaves, stepManager);
                double value = share.loss().getFloat();
                if (Double.isFinite(value)) {
                    Autograd.backward(Scalars.dividedBy(share.loss(), accumulationSteps));
                }
                return new Done<>(value, share.values());
            }
        });
    }

    /** The policy's flat gradient plus the second shards' accumulated since the last zeroing (a new array). */
    NDArray addSecondShardGradients(NDArray policyFlatGradient) {
        return secondHasGradient ? policyFlatGradient.add(model.flatGradient(secondLeaves)) : policyFlatGradient;
    }

    /** Zeroes the second shards' gradients (the caller zeroes the policy's). */
    void zeroGradients() {
        if (secondHasGradient) {
            model.zeroGradients(secondLeaves);
            secondHasGradient = false;
        }
    }

    @Override
    public void close() {
        secondLeaves.close();
    }
}
