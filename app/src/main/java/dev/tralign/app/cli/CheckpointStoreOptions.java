package dev.tralign.app.cli;

import dev.tralign.store.CheckpointStore;
import dev.tralign.store.CheckpointStores;
import dev.tralign.store.S3Options;
import dev.tralign.store.StoreLocation;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Where {@code tralign export} finds checkpoints: the trainer's {@code checkpoint.store} and its
 * {@code checkpoint.s3.*} settings as options (or TRALIGN_* variables), and the local directory downloads go to; the
 * same names as {@code evaluate run}'s keys (EvaluatorKeys).
 */
final class CheckpointStoreOptions {

    @Option(names = "--checkpoint-store", paramLabel = "DIR|s3://BUCKET/PREFIX",
            description = "The trainer's checkpoint.store. s3://bucket/prefix: checkpoint objects under it are "
                    + "downloaded and checked (file: checkpoints are still read anywhere); a directory: only "
                    + "checkpoint files under it are read. Default: file: checkpoints anywhere (a shared disk).")
    String store;

    @Option(names = "--s3-endpoint", description = "S3-compatible endpoint, e.g. http://minio:9000 (default: AWS).")
    String endpoint;

    @Option(names = "--s3-region", description = "S3 region (default: " + S3Options.DEFAULT_REGION + ").")
    String region;

    @Option(names = "--s3-path-style", arity = "0..1", description = "Path-style bucket addressing (MinIO and most "
            + "S3-compatible servers need it): --s3-path-style or --s3-path-style=true.")
    boolean pathStyle;

    @Option(names = "--s3-access-key-id", description = "S3 access key id (default: the AWS SDK's chain, e.g. "
            + "AWS_ACCESS_KEY_ID).")
    String accessKeyId;

    @Option(names = "--s3-secret-access-key", description = "S3 secret key (better: env "
            + "TRALIGN_S3_SECRET_ACCESS_KEY or TRALIGN_S3_SECRET_ACCESS_KEY_FILE). Never printed.")
    String secretAccessKey;

    @Option(names = "--download-dir", defaultValue = ".tralign/checkpoint-downloads",
            description = "Where checkpoints from S3 are downloaded (default: ${DEFAULT-VALUE}).")
    Path downloadDir;

    /** The store, or null when --checkpoint-store was not given. */
    CheckpointStore openOrNull() {
        if (store == null || store.isBlank()) {
            return null;
        }
        StoreLocation location = StoreLocation.parse("--checkpoint-store", store);
        return CheckpointStores.open(location, s3());
    }

    /** The S3 settings, validated (a half-given key pair is refused with the fix). */
    S3Options s3() {
        Map<String, String> settings = new LinkedHashMap<>();
        put(settings, S3Options.ENDPOINT, endpoint);
        put(settings, S3Options.REGION, region);
        put(settings, S3Options.PATH_STYLE, pathStyle ? "true" : null);
        put(settings, S3Options.ACCESS_KEY_ID, accessKeyId);
        put(settings, S3Options.SECRET_ACCESS_KEY, secretAccessKey);
        try {
            return S3Options.parse(settings, "--s3-");
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage().replace("--s3-access_key_id", "--s3-access-key-id")
                    .replace("--s3-secret_access_key", "--s3-secret-access-key"), e);
        }
    }

    private static void put(Map<String, String> settings, String key, String value) {
        if (value != null) {
            settings.put(key, value);
        }
    }
}
