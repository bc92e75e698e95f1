package dev.tralign.evaluator.service;

import java.util.ArrayList;
import java.util.List;

/** How a checkpoint's eval prompts split into shards, one evaluation task each. Pure. */
final class PromptShards {

    /** Prompts [from, to) as shard {@code index}. */
    record Shard(int index, int from, int to) {
    }

    private PromptShards() {
    }

    /**
     * Consecutive shards of at most {@code size} prompts covering [0, prompts), in order; the last may be smaller.
     * The split depends only on these two numbers, so every planner splits a checkpoint the same way.
     */
    static List<Shard> of(int prompts, int size) {
        if (prompts < 1) {
            throw new IllegalArgumentException("there must be at least one eval prompt, got " + prompts);
        }
        if (size < 1) {
            throw new IllegalArgumentException("prompts per shard must be at least 1, got " + size);
        }
        List<Shard> shards = new ArrayList<>();
        for (int from = 0, index = 0; from < prompts; from += size, index++) {
            shards.add(new Shard(index, from, Math.min(prompts, from + size)));
        }
        return shards;
    }

    /**
     * The task partition of a shard: consecutive partitions from a start that depends on the checkpoint, so one
     * checkpoint's shards spread over the partitions (and, with round-robin assignment, over the workers) rather
     * than hashing onto a few.
     */
    static int partition(String checkpointKey, int shard, int partitions) {
        return Math.floorMod(checkpointKey.hashCode() + shard, partitions);
    }
}
