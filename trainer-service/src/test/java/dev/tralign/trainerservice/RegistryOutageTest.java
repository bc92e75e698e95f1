package dev.tralign.trainerservice;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tralign.schemas.avro.PreferencePair;
import dev.tralign.schemas.registry.SchemaRegistryException;
import dev.tralign.trainer.config.LossType;
import dev.tralign.trainer.data.ExampleEncoder;
import dev.tralign.trainerservice.source.InputRecord;
import dev.tralign.trainerservice.source.ListRecordSource;
import dev.tralign.trainer.tokenizer.AlphabetTokenizer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.junit.jupiter.api.Test;

/**
 * A registry that cannot be reached says nothing about a record: the trainer waits and decodes it again rather than
 * dead-lettering good data. A record the registry answers about (404: no such schema id) is bad input.
 */
class RegistryOutageTest {

    /** Decodes "pair-N" bytes into a pair; the first {@code failures} calls find the registry unreachable. */
    private static Deserializer<SpecificRecord> flaky(int failures, int httpStatus, AtomicInteger calls) {
        return (topic, bytes) -> {
            if (calls.incrementAndGet() <= failures) {
                throw new SerializationException("record names schema id 7 which the registry could not give",
                        new SchemaRegistryException("registry at http://r:8081 unreachable", httpStatus, 0));
            }
            String id = new String(bytes, StandardCharsets.UTF_8);
            return PreferencePair.newBuilder().setId(id).setPrompt("ab").setChosen("ba").setRejected("aa")
                    .setSource("test").setCreatedAt(Instant.EPOCH).build();
        };
    }

    private static List<InputRecord> records(int n) {
        return java.util.stream.IntStream.range(0, n).mapToObj(i -> new InputRecord("t", 0, i, null,
                ("pair-" + i).getBytes(StandardCharsets.UTF_8))).toList();
    }

    private static GroupAssembler assembler(Deserializer<SpecificRecord> values, int records) {
        ExampleDecoder decoder = new ExampleDecoder(values, ExampleEncoder.plain(new AlphabetTokenizer("ab")),
                LossType.SIGMOID, false, null);
        return new GroupAssembler(new ListRecordSource(records(records), 1), decoder, 2, 1, 1, false, 1000, null,
                () -> 1L, Duration.ofMillis(1));
    }

    @Test
    void anUnreachableRegistryDelaysTheBatchButLosesNoRecord() {
        AtomicInteger calls = new AtomicInteger();
        StepGroup group = assembler(flaky(3, 0, calls), 2).next(() -> false);
        assertThat(group.complete()).isTrue();
        assertThat(group.rejected()).isEmpty();
        assertThat(group.microBatches().get(0).ids()).containsExactly("pair-0", "pair-1");
        assertThat(calls.get()).isEqualTo(5);
    }

    @Test
    void aRegistryErrorWaitsButANotFoundSchemaIsBadInput() {
        AtomicInteger calls = new AtomicInteger();
        StepGroup failing = assembler(flaky(1, 503, calls), 2).next(() -> false);
        assertThat(failing.rejected()).isEmpty();
        StepGroup notFound = assembler(flaky(1, 404, new AtomicInteger()), 2).next(() -> false);
        assertThat(notFound.rejected()).extracting(Rejected::errorClass).containsExactly("DESERIALIZATION");
    }

    @Test
    void aStopWhileWaitingLeavesTheGroupUnread() {
        AtomicInteger calls = new AtomicInteger();
        StepGroup group = assembler(flaky(Integer.MAX_VALUE, 0, calls), 2).next(() -> calls.get() >= 3);
        assertThat(group.complete()).isFalse();
        assertThat(group.dataEnded()).isFalse();
        assertThat(group.rejected()).isEmpty();
    }
}
