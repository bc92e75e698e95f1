package dev.tralign.trainerservice.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class MixPlanTest {

    private static List<String> records(String topic, int n) {
        return IntStream.range(0, n).mapToObj(i -> topic + i).toList();
    }

    private static long count(List<String> batch, String topic) {
        return batch.stream().filter(r -> r.startsWith(topic)).count();
    }

    @Test
    void everyBatchOfTenHoldsSevenOfflineAndThreeOnlineInOffsetOrder() {
        List<String> mixed = MixPlan.interleave(List.of(0.7, 0.3),
                List.of(records("off-", 70), records("on-", 30)));

        assertThat(mixed).hasSize(100);
        for (int b = 0; b < 10; b++) {
            List<String> batch = mixed.subList(b * 10, b * 10 + 10);
            assertThat(count(batch, "off-")).as("batch %d", b).isEqualTo(7);
            assertThat(count(batch, "on-")).as("batch %d", b).isEqualTo(3);
        }
        assertThat(mixed.stream().filter(r -> r.startsWith("on-")).toList()).isEqualTo(records("on-", 30));
        assertThat(mixed.stream().filter(r -> r.startsWith("off-")).toList()).isEqualTo(records("off-", 70));
        // Interleaved, not 7 then 3: the online share is spread through the batch.
        assertThat(mixed.subList(0, 10)).containsExactly("off-0", "on-0", "off-1", "off-2", "off-3", "on-1",
                "off-4", "off-5", "on-2", "off-6");
    }

    @Test
    void roundingIsCarriedSoNoTopicDriftsByAWholeRecord() {
        Random random = new Random(7);
        for (int trial = 0; trial < 300; trial++) {
            int k = 2 + random.nextInt(3);
            double[] w = random.doubles(k, 0.01, 1).toArray();
            double total = 0;
            for (double x : w) {
                total += x;
            }
            List<Double> ratios = new ArrayList<>();
            List<String> names = new ArrayList<>();
            for (int i = 0; i < k; i++) {
                ratios.add(w[i] / total);
                names.add("t" + i);
            }
            MixPlan plan = new MixPlan(names, ratios);
            boolean[] open = new boolean[k];
            java.util.Arrays.fill(open, true);
            int batch = 1 + random.nextInt(16);
            long[] inBatch = new long[k];
            for (int n = 1; n <= 400; n++) {
                int due = plan.due(open);
                plan.took(due);
                inBatch[due]++;
                for (int i = 0; i < k; i++) {
                    assertThat(Math.abs(plan.taken(i) - n * ratios.get(i))).isLessThan(1.0);
                }
                if (n % batch == 0) {
                    for (int i = 0; i < k; i++) {
                        double want = batch * ratios.get(i);
                        assertThat((double) inBatch[i]).isBetween(Math.floor(want) - 1, Math.ceil(want) + 1);
                    }
                    java.util.Arrays.fill(inBatch, 0);
                }
            }
        }
    }

    @Test
    void whenATopicRunsOutTheOthersTakeItsSlotsAndEveryRecordIsReadOnce() {
        List<String> mixed = MixPlan.interleave(List.of(0.5, 0.3, 0.2),
                List.of(records("a", 50), records("b", 5), records("c", 40)));

        assertThat(mixed).hasSize(95).doesNotHaveDuplicates();
        List<String> tail = mixed.subList(20, 60);
        assertThat(count(tail, "b")).isZero();
        // After b ran out, a and c split its 0.3 about evenly: 0.65 and 0.35 of the slots (26 and 14 of 40).
        assertThat(count(tail, "a")).isBetween(25L, 27L);
        assertThat(count(tail, "c")).isBetween(13L, 15L);
    }

    @Test
    void aRestoredPlanContinuesTheSameSequence() {
        List<String> topics = List.of("tralign.preferences", "tralign.preferences.online");
        List<Double> ratios = List.of(0.7, 0.3);
        boolean[] open = {true, true};
        MixPlan straight = new MixPlan(topics, ratios);
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            int due = straight.due(open);
            straight.took(due);
            expected.add(due);
        }
        MixPlan first = new MixPlan(topics, ratios);
        List<Integer> actual = new ArrayList<>();
        for (int i = 0; i < 23; i++) {
            int due = first.due(open);
            first.took(due);
            actual.add(due);
        }
        assertThat(first.format()).isEqualTo("tralign.preferences=16;tralign.preferences.online=7");
        MixPlan resumed = new MixPlan(topics, ratios);
        resumed.restore(first.format());
        for (int i = 23; i < 60; i++) {
            int due = resumed.due(open);
            resumed.took(due);
            actual.add(due);
        }
        assertThat(actual).isEqualTo(expected);
    }

    @Test
    void equalThirdsRotateInTopicOrder() {
        List<String> mixed = MixPlan.interleave(Collections.nCopies(3, 1.0 / 3),
                List.of(records("a", 3), records("b", 3), records("c", 3)));
        assertThat(mixed).containsExactly("a0", "b0", "c0", "a1", "b1", "c1", "a2", "b2", "c2");
    }
}
