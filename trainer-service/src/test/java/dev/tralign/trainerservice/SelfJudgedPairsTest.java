package dev.tralign.trainerservice;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tralign.schemas.avro.PreferencePair;
import dev.tralign.trainer.config.LossType;
import dev.tralign.trainer.data.ExampleEncoder;
import dev.tralign.trainerservice.source.InputRecord;
import dev.tralign.trainer.tokenizer.AlphabetTokenizer;
import java.time.Instant;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.junit.jupiter.api.Test;

/** The online loop's step provenance, enforced by the trainer: a checkpoint never trains on its own judgments. */
class SelfJudgedPairsTest {

    private static Decoded decode(Map<String, String> metadata, long step) {
        PreferencePair pair = PreferencePair.newBuilder().setId("p").setPrompt("ab").setChosen("ba")
                .setRejected("aa").setSource("online:r").setCreatedAt(Instant.EPOCH).setMetadata(metadata).build();
        Deserializer<SpecificRecord> values = (topic, bytes) -> pair;
        ExampleDecoder decoder = new ExampleDecoder(values, ExampleEncoder.plain(new AlphabetTokenizer("ab")),
                LossType.SIGMOID, false, "r");
        return decoder.decode(new InputRecord("t", 0, 0, null, new byte[] {1}), step);
    }

    @Test
    void aPairJudgedOnThisRunsCheckpointTrainsOnlyLaterSteps() {
        Map<String, String> judgedAt5 = Map.of("run", "r", "judged_at_step", "5");
        assertThat(decode(judgedAt5, 6).accepted()).isTrue();
        Decoded same = decode(judgedAt5, 5);
        assertThat(same.accepted()).isFalse();
        assertThat(same.errorClass()).isEqualTo("STEP_PROVENANCE");
        assertThat(same.reason()).contains("judged on checkpoint 5 of run r and would train step 5");
        assertThat(decode(judgedAt5, 3).errorClass()).isEqualTo("STEP_PROVENANCE");
    }

    @Test
    void otherRunsPairsPassAndAnUnreadableStepIsRefused() {
        assertThat(decode(Map.of("run", "other", "judged_at_step", "9"), 1).accepted()).isTrue();
        assertThat(decode(Map.of(), 1).accepted()).isTrue();
        assertThat(decode(Map.of("run", "r"), 7).reason()).contains("has no readable judged_at_step");
    }
}
