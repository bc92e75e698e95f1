package dev.tralign.evaluator.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tralign.evaluator.kl.KlAccumulator;
import dev.tralign.evaluator.kl.SampleLogProbs;
import dev.tralign.evaluator.winrate.LengthJudgment;
import dev.tralign.evaluator.winrate.LengthJudgments;
import dev.tralign.evaluator.winrate.WinRateAccumulator;
import java.util.Arrays;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;

class AccumulatorSerdesTest {

    private final Serde<CheckpointAggregate> serde = AccumulatorSerdes.checkpoint();

    private static CheckpointAggregate aggregate() {
        return new CheckpointAggregate(WinRateAccumulator.EMPTY.add(2.0, 0.7).add(1.5),
                KlAccumulator.EMPTY.add(new SampleLogProbs(-3.0, -4.5, 12)),
                LengthJudgments.EMPTY.with("p\u00e9/1", new LengthJudgment(120, 80, 2.0))
                        .with("p2", new LengthJudgment(40, 80, 1.5))
                        .with("p3", new LengthJudgment(0, 5, Double.NaN)));
    }

    @Test
    void theAggregateWithItsLengthsRoundTrips() {
        CheckpointAggregate a = aggregate();
        CheckpointAggregate read = serde.deserializer().deserialize("t", serde.serializer().serialize("t", a));
        assertThat(read).isEqualTo(a);
        assertThat(read.lengths().byPrompt()).containsKeys("p\u00e9/1", "p2", "p3");
        assertThat(read.lengths().byPrompt().get("p3").preference()).isNaN();
        assertThat(read.lengths().judged()).isEqualTo(2);
    }

    @Test
    void stateFromBeforeLengthsReadsWithNoneAndGivesNoLengthControlledWinRate() {
        CheckpointAggregate a = aggregate();
        byte[] bytes = serde.serializer().serialize("t", a);
        byte[] old = Arrays.copyOf(bytes, bytes.length - lengthBytes(a));

        CheckpointAggregate read = serde.deserializer().deserialize("t", old);

        assertThat(read.judged()).isEqualTo(a.judged());
        assertThat(read.kl()).isEqualTo(a.kl());
        assertThat(read.lengths()).isEqualTo(LengthJudgments.EMPTY);
        assertThat(Records.lengthControlled(read)).isEmpty();
    }

    @Test
    void truncatedLengthsAreASerializationErrorThatSaysWhatToDo() {
        byte[] bytes = serde.serializer().serialize("t", aggregate());
        byte[] cut = Arrays.copyOf(bytes, bytes.length - 3);
        assertThatThrownBy(() -> serde.deserializer().deserialize("t", cut))
                .isInstanceOf(SerializationException.class).hasMessageContaining("kafka-streams-application-reset");
    }

    private static int lengthBytes(CheckpointAggregate a) {
        int size = 1 + Integer.BYTES;
        for (String id : a.lengths().byPrompt().keySet()) {
            size += Integer.BYTES + id.getBytes(java.nio.charset.StandardCharsets.UTF_8).length + 24;
        }
        return size;
    }
}
