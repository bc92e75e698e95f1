package dev.tralign.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StoreLocationTest {

    @Test
    void s3LocationsNameBucketAndPrefix() {
        StoreLocation.S3 s3 = (StoreLocation.S3) StoreLocation.parse("checkpoint.store", "s3://tralign-ckpt/team/a/");

        assertThat(s3.bucket()).isEqualTo("tralign-ckpt");
        assertThat(s3.prefix()).isEqualTo("team/a");
        assertThat(s3.uriOf("run-1/step-5.ckpt")).isEqualTo(URI.create("s3://tralign-ckpt/team/a/run-1/step-5.ckpt"));
        assertThat(((StoreLocation.S3) StoreLocation.parse("k", "s3://bucket")).objectKey("r/x"))
                .isEqualTo("r/x");
        assertThat(StoreLocation.parse("k", "s3://bucket/p")).hasToString("s3://bucket/p");
    }

    @Test
    void directoriesArePathsOrFileUris() {
        assertThat(StoreLocation.parse("k", "checkpoints")).isEqualTo(new StoreLocation.Local(Path.of("checkpoints")));
        assertThat(StoreLocation.parse("k", "file:/var/lib/ckpt"))
                .isEqualTo(new StoreLocation.Local(Path.of("/var/lib/ckpt")));
    }

    @Test
    void badValuesNameTheSettingAndTheFix() {
        assertThatThrownBy(() -> StoreLocation.parse("checkpoint.store", "s3://Bad_Bucket/x"))
                .hasMessageContaining("checkpoint.store").hasMessageContaining("not an S3 bucket name");
        assertThatThrownBy(() -> StoreLocation.parse("checkpoint.store", "gs://bucket/x"))
                .hasMessageContaining("s3://bucket/prefix");
        assertThatThrownBy(() -> StoreLocation.parse("checkpoint.store", "s3://bucket//x"))
                .hasMessageContaining("empty path segment");
        assertThatThrownBy(() -> StoreLocation.parse("checkpoint.store", " ")).hasMessageContaining("is empty");
    }

    @Test
    void s3OptionsReadTheirKeysAndReportMistakesAtOnce() {
        S3Options minio = S3Options.parse(Map.of("endpoint", "http://minio:9000", "path_style", "true",
                "access_key_id", "tralign", "secret_access_key", "s3cr3t-value"), "checkpoint.s3.");

        assertThat(minio.endpoint()).isEqualTo(URI.create("http://minio:9000"));
        assertThat(minio.pathStyle()).isTrue();
        assertThat(minio.region()).isEqualTo(S3Options.DEFAULT_REGION);
        assertThat(minio.toString()).contains("tralign").doesNotContain("s3cr3t-value");
        assertThat(S3Options.parse(Map.of(), "p.").explicitCredentials()).isFalse();
        assertThatThrownBy(() -> S3Options.parse(Map.of("endpont", "x", "endpoint", "minio:9000",
                "access_key_id", "a"), "checkpoint.s3."))
                .hasMessageContaining("unknown key checkpoint.s3.endpont")
                .hasMessageContaining("checkpoint.s3.endpoint=minio:9000 is not an http(s) URL")
                .hasMessageContaining("give both checkpoint.s3.access_key_id and checkpoint.s3.secret_access_key");
    }
}
