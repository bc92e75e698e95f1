package dev.tralign.trainerservice.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tralign.trainer.config.LossType;
import dev.tralign.trainer.config.TrainingConfig;
import dev.tralign.trainer.model.ModelConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The typed builder only spells keys: what it builds is what the same settings in a file give. */
class RunConfigBuilderTest {

    @Test
    void builtConfigEqualsTheSameSettingsWrittenAsKeys() {
        RunConfig built = RunConfig.builder()
                .runId("typed")
                .cluster("127.0.0.1:9092", "http://127.0.0.1:8081")
                .inputTopics(List.of("a", "b"), List.of(0.75, 0.25))
                .lossType(LossType.IPO)
                .beta(0.3)
                .trustRegion(0.6, 8)
                .learningRate(5e-4)
                .warmupSteps(10)
                .maxGradNorm(10)
                .batchSize(16)
                .bounded(3)
                .maxSteps(200)
                .checkpoints(Path.of("/tmp/ckpt"), 50)
                .sftMetricsEverySteps(10)
                .freshModel(new ModelConfig(40, 32, 1, 2, 24))
                .alphabetTokenizer("abc")
                .seed(11)
                .build();
        Map<String, String> keys = new LinkedHashMap<>();
        keys.put("run.id", "typed");
        keys.put("bootstrap.servers", "127.0.0.1:9092");
        keys.put("schema.registry.url", "http://127.0.0.1:8081");
        keys.put("input.topics", "a,b");
        keys.put("input.mix", "0.75,0.25");
        keys.put("loss_type", "ipo");
        keys.put("beta", "0.3");
        keys.put("sync_ref_model", "true");
        keys.put("ref_model_mixup_alpha", "0.6");
        keys.put("ref_model_sync_steps", "8");
        keys.put("learning_rate", "0.0005");
        keys.put("warmup_steps", "10");
        keys.put("max_grad_norm", "10");
        keys.put("batch_size", "16");
        keys.put("mode", "bounded");
        keys.put("epochs", "3");
        keys.put("max_steps", "200");
        keys.put("checkpoint.dir", "/tmp/ckpt");
        keys.put("checkpoint.every_steps", "50");
        keys.put("metrics.sft_every_steps", "10");
        keys.put("model.init", "fresh");
        keys.put("model.vocab", "40");
        keys.put("model.embed", "32");
        keys.put("model.layers", "1");
        keys.put("model.heads", "2");
        keys.put("model.max_seq_len", "24");
        keys.put("tokenizer", "alphabet:abc");
        keys.put("seed", "11");
        RunConfig written = RunConfig.of(keys);

        assertThat(built.digest()).isEqualTo(written.digest());
        TrainingConfig training = built.trainingConfig(200);
        assertThat(training).isEqualTo(written.trainingConfig(200));
        assertThat(training.lossType()).isEqualTo(LossType.IPO);
        assertThat(training.refModelSyncSteps()).isEqualTo(8);
        assertThat(training.sftMetricsEverySteps()).isEqualTo(10);
        assertThat(built.inputTopics()).containsExactly("a", "b");
    }

    @Test
    void valuesAreValidatedAsInAFileAndTheMessageNamesTheKey() {
        assertThatThrownBy(() -> RunConfig.builder().freshModel(new ModelConfig(40, 32, 1, 2, 24)).batchSize(0)
                .build()).isInstanceOf(RunConfigException.class).hasMessageContaining("batch_size");
        assertThatThrownBy(() -> RunConfig.builder().freshModel(new ModelConfig(40, 32, 1, 2, 24))
                .trustRegion(1.5, 8).build()).hasMessageContaining("ref_model_mixup_alpha");
    }
}
