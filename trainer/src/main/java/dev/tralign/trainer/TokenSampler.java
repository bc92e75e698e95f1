package dev.tralign.trainer;

import dev.tralign.trainer.model.SplitMix64;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * Picks the next token from one row of logits: greedy at temperature 0, otherwise softmax(logits / T) restricted
 * to the top-k tokens and then to the top-p nucleus, drawn with a {@link SplitMix64}. Pure Java, so sampling is
 * identical on every machine given the same logits and seed.
 */
final class TokenSampler {

    private TokenSampler() {
    }

    static int choose(float[] logits, int offset, int vocab, SamplingConfig cfg, SplitMix64 random) {
        if (cfg.temperature() == 0) {
            int best = 0;
            for (int i = 1; i < vocab; i++) {
                if (logits[offset + i] > logits[offset + best]) {
                    best = i;
                }
            }
            return best;
        }
        Integer[] order = IntStream.range(0, vocab).boxed().toArray(Integer[]::new);
        // Stable sort: ties keep the lower id first, so the kept set is well defined.
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> -logits[offset + i]));
        int keep = cfg.topK() > 0 ? Math.min(cfg.topK(), vocab) : vocab;
        double max = logits[offset + order[0]] / cfg.temperature();
        double[] weights = new double[keep];
        double total = 0;
        for (int r = 0; r < keep; r++) {
            weights[r] = Math.exp(logits[offset + order[r]] / cfg.temperature() - max);
            total += weights[r];
        }
        if (cfg.topP() < 1) {
            double cumulative = 0;
            int nucleus = keep;
            for (int r = 0; r < keep; r++) {
                cumulative += weights[r] / total;
                if (cumulative >= cfg.topP()) {
                    nucleus = r + 1;
                    break;
                }
            }
            keep = nucleus;
            total = 0;
            for (int r = 0; r < keep; r++) {
                total += weights[r];
            }
        }
        double u = random.nextDouble() * total;
        for (int r = 0; r < keep; r++) {
            u -= weights[r];
            if (u < 0) {
                return order[r];
            }
        }
        return order[keep - 1];
    }
}
