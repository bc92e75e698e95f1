package dev.tralign.bench.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tralign.trainer.model.hf.Architecture;
import dev.tralign.trainer.model.hf.DecoderSpec;
import org.junit.jupiter.api.Test;

/** The bench's Hugging Face models have the peer's shapes ({@code torch_dpo_step.py --arch llama}). */
class HfBenchModelTest {

    @Test
    void llamaAtShapeMHasTheParameterCountThePeerPrints() {
        // torch_dpo_step.py --arch llama --vocab 512 --embed 256 --layers 4 --heads 8 --kv-heads 2 --seq 128 printed
        // "params": 3033344 (torch 1.13, 2026-12-07).
        DecoderSpec spec = HfBenchModel.spec(Architecture.LLAMA, 512, 256, 4, 8, 2, 0, 128, null);
        assertEquals(688, spec.intermediate());
        assertEquals(3_033_344L, HfBenchModel.parameterCount(spec));
        assertEquals(3_033_344L, HfBenchModel.peerLlamaParameterCount(512, 256, 4, 8, 2, 688));
    }

    @Test
    void llamaMatchesThePeersFormulaAcrossShapes() {
        int[][] shapes = {{64, 128, 2, 4, 4, 0}, {512, 512, 6, 8, 2, 0}, {1000, 384, 3, 12, 3, 1000},
            {32000, 768, 2, 12, 4, 2048}};
        for (int[] s : shapes) {
            DecoderSpec spec = HfBenchModel.spec(Architecture.LLAMA, s[0], s[1], s[2], s[3], s[4], s[5], 64, null);
            assertEquals(HfBenchModel.peerLlamaParameterCount(s[0], s[1], s[2], s[3], s[4], spec.intermediate()),
                    HfBenchModel.parameterCount(spec), () -> java.util.Arrays.toString(s));
            assertFalse(spec.tiedHead());
            assertEquals(1e4, spec.rope().theta());
            assertEquals(1e-6, spec.normEps());
            assertEquals(s[1] / s[3], spec.rotaryDims()); // rotary over the whole head, as the peer
        }
    }

    @Test
    void peerMlpWidthIsCeilingOfEightThirdsRoundedUpToSixteen() {
        // Python: -(-8 * E // 3 // 16) * 16
        for (int e = 1; e <= 2048; e++) {
            int python = -Math.floorDiv(Math.floorDiv(-8 * e, 3), 16) * 16;
            assertEquals(python, HfBenchModel.peerIntermediate(e), "embed " + e);
        }
        // where HfInit's own default (multiple of 8) differs, the bench takes the peer's
        // (HfInit's own default would be 104 here)
        assertEquals(112, HfBenchModel.spec(Architecture.LLAMA, 64, 38, 1, 1, 0, 0, 16, null).intermediate());
    }

    @Test
    void gpt2IsTiedUnlessToldAndGpt2SmallHas124MParameters() {
        DecoderSpec small = HfBenchModel.spec(Architecture.GPT2, 50257, 768, 12, 12, 0, 0, 1024, null);
        assertTrue(small.tiedHead());
        assertNull(small.rope());
        assertEquals(124_439_808L, HfBenchModel.parameterCount(small)); // transformers' GPT2LMHeadModel("gpt2")
        assertFalse(HfBenchModel.spec(Architecture.GPT2, 64, 32, 1, 2, 0, 0, 16, false).tiedHead());
    }
}
