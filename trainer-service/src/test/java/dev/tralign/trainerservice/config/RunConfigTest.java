package dev.tralign.trainerservice.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tralign.trainer.config.LossSemantics;
import dev.tralign.trainer.config.LossType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunConfigTest {

    private static Map<String, String> base() {
        Map<String, String> m = new HashMap<>();
        m.put("model.init", "fresh");
        return m;
    }

    private static RunConfig with(String... kv) {
        Map<String, String> m = base();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return RunConfig.of(m);
    }

    @Test
    void defaultsFollowTrl() {
        RunConfig c = with();
        assertThat(c.lossType()).isEqualTo(LossType.SIGMOID);
        assertThat(c.trainingConfig(10).beta()).isEqualTo(0.1);
        assertThat(c.trainingConfig(10).refModelMixupAlpha()).isEqualTo(0.6);
        assertThat(c.trainingConfig(10).refModelSyncSteps()).isEqualTo(512);
        assertThat(c.inputTopics()).containsExactly("tralign.preferences");
        assertThat(c.runId()).startsWith("run-").hasSize(16);
    }

    @Test
    void unknownKeyIsRejectedWithTheClosestKey() {
        assertThatThrownBy(() -> with("learning_rat", "0.1"))
                .isInstanceOf(RunConfigException.class)
                .hasMessageContaining("unknown key 'learning_rat'")
                .hasMessageContaining("did you mean 'learning_rate'?");
    }

    @Test
    void misspeltValueGetsAHintAndAllProblemsAreReportedAtOnce() {
        assertThatThrownBy(() -> with("loss_type", "ipoo", "beta", "abc"))
                .hasMessageContaining("loss_type=ipoo is not one of")
                .hasMessageContaining("did you mean 'ipo'?")
                .hasMessageContaining("beta=abc is not a number");
    }

    @Test
    void missingModelInitNamesTheKey() {
        assertThatThrownBy(() -> RunConfig.of(Map.of())).hasMessageContaining("model.init is required");
    }

    @Test
    void ktoWithBatchSizeOneIsRejected() {
        assertThatThrownBy(() -> with("loss_type", "kto", "batch_size", "1"))
                .hasMessageContaining("batch_size=1 but loss_type=kto needs at least 2")
                .hasMessageContaining("set batch_size >= 2");
    }

    @Test
    void pairLossFedOnlyFeedbackIsRejected() {
        assertThatThrownBy(() -> with("loss_type", "ipo", "input.topics", "tralign.feedback"))
                .hasMessageContaining("holds only BinaryFeedback")
                .hasMessageContaining("set loss_type=kto");
    }

    @Test
    void ktoOnPairsNeedsSplitPairs() {
        assertThatThrownBy(() -> with("loss_type", "kto", "input.topics", "tralign.preferences"))
                .hasMessageContaining("set kto.split_pairs=true");
        assertThat(with("loss_type", "kto", "kto.split_pairs", "true").inputTopics())
                .containsExactly("tralign.feedback", "tralign.preferences");
    }

    @Test
    void trainerValidationMessagesUseServiceKeys() {
        RunConfig c = with("lr_scheduler_type", "cosine");
        assertThatThrownBy(() -> c.trainingConfig(0))
                .hasMessageContaining("lr_scheduler_type=cosine needs max_steps > 0");
    }

    @Test
    void ownedKafkaSettingsCannotBeOverridden() {
        assertThatThrownBy(() -> with("kafka.isolation.level", "read_uncommitted"))
                .hasMessageContaining("kafka.isolation.level is set by the trainer");
    }

    @Test
    void secretsNeverPrintButPassThrough() {
        RunConfig c = with("kafka.sasl.jaas.config", "secret-jaas", "kafka.ssl.key.password", "pw",
                "kafka.security.protocol", "SASL_SSL", "registry.basic.auth.user.info", "u:p");
        assertThat(c.toString()).doesNotContain("secret-jaas", "=pw", "u:p")
                .contains("kafka.security.protocol=SASL_SSL", "kafka.sasl.jaas.config=[hidden]");
        assertThat(c.kafkaSettings()).containsEntry("sasl.jaas.config", "secret-jaas")
                .containsEntry("bootstrap.servers", "127.0.0.1:9092");
        assertThat(c.serdeSettings()).containsEntry("basic.auth.user.info", "u:p");
    }

    @Test
    void digestIgnoresWhereTheRunTalksButNotWhatItComputes() {
        RunConfig a = with("run.id", "a", "bootstrap.servers", "h1:9092");
        RunConfig b = with("run.id", "b", "bootstrap.servers", "h2:9092");
        RunConfig c = with("run.id", "a", "beta", "0.2");
        assertThat(a.digest()).isEqualTo(b.digest()).isNotEqualTo(c.digest());
    }

    @Test
    void freshOnlyKeysAreRejectedForSftInit() {
        assertThatThrownBy(() -> RunConfig.of(Map.of("model.init", "sft:/tmp/x.ckpt", "model.layers", "3")))
                .hasMessageContaining("model.layers only applies to model.init=fresh");
    }

    @Test
    void inputStartTakesEarliestLatestOrAnInstantAndLatestNeedsStreaming() {
        assertThat(with().inputStart().kind()).isEqualTo(StartPolicy.Kind.EARLIEST);
        assertThat(with("mode", "streaming", "input.start", "latest").inputStart().kind())
                .isEqualTo(StartPolicy.Kind.LATEST);
        assertThat(with("input.start", "2026-11-27T08:00:00Z").inputStart().instant())
                .contains(java.time.Instant.parse("2026-11-27T08:00:00Z"));
        assertThatThrownBy(() -> with("input.start", "yesterday"))
                .hasMessageContaining("input.start=yesterday is not a start: give earliest, latest or an ISO-8601");
        assertThatThrownBy(() -> with("input.start", "latest"))
                .hasMessageContaining("input.start=latest with mode=bounded captures an empty range");
        assertThat(with("input.start", "earliest").digest()).isEqualTo(with().digest());
    }

    @Test
    void microBatchShardsReachTheTrainerAndOnlyANonDefaultValueChangesTheDigest() {
        assertThat(with().trainingConfig(10).microBatchShards()).isEqualTo(2);
        assertThat(with("micro_batch_shards", "1").trainingConfig(10).microBatchShards()).isEqualTo(1);
        // Runs started before the key existed keep their digest, so they still resume.
        assertThat(with("micro_batch_shards", "2").digest()).isEqualTo(with().digest());
        assertThat(with("micro_batch_shards", "1").digest()).isNotEqualTo(with().digest());
        assertThatThrownBy(() -> with("micro_batch_shards", "4"))
                .hasMessageContaining("micro_batch_shards=4 is out of range");
    }

    @Test
    void theRecordedSettingsOfAnSftRunRebuildIt() {
        // What replay does: every key with its value (shape defaults included) comes back from the checkpoint event.
        RunConfig sft = RunConfig.of(Map.of("model.init", "sft:/tmp/x.ckpt", "run.id", "r"));
        RunConfig rebuilt = RunConfig.of(sft.definedSettings());
        assertThat(rebuilt.digest()).isEqualTo(sft.digest());
        assertThat(sft.with(Map.of("run.id", "r-replay")).runId()).isEqualTo("r-replay");
    }

    @Test
    void loadsAFileAndOverridesWin(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("run.properties");
        Files.writeString(file, "model.init=fresh\nbeta=0.3\nrun.id=from-file\n");
        RunConfig c = RunConfig.load(file, Map.of("run.id", "from-cli"));
        assertThat(c.runId()).isEqualTo("from-cli");
        assertThat(c.trainingConfig(1).beta()).isEqualTo(0.3);
        assertThat(c.clientId()).isEqualTo("tralign-trainer-from-cli");
    }

    @Test
    void theModuleDocListsEveryKey() throws Exception {
        String doc = Files.readString(Path.of("..", "docs", "trainer-service.md"));
        assertThat(RunConfigDef.keys().keySet()).allSatisfy(k -> assertThat(doc).contains("| `" + k + "` |"));
    }

    @Test
    void anS3CheckpointStoreTakesItsClientSettingsUnderCheckpointS3AndHidesTheSecret() {
        RunConfig local = with("checkpoint.dir", "/data/ckpt");
        RunConfig s3 = with("checkpoint.dir", "/data/ckpt", "checkpoint.store", "s3://tralign/runs",
                "checkpoint.s3.endpoint", "http://minio:9000", "checkpoint.s3.path_style", "true",
                "checkpoint.s3.access_key_id", "tralign", "checkpoint.s3.secret_access_key", "s3cr3t-value");

        assertThat(local.checkpointStore()).isEqualTo(new dev.tralign.store.StoreLocation.Local(Path.of("/data/ckpt")));
        assertThat(s3.checkpointStore()).isEqualTo(new dev.tralign.store.StoreLocation.S3("tralign", "runs"));
        assertThat(s3.checkpointDir()).isEqualTo(Path.of("/data/ckpt").resolve(s3.runId()));
        assertThat(with("checkpoint.store", "/mnt/shared").checkpointDir().getParent()).isEqualTo(Path.of("/mnt/shared"));
        assertThat(s3.checkpointS3().endpoint()).hasToString("http://minio:9000");
        assertThat(s3.checkpointS3().pathStyle()).isTrue();
        assertThat(s3.toString()).contains("checkpoint.s3.endpoint=http://minio:9000").doesNotContain("s3cr3t-value");
        assertThat(s3.definedSettings()).doesNotContainKey("checkpoint.s3.secret_access_key");
        assertThat(s3.definedSettings().values()).doesNotContain("s3cr3t-value");
        assertThat(s3.digest()).isEqualTo(local.digest());
        assertThat(s3.with(Map.of("run.id", "other")).checkpointS3()).isEqualTo(s3.checkpointS3());
        assertThatThrownBy(() -> with("checkpoint.store", "s3://Bad_Bucket"))
                .hasMessageContaining("checkpoint.store").hasMessageContaining("bucket");
        assertThatThrownBy(() -> with("checkpoint.s3.endpiont", "x", "checkpoint.s3.access_key_id", "a"))
                .hasMessageContaining("unknown key checkpoint.s3.endpiont")
                .hasMessageContaining("checkpoint.s3.secret_access_key");
    }

    @Test
    void everyKeyIsDocumented() {
        assertThat(RunConfigDef.keys().values()).allSatisfy(k -> assertThat(k.doc()).isNotBlank());
        assertThat(RunConfigDef.keys().keySet()).containsAll(List.of("loss_type", "beta", "label_smoothing",
                "sync_ref_model", "ref_model_mixup_alpha", "ref_model_sync_steps", "learning_rate",
                "gradient_accumulation_steps", "kto.split_pairs"));
    }

    @Test
    void inputMixGivesOneShareperTopicInOrder() {
        RunConfig c = with("input.topics", "tralign.preferences,tralign.preferences.online", "input.mix", "0.7, 0.3");
        assertThat(c.inputMix()).containsExactly(0.7, 0.3);
        assertThat(with().inputMix()).isEmpty();
        assertThat(c.digest()).isNotEqualTo(with("input.topics", "tralign.preferences,tralign.preferences.online",
                "input.mix", "0.6,0.4").digest());
    }

    @Test
    void anUnsetInputMixLeavesTheDigestOfEarlierVersionsAlone() {
        // Printed by RunConfig before input.mix existed, for model.init=fresh and beta=0.2: such runs still resume.
        assertThat(with("beta", "0.2").digest())
                .isEqualTo("cf0c31127ca86045c2176b4211d42efac6513b74ae3b1b54d7dd8a451829d73d");
    }

    @Test
    void inputMixProblemsNameTheKeysAndTheFix() {
        assertThatThrownBy(() -> with("input.topics", "tralign.preferences,tralign.preferences.online",
                "input.mix", "0.7,0.2"))
                .hasMessageContaining("input.mix=0.7,0.2 sums to 0.899")
                .hasMessageContaining("add up to 1");
        assertThatThrownBy(() -> with("input.mix", "0.7,0.3"))
                .hasMessageContaining("input.mix has 2 shares but input.topics names 0 topics (none given)")
                .hasMessageContaining("give input.topics explicitly");
        assertThatThrownBy(() -> with("input.topics", "a,b,c", "input.mix", "0.5,0.5"))
                .hasMessageContaining("input.mix has 2 shares but input.topics names 3 topics (a,b,c)");
        assertThatThrownBy(() -> with("input.topics", "a,b", "input.mix", "1.2,-0.2"))
                .hasMessageContaining("input.mix holds -0.2: every share must be positive");
        assertThatThrownBy(() -> with("input.topics", "a,b", "input.mix", "0.5,half"))
                .hasMessageContaining("holds 'half', not a number");
        assertThatThrownBy(() -> with("input.topics", "a,a", "input.mix", "0.5,0.5"))
                .hasMessageContaining("names a topic twice");
        assertThat(with("input.topics", "a,b,c", "input.mix", "0.1,0.2,0.7").inputMix()).hasSize(3);
    }

    @Test
    void lossTypeListsWithWeightsReachTheTrainer() {
        RunConfig mpo = with("loss_type", "sigmoid, bco_pair, sft", "loss_weights", "0.8,0.2,1.0");
        assertThat(mpo.lossType()).isEqualTo(LossType.SIGMOID);
        assertThat(mpo.lossTypes()).containsExactly(LossType.SIGMOID, LossType.BCO_PAIR, LossType.SFT);
        assertThat(mpo.trainingConfig(1).weights()).containsExactly(0.8, 0.2, 1.0);
        assertThat(mpo.inputTopics()).containsExactly("tralign.preferences");
        assertThat(mpo.digest()).isNotEqualTo(with("loss_type", "sigmoid,bco_pair,sft").digest());
        RunConfig disco = with("loss_type", "discopop", "discopop_tau", "0.1", "f_divergence_type", "alpha_divergence",
                "f_alpha_divergence_coef", "0.3");
        assertThat(disco.trainingConfig(1).discopopTau()).isEqualTo(0.1);
        assertThat(disco.trainingConfig(1).fAlphaDivergenceCoef()).isEqualTo(0.3);
        RunConfig ld = with("ld_alpha", "0.5", "use_weighting", "true");
        assertThat(ld.trainingConfig(1).ldAlpha()).isEqualTo(0.5);
        assertThat(ld.trainingConfig(1).useWeighting()).isTrue();
        assertThat(ld.digest()).isNotEqualTo(with().digest());
    }

    @Test
    void lossProblemsNameTheKeyAndTheAcceptedValues() {
        assertThatThrownBy(() -> with("loss_type", "sigmoid,dpo"))
                .hasMessageContaining("loss_type=dpo is not one of sigmoid|ipo|hinge|kto|kto_pair|sft|exo_pair");
        assertThatThrownBy(() -> with("loss_type", "exo_pair"))
                .hasMessageContaining("label_smoothing must be > 0 with loss_type=exo_pair");
        assertThatThrownBy(() -> with("loss_type", "hinge", "label_smoothing", "0.1"))
                .hasMessageContaining("label_smoothing only applies to loss_type cdpo, robust, exo_pair, aot");
        assertThatThrownBy(() -> with("loss_type", "sigmoid,sft", "loss_weights", "1"))
                .hasMessageContaining("loss_weights has 1 weights but loss_type sigmoid,sft has 2 losses");
        assertThatThrownBy(() -> with("loss_weights", "a"))
                .hasMessageContaining("loss_weights holds 'a', not a number");
        assertThatThrownBy(() -> with("discopop_tau", "0.1"))
                .hasMessageContaining("discopop_tau only applies to loss_type=discopop");
        assertThatThrownBy(() -> with("f_divergence_type", "kl"))
                .hasMessageContaining("f_divergence_type=kl is not one of reverse_kl|forward_kl");
        assertThatThrownBy(() -> with("loss_type", "aot", "use_weighting", "true"))
                .hasMessageContaining("use_weighting is not available for loss_type aot");
        assertThatThrownBy(() -> with("ld_alpha", "1.5")).hasMessageContaining("ld_alpha=1.5 is out of range");
        assertThatThrownBy(() -> with("ld_alpha", "half")).hasMessageContaining("ld_alpha=half is not a number");
        assertThatThrownBy(() -> with("loss_type", "sigmoid,sft", "ld_alpha", "0.5"))
                .hasMessageContaining("ld_alpha with loss_type sigmoid,sft is not supported yet");
        assertThatThrownBy(() -> with("loss_type", "kto,sigmoid"))
                .hasMessageContaining("loss_type kto,sigmoid combines kto");
    }

    @Test
    void runsRecordedWithOldMeaningsKeepThemAndTheirDigest() {
        // Recorded before loss_semantics existed: sigmoid with label smoothing was conservative DPO.
        RunConfig old = with("loss_type", "sigmoid", "label_smoothing", "0.1");
        assertThat(old.trainingConfig(1).semantics()).isEqualTo(LossSemantics.LEGACY);
        assertThat(old.trainingConfig(1).lossSemantics()).isNull();
        assertThat(RunConfig.of(old.definedSettings()).trainingConfig(1).semantics()).isEqualTo(LossSemantics.LEGACY);
        assertThat(with("loss_type", "ipo").trainingConfig(1).semantics()).isEqualTo(LossSemantics.TRL);
        // Saying trl refuses what TRL main would ignore; saying legacy keeps per-token ipo rewards.
        assertThatThrownBy(() -> with("loss_type", "sigmoid", "label_smoothing", "0.1", "loss_semantics", "trl")
                .trainingConfig(1)).hasMessageContaining("conservative DPO is loss_type=cdpo");
        assertThat(with("loss_type", "ipo", "loss_semantics", "legacy").trainingConfig(1).semantics())
                .isEqualTo(LossSemantics.LEGACY);
        assertThat(with("loss_type", "cdpo", "label_smoothing", "0.1").trainingConfig(1).lossType())
                .isEqualTo(LossType.CDPO);
        // The new keys at their defaults leave the digest of every earlier run alone (see the pinned digest above).
        assertThat(with("beta", "0.2", "loss_weights", "", "discopop_tau", "0.05", "f_divergence_type", "reverse_kl",
                "f_alpha_divergence_coef", "0.5", "use_weighting", "false", "ld_alpha", "", "loss_semantics", "")
                .digest()).isEqualTo("cf0c31127ca86045c2176b4211d42efac6513b74ae3b1b54d7dd8a451829d73d");
    }

    @Test
    void aPretrainedModelNeedsAFolderWithConfigJsonAndBringsItsOwnTokenizer(@org.junit.jupiter.api.io.TempDir
            java.nio.file.Path dir) throws Exception {
        assertThatThrownBy(() -> with("model.init", "pretrained"))
                .hasMessageContaining("model.init=pretrained needs model_name_or_path");
        assertThatThrownBy(() -> with("model_name_or_path", dir.toString()))
                .hasMessageContaining("model_name_or_path=" + dir + " is only read with model.init=pretrained");
        assertThatThrownBy(() -> with("model.init", "pretrained", "model_name_or_path", dir.toString()))
                .hasMessageContaining("has no config.json");
        java.nio.file.Files.writeString(dir.resolve("config.json"), "{}");
        assertThatThrownBy(() -> with("model.init", "pretrained", "model_name_or_path", dir.toString(),
                "tokenizer", "alphabet:abc", "model.layers", "3"))
                .hasMessageContaining("tokenizer does not apply to model.init=pretrained")
                .hasMessageContaining("model.layers only applies to model.init=fresh");
        RunConfig config = with("model.init", "pretrained", "model_name_or_path", dir.toString(),
                "model.max_seq_len", "256");
        assertThat(config.pretrainedModel()).isEqualTo(dir);
        assertThat(config.sftCheckpoint()).isNull();
        assertThat(config.maxSeqLen()).isEqualTo(256);
        assertThatThrownBy(() -> with("model.init", "hub:gpt2")).hasMessageContaining("pretrained (with "
                + "model_name_or_path)");
    }

    @Test
    void runsWithoutAPretrainedModelKeepTheirDigest() {
        assertThat(with("beta", "0.2").digest()).isEqualTo(with("beta", "0.2", "model_name_or_path", "").digest());
    }

    @Test
    void apoZeroUnpairedTrainsOnFeedbackLikeKtoButNeedsNoSecondExample() {
        RunConfig config = with("loss_type", "apo_zero_unpaired", "batch_size", "1");
        assertThat(config.lossType()).isEqualTo(dev.tralign.trainer.config.LossType.APO_ZERO_UNPAIRED);
        assertThat(config.inputTopics()).containsExactly("tralign.feedback");
        assertThat(with("loss_type", "apo_zero_unpaired", "kto.split_pairs", "true").inputTopics())
                .containsExactly("tralign.feedback", "tralign.preferences");
        assertThatThrownBy(() -> with("loss_type", "apo_zero_unpaired", "input.topics", "tralign.preferences"))
                .hasMessageContaining("loss_type=apo_zero_unpaired trains on BinaryFeedback");
    }

    @Test
    void trustRegionBoundsAreTheTrainersReportedWithTheServiceKeys() {
        assertThatThrownBy(() -> with("ref_model_mixup_alpha", "1.5"))
                .hasMessageContaining("ref_model_mixup_alpha must be in (0, 1]").hasMessageContaining("1.5");
        assertThatThrownBy(() -> with("ref_model_mixup_alpha", "0"))
                .hasMessageContaining("ref_model_mixup_alpha must be in (0, 1]");
        assertThatThrownBy(() -> with("ref_model_sync_steps", "0"))
                .hasMessageContaining("ref_model_sync_steps (tau) must be >= 1");
        assertThat(with("sync_ref_model", "true", "ref_model_mixup_alpha", "1", "ref_model_sync_steps", "3")
                .trainingConfig(10).trustRegion())
                .isEqualTo(new dev.tralign.trainer.reference.TrustRegion(true, 1.0, 3));
    }

    @Test
    void theHeldoutSftSetNeedsFileAndPeriodOnPublishedStepsAndIsOutOfTheDigestWhenOff() {
        assertThat(with().heldoutSftFile()).isNull();
        assertThat(with("metrics.heldout_sft.file", "", "metrics.heldout_sft.every_steps", "0",
                "metrics.heldout_sft.max_examples", "1000", "guard.reference_task_degraded.policy", "warn").digest())
                .isEqualTo(with().digest());
        RunConfig on = with("metrics.heldout_sft.file", "/data/heldout.jsonl", "metrics.heldout_sft.every_steps", "10",
                "metrics.every_steps", "5");
        assertThat(on.heldoutSftFile()).isEqualTo(java.nio.file.Path.of("/data/heldout.jsonl"));
        assertThat(on.heldoutSftEverySteps()).isEqualTo(10);
        assertThat(on.digest()).isNotEqualTo(with().digest());
        assertThatThrownBy(() -> with("metrics.heldout_sft.every_steps", "10"))
                .hasMessageContaining("metrics.heldout_sft.every_steps=10 needs metrics.heldout_sft.file");
        assertThatThrownBy(() -> with("metrics.heldout_sft.file", "x.jsonl"))
                .hasMessageContaining("is never scored with metrics.heldout_sft.every_steps=0");
        assertThatThrownBy(() -> with("metrics.heldout_sft.file", "x.jsonl", "metrics.heldout_sft.every_steps", "7",
                "metrics.every_steps", "5"))
                .hasMessageContaining("metrics.heldout_sft.every_steps=7 is not a multiple of metrics.every_steps=5");
    }

    @Test
    void theReferenceTaskPolicyStopsOnItsAlertKind() {
        assertThat(with("guard.reference_task_degraded.policy", "stop").guardStopKinds())
                .containsExactly("REFERENCE_TASK_DEGRADED");
        assertThat(dev.tralign.schemas.avro.AlertKind.valueOf("REFERENCE_TASK_DEGRADED")).isNotNull();
    }

    @Test
    void aRunIdOfOnlyDotsIsRefusedBecauseItNamesADirectory() {
        for (String dots : List.of(".", "..", "...")) {
            assertThatThrownBy(() -> with("run.id", dots)).hasMessageContaining("run.id=" + dots + " is only dots");
        }
        assertThat(with("run.id", "v1.2").runId()).isEqualTo("v1.2");
    }
}
