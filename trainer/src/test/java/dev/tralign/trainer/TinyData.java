package dev.tralign.trainer;

import dev.tralign.trainer.config.LossType;
import dev.tralign.trainer.config.TrainingConfig;
import dev.tralign.trainer.data.TokenizedFeedback;
import dev.tralign.trainer.data.TokenizedPair;
import dev.tralign.trainer.model.ModelConfig;
import dev.tralign.trainer.model.SplitMix64;
import java.util.ArrayList;
import java.util.List;

/** Tiny shapes and seeded random token data shared by the trainer tests. */
public final class TinyData {

    public static final ModelConfig SHAPE = new ModelConfig(16, 16, 1, 2, 16);

    private TinyData() {
    }

    public static int[] tokens(SplitMix64 random, int length, int vocab) {
        int[] t = new int[length];
        for (int i = 0; i < length; i++) {
            t[i] = (int) Math.floorMod(random.nextLong(), vocab);
        }
        return t;
    }

    /** Pairs with prompts of 2-5 tokens and completions of 1-6 tokens (uneven lengths exercise padding). */
    public static List<TokenizedPair> pairs(long seed, int count) {
        SplitMix64 random = new SplitMix64(seed);
        List<TokenizedPair> pairs = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            pairs.add(new TokenizedPair("p" + i, tokens(random, 2 + i % 4, 16), tokens(random, 1 + i % 6, 16),
                    tokens(random, 1 + (i + 3) % 6, 16)));
        }
        return pairs;
    }

    public static List<TokenizedFeedback> feedback(long seed, int count, boolean allDesirable) {
        SplitMix64 random = new SplitMix64(seed);
        List<TokenizedFeedback> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(new TokenizedFeedback("f" + i, tokens(random, 2 + i % 3, 16), tokens(random, 2 + i % 4, 16),
                    allDesirable || i % 2 == 0));
        }
        return out;
    }

    public static TrainingConfig.Builder dpo() {
        return TrainingConfig.builder().lossType(LossType.SIGMOID).learningRate(1e-2).beta(0.5).seed(7);
    }
}
