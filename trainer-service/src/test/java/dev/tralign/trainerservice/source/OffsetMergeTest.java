package dev.tralign.trainerservice.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class OffsetMergeTest {

    private static final TopicPartition P0 = new TopicPartition("t", 0);
    private static final TopicPartition P1 = new TopicPartition("t", 1);

    @Test
    void orderDependsOnOffsetsNotOnArrival() {
        List<InputRecord> p0 = List.of(rec(0, 0), rec(0, 2), rec(0, 5));
        List<InputRecord> p1 = List.of(rec(1, 1), rec(1, 2), rec(1, 3));
        List<String> first = drain(p0, p1, new Random(1));
        for (long seed = 2; seed < 20; seed++) {
            assertThat(drain(p0, p1, new Random(seed))).isEqualTo(first);
        }
        assertThat(first).containsExactly("t/0@0", "t/1@1", "t/0@2", "t/1@2", "t/1@3", "t/0@5");
    }

    @Test
    void waitsForAPartitionThatMayStillDeliver() {
        OffsetMerge merge = new OffsetMerge(Set.of(P0, P1));
        merge.add(rec(0, 7));
        assertThat(merge.poll(Set.of())).isEmpty();
        assertThat(merge.poll(Set.of(P1))).map(InputRecord::origin).contains("t/0@7");
    }

    /** Feeds both partitions in random interleavings and chunk sizes, draining whenever the merge allows. */
    private static List<String> drain(List<InputRecord> p0, List<InputRecord> p1, Random random) {
        OffsetMerge merge = new OffsetMerge(Set.of(P0, P1));
        Map<TopicPartition, List<InputRecord>> left = Map.of(P0, new ArrayList<>(p0), P1, new ArrayList<>(p1));
        List<String> out = new ArrayList<>();
        while (out.size() < p0.size() + p1.size()) {
            List<TopicPartition> order = new ArrayList<>(List.of(P0, P1));
            Collections.shuffle(order, random);
            TopicPartition tp = order.get(0);
            if (!left.get(tp).isEmpty()) {
                merge.add(left.get(tp).remove(0));
            }
            Set<TopicPartition> finished = new java.util.HashSet<>();
            left.forEach((k, v) -> {
                if (v.isEmpty()) {
                    finished.add(k);
                }
            });
            for (Optional<InputRecord> r = merge.poll(finished); r.isPresent(); r = merge.poll(finished)) {
                out.add(r.get().origin());
            }
        }
        return out;
    }

    private static InputRecord rec(int partition, long offset) {
        return new InputRecord("t", partition, offset, null, new byte[0]);
    }
}
