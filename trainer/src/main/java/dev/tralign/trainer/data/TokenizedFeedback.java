package dev.tralign.trainer.data;

import java.util.Objects;

/**
 * One unpaired thumbs up/down as token ids (KTO).
 *
 * @param id the feedback's id
 * @param prompt prompt token ids
 * @param completion completion token ids
 * @param desirable true for thumbs up
 */
public record TokenizedFeedback(String id, int[] prompt, int[] completion, boolean desirable) {
    public TokenizedFeedback {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(completion, "completion");
    }
}
