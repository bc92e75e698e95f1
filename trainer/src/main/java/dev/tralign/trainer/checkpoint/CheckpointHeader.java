package dev.tralign.trainer.checkpoint;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.tralign.trainer.config.LoraConfig;
import dev.tralign.trainer.config.TrainingConfig;
import dev.tralign.trainer.model.ModelConfig;

/**
 * The JSON header of a checkpoint: everything besides the tensors. No wall-clock fields, so replaying a run
 * writes byte-identical checkpoints.
 *
 * @param format file format version
 * @param model model shape
 * @param training resolved training config
 * @param step optimizer steps taken
 * @param optimizerUpdates AdamW's update count (bias-correction exponent)
 * @param referenceVersion trust-region updates applied so far
 * @param rngState the trainer's random generator state
 * @param torchScriptModel absolute path of the user's TorchScript model, or null for the built-in GPT
 * @param huggingFace the Hugging Face model the run trains, or null (left out of the JSON then, so checkpoints of
 *     the other models keep their bytes)
 * @param lora the adapters' settings when the run trains LoRA adapters over a frozen base, else null (left out);
 *     the tensor groups then hold adapters (and the reference's adapters or full deltas), never base weights
 * @param loraBaseSha256 with {@code lora}: SHA-256 of the base weights (in our layout) the adapters were trained
 *     on; resume and export refuse a base folder whose weights differ
 */
public record CheckpointHeader(int format, ModelConfig model, TrainingConfig training, long step,
        long optimizerUpdates, long referenceVersion, long rngState, String torchScriptModel,
        @JsonInclude(JsonInclude.Include.NON_NULL) HuggingFaceSource huggingFace,
        @JsonInclude(JsonInclude.Include.NON_NULL) LoraConfig lora,
        @JsonInclude(JsonInclude.Include.NON_NULL) String loraBaseSha256) {

    public static final int FORMAT = 1;
}
