package dev.tralign.trainerservice;

import dev.tralign.schemas.Topics;
import dev.tralign.schemas.serde.AvroDeserializer;
import dev.tralign.store.CheckpointStore;
import dev.tralign.store.CheckpointStores;
import dev.tralign.trainer.AlignmentTrainer;
import dev.tralign.trainer.StepResult;
import dev.tralign.trainerservice.config.RunConfig;
import dev.tralign.trainerservice.source.InputRecord;
import dev.tralign.trainerservice.source.ListRecordSource;
import dev.tralign.trainerservice.source.MixPlan;
import dev.tralign.trainerservice.source.SeenIds;
import dev.tralign.trainer.tokenizer.TextTokenizer;
import java.util.List;
import java.util.function.Consumer;
import org.apache.avro.specific.SpecificRecord;

/**
 * The same {@link TrainingLoop} fed from a list of records and committing to memory: no broker, only the schema
 * registry (to decode the records' Avro). The pipeline bench's baseline; also handy for notebooks and tests.
 */
public final class InMemoryRun {

    private InMemoryRun() {
    }

    /**
     * The records in input.mix order (each topic's records keep their list order; records of topics outside
     * input.topics are left out, as a Kafka run would not read them), or as given without a mix.
     */
    static List<InputRecord> mixed(RunConfig config, List<InputRecord> records) {
        if (config.inputMix().isEmpty()) {
            return records;
        }
        List<List<InputRecord>> perTopic = new java.util.ArrayList<>();
        for (String topic : config.inputTopics()) {
            perTopic.add(records.stream().filter(r -> r.topic().equals(topic)).toList());
        }
        return MixPlan.interleave(config.inputMix(), perTopic);
    }

    /** Trains the run's model (fresh, SFT or pretrained) on {@code records} (bounded, config.epochs times). */
    public static RunSummary run(RunConfig config, List<InputRecord> records, Consumer<StepResult> listener) {
        TextTokenizer tokenizer = config.newTokenizer();
        long perStep = (long) config.batchSize() * config.gradientAccumulationSteps();
        long planned = config.maxSteps() > 0 ? config.maxSteps()
                : Math.max(1, (long) records.size() * config.epochs() / perStep);
        try (Topics topics = Topics.create(config.topicPrefix(), config.serdeSettings());
                AlignmentTrainer trainer = NewTrainers.create(config, tokenizer, planned);
                ListRecordSource source = new ListRecordSource(mixed(config, records), config.epochs());
                InMemoryRunOutput output = new InMemoryRunOutput();
                CheckpointStore store = CheckpointStores.open(config.checkpointStore(), config.checkpointS3())) {
            AvroDeserializer<SpecificRecord> values = new AvroDeserializer<>(topics.registryClient(), null);
            values.configure(config.serdeSettings(), false);
            ExampleDecoder decoder = new ExampleDecoder(values, ExampleEncoders.of(config, tokenizer), config.lossType(),
                    config.ktoSplitPairs(), config.onlineJudgedRun());
            // No Kafka, so no win rates or champions: retention's "best", "not judged yet" and champion rules see none.
            CheckpointKeeper keeper = new CheckpointKeeper(config.runId(), store, config.checkpointUploadTimeout(),
                    config.checkpointRetention(), () -> new RetentionFacts.Facts(java.util.Map.of(), java.util.Set.of()),
                    List.of());
            TrainingLoop loop = new TrainingLoop(config, trainer, source, decoder, output, keeper, java.util.Map.of(),
                    planned, 0,
                    config.inputDedupe() ? new RecordDedupe(new SeenIds(), 0, 0) : null);
            loop.addListener(listener);
            return loop.run(() -> false, 0);
        }
    }
}
