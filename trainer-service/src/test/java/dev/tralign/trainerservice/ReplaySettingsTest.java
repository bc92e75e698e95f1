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
    void aReplayOfAnS3RunKeepsItsCheckpointsLocally() {
        Map<String, String> recorded = Map.of("config.model.init", "fresh", "config.checkpoint.store",
                "s3://tralign/runs", "config.checkpoint.keep_last", "2");
        RunConfig replay = RunConfig.of(Replay.replaySettings(recorded, Map.of("checkpoint.dir", "/tmp/r"), "s3-b"));
        assertThat(replay.checkpointStore()).isEqualTo(new dev.tralign.store.StoreLocation.Local(
                java.nio.file.Path.of("/tmp/r")));
        assertThat(replay.checkpointRetention().enabled()).isFalse();
        assertThat(RunConfig.of(Replay.replaySettings(recorded, Map.of("checkpoint.store", "s3://other/x"), "s3-c"))
                .checkpointStore()).hasToString("s3://other/x");
    }

    @Test
    void aRunRecordedBeforeMicroBatchShardsExistedReplaysUnsplit() {
        Map<String, String> recorded = Map.of("config.beta", "0.2", "config.model.init", "fresh");
        Map<String, String> settings = Replay.replaySettings(recorded, Map.of(), "old-b");
        assertThat(RunConfig.of(settings).trainingConfig(1).microBatchShards()).isEqualTo(1);
    }
}
