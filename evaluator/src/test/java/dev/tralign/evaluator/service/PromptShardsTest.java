package dev.tralign.evaluator.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PromptShardsTest {

    @Test
    void shardsCoverEveryPromptOnceInOrder() {
        List<PromptShards.Shard> shards = PromptShards.of(10, 4);

        assertThat(shards).containsExactly(new PromptShards.Shard(0, 0, 4), new PromptShards.Shard(1, 4, 8),
                new PromptShards.Shard(2, 8, 10));
        assertThat(PromptShards.of(3, 100)).containsExactly(new PromptShards.Shard(0, 0, 3));
    }

    @Test
    void aCheckpointsShardsLandOnDistinctPartitionsWhileThereAreEnough() {
        Set<Integer> partitions = new HashSet<>();
        for (int shard = 0; shard < 6; shard++) {
            int p = PromptShards.partition("run-a/7", shard, 12);
            assertThat(p).isBetween(0, 11);
            partitions.add(p);
        }
        assertThat(partitions).hasSize(6);
    }

    @Test
    void refusesEmptySetsAndShardSizesBelowOne() {
        assertThatThrownBy(() -> PromptShards.of(0, 4)).hasMessageContaining("at least one eval prompt");
        assertThatThrownBy(() -> PromptShards.of(4, 0)).hasMessageContaining("prompts per shard");
    }
}
