package dev.tralign.trainer.data;

import java.util.Objects;

/**
 * One preference pair as token ids: the completion {@code chosen} is preferred to {@code rejected} for {@code prompt}.
 *
 * @param id the pair's id (content hash from ingest), carried for ledgers and logs
 * @param prompt prompt token ids
 * @param chosen preferred completion token ids
 * @param rejected dispreferred completion token ids
 */
public record TokenizedPair(String id, int[] prompt, int[] chosen, int[] rejected) {
    public TokenizedPair {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(chosen, "chosen");
        Objects.requireNonNull(rejected, "rejected");
    }
}
