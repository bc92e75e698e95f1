package dev.tralign.trainer.checkpoint;

import dev.tralign.trainer.model.hf.DecoderSpec;

/**
 * Where a run's Hugging Face model came from, as its checkpoints record it: the decoder's spec (so a checkpoint
 * rebuilds the same model without reading the folder again) and the folder (its tokenizer files and config, which an
 * export copies back out).
 *
 * @param folder absolute path of the model folder the run started from
 * @param spec the decoder, as config.json described it at the run's window
 */
public record HuggingFaceSource(String folder, DecoderSpec spec) {
}
