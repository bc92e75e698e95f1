package dev.tralign.evaluator.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tralign.config.Settings;
import dev.tralign.store.CheckpointStore;
import dev.tralign.store.S3CheckpointStore;
import dev.tralign.store.StoreLocation;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The evaluator's checkpoint_store and s3_* keys: what store they open, and the mistakes they name. */
class EvaluatorStoreKeysTest {

    private static Settings settings(String... kv) {
        Map<String, String> given = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            given.put(kv[i], kv[i + 1]);
        }
        return EvaluatorKeys.STORE.parse(given);
    }

    @Test
    void noStoreMeansFileCheckpointsOnly() {
        assertThat(EvaluatorKeys.checkpointStore(settings(), null)).isNull();
    }

    @Test
    void anS3StoreIsOpenedWithItsSettings() {
        try (CheckpointStore store = EvaluatorKeys.checkpointStore(settings("checkpoint_store",
                "s3://tralign-checkpoints/runs", "s3_endpoint", "http://minio:9000", "s3_path_style", "true",
                "s3_access_key_id", "tralign"), "secret-value")) {
            assertThat(store).isInstanceOf(S3CheckpointStore.class);
            assertThat(store.location()).isEqualTo(new StoreLocation.S3("tralign-checkpoints", "runs"));
        }
    }

    @Test
    void mistakesNameTheSetting() {
        assertThatThrownBy(() -> settings("checkpoint_store", "gs://bucket/x"))
                .hasMessageContaining("checkpoint_store").hasMessageContaining("s3://bucket/prefix");
        assertThatThrownBy(() -> EvaluatorKeys.checkpointStore(settings("checkpoint_store", "s3://bucket/x",
                "s3_access_key_id", "tralign"), null))
                .hasMessageContaining("s3_access_key_id").hasMessageContaining("--s3-secret-access-key");
    }

    private static Settings evaluator(String... kv) {
        Map<String, String> given = new LinkedHashMap<>(Map.of("sft", "sft.ckpt", "prompts", "p.txt", "tokenizer",
                "bytes"));
        for (int i = 0; i < kv.length; i += 2) {
            given.put(kv[i], kv[i + 1]);
        }
        return EvaluatorKeys.TABLE.parse(given);
    }

    @Test
    void aStoreOutageIsRetriedTenMinutesUnlessToldOtherwise() {
        assertThat(evaluator().duration(EvaluatorKeys.STORE_RETRY_TIMEOUT)).isEqualTo(java.time.Duration.ofMinutes(10));
        assertThat(evaluator("store_retry_timeout", "90s").duration(EvaluatorKeys.STORE_RETRY_TIMEOUT))
                .isEqualTo(java.time.Duration.ofSeconds(90));
        assertThat(evaluator("store_retry_timeout", "0s").duration(EvaluatorKeys.STORE_RETRY_TIMEOUT)).isZero();
        assertThatThrownBy(() -> evaluator("store_retry_timeout", "PT-5S"))
                .hasMessageContaining("store_retry_timeout").hasMessageContaining("cannot be negative");
    }
}
