package dev.tralign.trainerservice.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tralign.trainerservice.LedgerEntry;
import java.util.List;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class ReplayScheduleTest {

    private static final TopicPartition P0 = new TopicPartition("t.pref", 0);
    private static final TopicPartition P1 = new TopicPartition("t.pref", 1);

    private static ReplaySchedule.Step step(LedgerEntry e) {
        return new ReplaySchedule.Step(e.step(), e.microBatchOrigins());
    }

    @Test
    void itemsFollowTheLedgerAndMarkTheEndOfEveryMicroBatch() {
        LedgerEntry first = new LedgerEntry(1, 0, List.of("a", "b", "c"), List.of("t.pref/0@0", "t.pref/1@0",
                "t.pref/0@1"), List.of(2, 1));
        LedgerEntry second = new LedgerEntry(2, 0, List.of("d"), List.of("t.pref/1@4"));
        ReplaySchedule schedule = ReplaySchedule.of(List.of(step(first), step(second)), 0);
        assertThat(schedule.items()).containsExactly(new ReplaySchedule.Item(P0, 0, false),
                new ReplaySchedule.Item(P1, 0, true), new ReplaySchedule.Item(P0, 1, true),
                new ReplaySchedule.Item(P1, 4, true));
        // A replay resumed after step 1 continues with step 2's records only.
        assertThat(ReplaySchedule.of(List.of(step(first), step(second)), 1).items())
                .containsExactly(new ReplaySchedule.Item(P1, 4, true));
    }

    @Test
    void anIncompleteLedgerIsRefusedWithTheGap() {
        LedgerEntry one = new LedgerEntry(1, 0, List.of("a"), List.of("t.pref/0@0"));
        LedgerEntry three = new LedgerEntry(3, 0, List.of("b"), List.of("t.pref/0@1"));
        assertThatThrownBy(() -> ReplaySchedule.of(List.of(step(one), step(three)), 0))
                .hasMessageContaining("jumps from step 1 to step 3");
        assertThatThrownBy(() -> ReplaySchedule.parse("no-offset", true))
                .hasMessageContaining("'no-offset' is not topic/partition@offset");
    }

    @Test
    void ledgerLinesKeepMicroBatchSizesAndOldLinesReadAsOneMicroBatch() {
        LedgerEntry e = new LedgerEntry(7, 1, List.of("a", "b", "c"), List.of("x/0@1", "x/0@2", "x/1@0"),
                List.of(1, 2));
        assertThat(LedgerEntry.parse(e.toLine())).isEqualTo(e);
        assertThat(LedgerEntry.parse("7\t1\ta,b\tx/0@1,x/0@2").microBatches()).containsExactly(2);
        assertThatThrownBy(() -> new LedgerEntry(1, 0, List.of("a"), List.of("x/0@1"), List.of(2)))
                .hasMessageContaining("do not add up");
    }
}
