package dev.tralign.app.cli;

import dev.tralign.config.Settings;
import dev.tralign.evaluator.service.EvaluatorKeys;
import dev.tralign.schemas.Topics;
import dev.tralign.schemas.avro.CheckpointEvent;
import dev.tralign.schemas.avro.ModelPromotion;
import dev.tralign.store.CheckpointOpener;
import dev.tralign.store.CheckpointStore;
import dev.tralign.store.LocalCopy;
import dev.tralign.store.ReadLimits;
import dev.tralign.store.StoreOrFileOpener;
import dev.tralign.trainer.checkpoint.CheckpointFile;
import dev.tralign.trainer.HfExport;
import dev.tralign.trainerservice.RunHistory;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.IModelTransformer;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Writes a checkpoint of a Hugging Face run back out as a Hugging Face model folder. */
@Command(name = "export", mixinStandardHelpOptions = true, modelTransformer = ExportCommand.Keys.class,
        description = {"Export a checkpoint of a run that trained a Hugging Face model (model_name_or_path) as a "
                + "Hugging Face folder: config.json, generation_config.json, model.safetensors and the tokenizer "
                + "files, loadable by transformers and by tralign.",
            "The policy by default; --reference exports the moving reference of that step (TR runs keep it).",
            "--champion FAMILY exports the family's current champion (tralign.promotions): a Hugging Face folder "
                + "for a Hugging Face run, else a copy of tralign's checkpoint file."})
final class ExportCommand implements Callable<Integer> {

    /** Where checkpoints named by events are read from: the same keys as evaluate run's ({@link EvaluatorKeys}). */
    static final class Keys implements IModelTransformer {
        @Override
        public CommandSpec transform(CommandSpec spec) {
            return KeyOptions.addTo(spec, EvaluatorKeys.STORE);
        }
    }

    /** Which checkpoint: one of a run's committed checkpoints, or a file. */
    static final class Source {
        @Option(names = "--run", description = "A run whose committed checkpoints are read from Kafka.")
        String runId;

        @Option(names = "--checkpoint", paramLabel = "FILE", description = "A checkpoint file instead of a run.")
        Path checkpoint;

        @Option(names = "--champion", paramLabel = "FAMILY",
                description = "The current champion of a run family, as the evaluator last promoted it.")
        String champion;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    @Option(names = "--step", description = "With --run: the checkpoint's step (default: the run's last).")
    Long step;

    @Option(names = "--reference", description = "Export the reference weights instead of the policy.")
    boolean reference;

    /** How a LoRA run's adapters are written (issue #16). */
    static final class LoraForm {
        @Option(names = "--peft", description = "A LoRA run (use_peft): write a PEFT adapter folder "
                + "(adapter_config.json, adapter_model.safetensors) for the run's base model.")
        boolean peft;

        @Option(names = "--merged", description = "A LoRA run: write a full Hugging Face folder with the adapters "
                + "merged into the base (what a LoRA run exports without --peft).")
        boolean merged;
    }

    @ArgGroup(exclusive = true)
    LoraForm lora;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "A new or empty folder to write.")
    Path out;

    @Option(names = "--topic-prefix", defaultValue = Topics.DEFAULT_PREFIX,
            description = "With --run: the prefix of the run's topics (default: ${DEFAULT-VALUE}).")
    String topicPrefix;

    @Mixin
    ConnectionOptions connection;

    // A secret, as for evaluate run: the key of --checkpoint-store's S3 account (--s3-access-key-id names it).
    @Option(names = "--s3-secret-access-key", description = "S3 secret key of --checkpoint-store (better: env "
            + "TRALIGN_S3_SECRET_ACCESS_KEY or TRALIGN_S3_SECRET_ACCESS_KEY_FILE). Never printed.")
    String s3SecretAccessKey;

    @Spec
    CommandSpec spec;

    /** The checkpoint store's settings, read at the start of {@link #call}. */
    private Settings storeSettings;

    @Override
    public Integer call() throws IOException {
        if (KeyOptions.listKeysAsked(spec)) {
            return KeyOptions.printListing(spec, EvaluatorKeys.STORE);
        }
        storeSettings = KeyOptions.read(spec, EvaluatorKeys.STORE);
        Path file = source.checkpoint != null ? source.checkpoint
                : source.champion != null ? championCheckpoint() : committedCheckpoint();
        Path exported = out;
        String format = "huggingface";
        if (source.champion != null && CheckpointFile.read(file, Set.of()).header().huggingFace() == null) {
            // A built-in GPT or TorchScript run: the champion is handed over as tralign's own checkpoint.
            exported = copyCheckpoint(file);
            format = "tralign-checkpoint";
        } else {
            exportLora(file);
        }
        spec.commandLine().getOut().println("{\"exported\":\"" + json(exported.toAbsolutePath().toString())
                + "\",\"checkpoint\":\"" + json(file.toString()) + "\",\"weights\":\""
                + (reference ? "reference" : "policy") + "\",\"format\":\"" + format + "\"}");
        spec.commandLine().getOut().flush();
        return 0;
    }

    private void exportLora(Path file) {
        if (lora != null && lora.peft) {
            HfExport.toPeftFolder(file, reference, out);
            return;
        }
        if (lora != null && lora.merged && !HfExport.isLora(file)) {
            throw new IllegalArgumentException("--merged applies to LoRA runs (use_peft=true); " + file + " trained "
                    + "all weights: export it without --merged");
        }
        HfExport.toFolder(file, reference, out);
    }

    /** The file of the family's latest promotion on tralign.promotions, its sha256 checked (local or downloaded). */
    private Path championCheckpoint() {
        connection.requireReachable();
        List<ModelPromotion> promotions;
        try (Topics topics = Topics.create(topicPrefix, connection.serdeSettings())) {
            promotions = RunHistory.keyed(connection.kafkaSettings(), topics.promotions(), source.champion);
        }
        if (promotions.isEmpty()) {
            throw new IllegalArgumentException("family " + source.champion + " has no champion on " + topicPrefix
                    + "promotions: no checkpoint has beaten the SFT baseline significantly yet, or check --champion "
                    + "(a run id unless the evaluator maps families), --topic-prefix and --bootstrap");
        }
        ModelPromotion champion = promotions.get(promotions.size() - 1);
        if (champion.getCheckpointUri() == null) {
            throw new IllegalArgumentException("the champion of " + source.champion + " (run " + champion.getRunId()
                    + " step " + champion.getStep() + ") names no checkpoint file (the evaluator did not see its "
                    + "checkpoint event): export it with --run " + champion.getRunId() + " --step "
                    + champion.getStep());
        }
        // Same store rules and sha256 check as --run (the promotion repeats the checkpoint event's sha256).
        return verifiedCopy(champion.getCheckpointUri(), champion.getSha256(), champion.getRunId(),
                champion.getStep());
    }

    private Path copyCheckpoint(Path file) throws IOException {
        if (Files.exists(out)) {
            boolean empty = Files.isDirectory(out);
            if (empty) {
                try (java.util.stream.Stream<Path> entries = Files.list(out)) {
                    empty = entries.findAny().isEmpty();
                }
            }
            if (!empty) {
                throw new IllegalArgumentException(out + " is not empty: export into a new or empty folder");
            }
        }
        Files.createDirectories(out);
        Path target = out.resolve(file.getFileName());
        Files.copy(file, target, StandardCopyOption.COPY_ATTRIBUTES);
        return target;
    }

    /** The file of the run's checkpoint at --step (or its last), as its committed event names it. */
    private Path committedCheckpoint() {
        connection.requireReachable();
        List<CheckpointEvent> events;
        try (Topics topics = Topics.create(topicPrefix, connection.serdeSettings())) {
            events = RunHistory.checkpoints(connection.kafkaSettings(), topics.checkpoints(), source.runId);
        }
        if (events.isEmpty()) {
            throw new IllegalArgumentException("run " + source.runId + " has no committed checkpoint on "
                    + topicPrefix + "checkpoints: check --run, --topic-prefix and --bootstrap");
        }
        CheckpointEvent chosen = step == null ? events.get(events.size() - 1)
                : events.stream().filter(e -> e.getStep() == step).reduce((a, b) -> b).orElseThrow(() ->
                        new IllegalArgumentException("run " + source.runId + " has no checkpoint at step " + step
                                + "; its checkpoints are at steps "
                                + events.stream().map(CheckpointEvent::getStep).distinct().toList()));
        return verifiedCopy(chosen.getUri(), chosen.getSha256(), chosen.getRunId(), chosen.getStep());
    }

    /**
     * The event's checkpoint as a local file whose sha256 matches the event: in place for file: URIs, downloaded
     * into --download-dir from the --checkpoint-store for s3:// ones.
     */
    private Path verifiedCopy(String location, String sha256, String runId, long checkpointStep) {
        URI uri = URI.create(location);
        try (CheckpointStore store = EvaluatorKeys.checkpointStore(storeSettings, s3SecretAccessKey)) {
            CheckpointOpener opener = new StoreOrFileOpener(store, "--checkpoint-store (and --s3-*)");
            return LocalCopy.of(opener, uri, sha256, Path.of(storeSettings.string(EvaluatorKeys.DOWNLOAD_DIR)),
                    ReadLimits.none()).path();
        } catch (IOException e) {
            throw new IllegalArgumentException("checkpoint of run " + runId + " at step " + checkpointStep
                    + " cannot be read: " + e.getMessage(), e);
        }
    }

    private static String json(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
