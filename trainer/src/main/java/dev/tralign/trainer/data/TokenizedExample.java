package dev.tralign.trainer.data;

import java.util.Objects;

/**
 * A prompt and one completion as token ids (SFT data, scoring, KL estimates).
 *
 * @param id the example's id
 * @param prompt prompt token ids
 * @param completion completion token ids (the only tokens scored)
 */
public record TokenizedExample(String id, int[] prompt, int[] completion) {
    public TokenizedExample {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(completion, "completion");
    }
}
