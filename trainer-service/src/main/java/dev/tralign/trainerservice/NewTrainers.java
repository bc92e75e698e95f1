package dev.tralign.trainerservice;

import dev.tralign.trainer.AlignmentTrainer;
import dev.tralign.trainer.config.TrainingConfig;
import dev.tralign.trainer.tokenizer.TextTokenizer;
import dev.tralign.trainerservice.config.RunConfig;
import dev.tralign.trainerservice.config.RunConfigException;
import java.nio.file.Path;

/** The trainer a new run starts with, as model.init says: fresh, from an SFT checkpoint, or a pretrained folder. */
final class NewTrainers {

    private NewTrainers() {
    }

    /** A trainer at step 0 whose vocabulary covers {@code tokenizer}'s ids. */
    static AlignmentTrainer create(RunConfig config, TextTokenizer tokenizer, long plannedSteps) {
        TrainingConfig training = config.trainingConfig(plannedSteps);
        Path sft = config.sftCheckpoint();
        Path pretrained = config.pretrainedModel();
        AlignmentTrainer trainer;
        if (pretrained != null) {
            trainer = AlignmentTrainer.fromHuggingFace(pretrained, config.maxSeqLen(), training, config.loraConfig());
        } else if (sft != null) {
            trainer = AlignmentTrainer.fromPolicyCheckpoint(sft, training);
        } else {
            return AlignmentTrainer.create(config.freshModel(tokenizer.vocabSize()), training);
        }
        if (trainer.modelConfig().vocabSize() < tokenizer.vocabSize()) {
            trainer.close();
            throw new RunConfigException("model.init=" + (sft != null ? "sft:" + sft : "pretrained (" + pretrained
                    + ")") + " has a vocabulary of " + trainer.modelConfig().vocabSize() + " ids but the run's "
                    + "tokenizer produces " + tokenizer.vocabSize() + ": use the tokenizer the model was trained with");
        }
        return trainer;
    }
}
