package dev.tralign.trainerservice;

import dev.tralign.schemas.Topics;
import dev.tralign.schemas.avro.CheckpointEvent;
import dev.tralign.trainerservice.config.RunConfig;
import dev.tralign.trainerservice.config.RunConfigDef;
import dev.tralign.trainerservice.config.RunConfigException;
import dev.tralign.trainerservice.source.OffsetRange;
import dev.tralign.trainerservice.source.ReplaySchedule;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Re-runs a run as a new run id with the same config and seed (read from the original's checkpoint events), then
 * compares the checkpoint digests step by step; on CPU they must be equal. A bounded run is re-run over its recorded
 * offset range (its batches are a function of offsets); a streaming run, whose batches arrival timing decided, is
 * re-run from its ledger: the same records in the same micro-batches.
 */
public final class Replay {

    private Replay() {
    }

    /**
     * The replay's settings: the original run's recorded {@code config.*} metadata, then {@code connection}, then
     * the new run id. Keys added after the run was recorded get the value that reproduces what it did.
     */
    static Map<String, String> replaySettings(Map<String, String> recordedMetadata, Map<String, String> connection,
            String replayRunId) {
        Map<String, String> settings = new LinkedHashMap<>();
        recordedMetadata.forEach((k, v) -> {
            if (k.startsWith("config.")) {
                settings.put(k.substring("config.".length()), v);
            }
        });
        // Runs recorded before the key existed trained their pair micro-batches unsplit.
        settings.putIfAbsent(RunConfigDef.MICRO_BATCH_SHARDS, "1");
        // The replay's checkpoints only need their digests: kept in checkpoint.dir, not in the original run's store
        // (whose S3 settings are not recorded) and never pruned, unless the connection names a store.
        settings.put(RunConfigDef.CHECKPOINT_STORE, "");
        settings.put(RunConfigDef.CHECKPOINT_KEEP_LAST, "0");
        settings.putAll(connection);
        settings.put(RunConfigDef.RUN_ID, replayRunId);
        return settings;
    }

    /**
     * @param connection where to talk and write: bootstrap.servers, schema.registry.url, topic.prefix,
     *     checkpoint.dir, kafka.*, registry.* (everything else comes from the original run)
     * @param runId the run to replay
     * @param replayRunId the new run's id (must not exist yet)
     */
    public static ReplayReport run(Map<String, String> connection, String runId, String replayRunId) {
        String prefix = connection.getOrDefault(RunConfigDef.TOPIC_PREFIX, Topics.DEFAULT_PREFIX);
        String bootstrap = connection.getOrDefault(RunConfigDef.BOOTSTRAP_SERVERS, "127.0.0.1:9092");
        Map<String, Object> kafka = new LinkedHashMap<>();
        connection.forEach((k, v) -> {
            if (k.startsWith(RunConfigDef.KAFKA_PREFIX)) {
                kafka.put(k.substring(RunConfigDef.KAFKA_PREFIX.length()), v);
            }
        });
        kafka.put("bootstrap.servers", bootstrap);
        Map<String, Object> serde = new LinkedHashMap<>();
        serde.put("schema.registry.url", connection.getOrDefault(RunConfigDef.SCHEMA_REGISTRY_URL,
                "http://127.0.0.1:8081"));
        connection.forEach((k, v) -> {
            if (k.startsWith(RunConfigDef.REGISTRY_PREFIX)) {
                serde.put(k.substring(RunConfigDef.REGISTRY_PREFIX.length()), v);
            }
        });
        List<CheckpointEvent> original;
        List<LedgerEntry> ledger;
        try (Topics topics = Topics.create(prefix, serde)) {
            original = RunHistory.checkpoints(kafka, topics.checkpoints(), runId);
            ledger = "streaming".equals(lastMode(original)) ? RunHistory.ledger(kafka, topics.trainerLedger(), runId)
                    : List.of();
        }
        if (original.isEmpty()) {
            throw new RunConfigException("run " + runId + " has no committed checkpoint on " + prefix
                    + "checkpoints: check --run and topic.prefix");
        }
        CheckpointEvent last = original.get(original.size() - 1);
        Map<String, String> meta = last.getMetadata();
        boolean streaming = "streaming".equals(meta.get("mode"));
        if (!streaming && !meta.containsKey("range.start")) {
            throw new RunConfigException("run " + runId + " (mode=" + meta.get("mode") + ") recorded no offset range "
                    + "in its checkpoints, so it cannot be replayed");
        }
        RunConfig config = RunConfig.of(replaySettings(meta, connection, replayRunId));
        // A run its guard stopped ends where it ended: the replay repeats the recorded stop, it does not ask the
        // alerts topic (whose verdicts about the replay could land at other steps); one it did not stop never stops
        // for an alert nor waits for the guard's verdicts.
        String stopReason = last.getStopReason();
        RunSummary summary;
        if (streaming) {
            List<ReplaySchedule.Step> steps = ledgerSteps(ledger, prefix, runId, last.getStep());
            try (TrainerService service = TrainerService.replayingLedger(config, steps)) {
                if (stopReason != null) {
                    service.stoppingAt(last.getStep(), stopReason);
                } else {
                    service.withoutGuard();
                }
                summary = service.run();
            }
        } else {
            OffsetRange range = new OffsetRange(OffsetRange.parse(meta.get("range.start")),
                    OffsetRange.parse(meta.get("range.end")));
            try (TrainerService service = new TrainerService(config, range)) {
                if (stopReason != null) {
                    service.stoppingAt(last.getStep(), stopReason);
                } else {
                    service.withoutGuard();
                }
                summary = service.run();
            }
        }
        return compare(runId, replayRunId, original, summary.checkpoints());
    }

    /** The mode ("bounded" or "streaming") the last checkpoint of a run recorded (null for none). */
    private static String lastMode(List<CheckpointEvent> checkpoints) {
        return checkpoints.isEmpty() ? null : checkpoints.get(checkpoints.size() - 1).getMetadata().get("mode");
    }

    /** The committed ledger of a streaming run, up to its last checkpoint, as the batches to replay. */
    private static List<ReplaySchedule.Step> ledgerSteps(List<LedgerEntry> ledger, String prefix, String runId,
            long lastStep) {
        long ledgerEnd = ledger.isEmpty() ? 0 : ledger.get(ledger.size() - 1).step();
        if (ledgerEnd != lastStep) {
            throw new RunConfigException("run " + runId + " checkpointed step " + lastStep + " but its ledger on "
                    + prefix + "trainer-ledger ends at step " + ledgerEnd + ": a streaming run is "
                    + "replayed from its ledger, which must be complete (is the ledger topic's retention shorter "
                    + "than the run?)");
        }
        return ledger.stream().map(e -> new ReplaySchedule.Step(e.step(), e.microBatchOrigins())).toList();
    }

    static ReplayReport compare(String runId, String replayRunId, List<CheckpointEvent> original,
            List<CheckpointEvent> replay) {
        Map<Long, String> a = byStep(original);
        Map<Long, String> b = byStep(replay);
        TreeSet<Long> steps = new TreeSet<>(a.keySet());
        steps.addAll(b.keySet());
        return new ReplayReport(runId, replayRunId, steps.stream()
                .map(s -> new CheckpointComparison(s, a.get(s), b.get(s))).toList());
    }

    private static Map<Long, String> byStep(List<CheckpointEvent> events) {
        Map<Long, String> out = new TreeMap<>();
        events.forEach(e -> out.put(e.getStep(), e.getSha256()));
        return out;
    }
}
