package dev.tralign.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tralign.trainer.model.SplitMix64;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class TokenSamplerTest {

    private static final float[] LOGITS = {0f, 2f, 1f, -1f};

    private static double[] frequencies(SamplingConfig cfg, int draws) {
        SplitMix64 random = new SplitMix64(5);
        double[] counts = new double[LOGITS.length];
        for (int i = 0; i < draws; i++) {
            counts[TokenSampler.choose(LOGITS, 0, LOGITS.length, cfg, random)]++;
        }
        for (int i = 0; i < counts.length; i++) {
            counts[i] /= draws;
        }
        return counts;
    }

    @Test
    void greedyTakesTheArgmax() {
        float[] twoRows = {9f, 9f, 9f, 9f, 0f, 2f, 1f, -1f};
        assertThat(TokenSampler.choose(twoRows, 4, 4, SamplingConfig.greedy(1, -1), new SplitMix64(1))).isEqualTo(1);
    }

    @Test
    void temperatureOneFollowsTheSoftmax() {
        double z = Math.exp(0) + Math.exp(2) + Math.exp(1) + Math.exp(-1);
        double[] f = frequencies(SamplingConfig.unbiased(1, -1), 40_000);
        assertThat(f[1]).isCloseTo(Math.exp(2) / z, Offset.offset(0.01));
        assertThat(f[3]).isCloseTo(Math.exp(-1) / z, Offset.offset(0.01));
    }

    @Test
    void topKAndTopPCutTheTail() {
        double[] topK = frequencies(new SamplingConfig(1.0, 2, 1.0, 1, -1), 10_000);
        assertThat(topK[0]).isZero();
        assertThat(topK[3]).isZero();
        assertThat(topK[1]).isCloseTo(Math.exp(2) / (Math.exp(2) + Math.exp(1)), Offset.offset(0.02));
        // p(token 1) ~ 0.61 < 0.7, so the nucleus is {1, 2}.
        double[] topP = frequencies(new SamplingConfig(1.0, 0, 0.7, 1, -1), 10_000);
        assertThat(topP[0] + topP[3]).isZero();
        assertThat(topP[2]).isPositive();
    }
}
