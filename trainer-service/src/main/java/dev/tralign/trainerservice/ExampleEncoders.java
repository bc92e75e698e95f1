package dev.tralign.trainerservice;

import dev.tralign.trainer.data.ExampleEncoder;
import dev.tralign.trainer.model.hf.ChatExampleEncoder;
import dev.tralign.trainer.model.hf.HfTokenizer;
import dev.tralign.trainer.tokenizer.TextTokenizer;
import dev.tralign.trainerservice.config.RunConfig;

/** How a run's text becomes ids: a pretrained model's chat template where it has one, else plain text. */
final class ExampleEncoders {

    private ExampleEncoders() {
    }

    /** @param tokenizer the run's tokenizer ({@link RunConfig#newTokenizer}) */
    static ExampleEncoder of(RunConfig config, TextTokenizer tokenizer) {
        if (config.pretrainedModel() != null && tokenizer instanceof HfTokenizer hf) {
            return ChatExampleEncoder.of(config.pretrainedModel(), hf);
        }
        return ExampleEncoder.plain(tokenizer);
    }
}
