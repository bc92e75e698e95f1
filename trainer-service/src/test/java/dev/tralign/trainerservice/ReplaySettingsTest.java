package dev.tralign.trainerservice;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tralign.trainerservice.config.RunConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReplaySettingsTest {

    @Test
    void recordedSettingsComeBackWithTheConnectionAndTheNewRunId() {
        Map<String, String> recorded = Map.of("config.beta", "0.2", "config.micro_batch_shards", "2",
                "config.model.init", "fresh", "config.run.id", "r1", "mode", "bounded");
        Map<String, String> settings = Replay.replaySettings(recorded, Map.of("bootstrap.servers", "h:9092"), "r1-b");
        assertThat(settings).containsEntry("beta", "0.2").containsEntry("micro_batch_shards", "2")
                .containsEntry("bootstrap.servers", "h:9092").containsEntry("run.id", "r1-b")
                .doesNotContainKey("mode");
        assertThat(RunConfig.of(settings).trainingConfig(1).microBatchShards()).isEqualTo(2);
    }

    @Test
    void aRunRecordedBeforeMicroBatchShardsExistedReplaysUnsplit() {
        Map<String, String> recorded = Map.of("config.beta", "0.2", "config.model.init", "fresh");
        Map<String, String> settings = Replay.replaySettings(recorded, Map.of(), "old-b");
        assertThat(RunConfig.of(settings).trainingConfig(1).microBatchShards()).isEqualTo(1);
    }
}
