package dev.tralign.trainerservice.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class OffsetRangeTest {

    @Test
    void formatAndParseRoundTripTopicsWithDotsAndColons() {
        Map<TopicPartition, Long> offsets = Map.of(new TopicPartition("tralign.preferences", 1), 42L,
                new TopicPartition("a:b", 0), 7L);
        String text = OffsetRange.format(offsets);
        assertThat(text).isEqualTo("a:b:0=7;tralign.preferences:1=42");
        assertThat(OffsetRange.parse(text)).isEqualTo(offsets);
    }

    @Test
    void sizeCountsOffsetsInTheRange() {
        TopicPartition p0 = new TopicPartition("t", 0);
        TopicPartition p1 = new TopicPartition("t", 1);
        OffsetRange range = new OffsetRange(Map.of(p0, 2L, p1, 0L), Map.of(p0, 10L, p1, 5L));
        assertThat(range.size()).isEqualTo(13);
    }
}
