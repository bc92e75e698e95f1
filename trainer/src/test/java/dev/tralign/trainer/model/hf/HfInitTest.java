package dev.tralign.trainer.model.hf;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import dev.tralign.trainer.model.ParameterSet;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A fresh model of every architecture written as a folder reads back as the same spec, weights and scores. */
class HfInitTest {

    @TempDir
    Path tmp;

    @ParameterizedTest
    @EnumSource(Architecture.class)
    void aFreshModelFolderLoadsBackIdentically(Architecture arch) {
        HfInit.Shape shape = new HfInit.Shape(97, 48, 2, 4, 2, 0, 32, arch == Architecture.GPT2);
        DecoderSpec spec = HfInit.spec(arch, shape);
        Path folder = tmp.resolve(arch.modelType());
        long[] ids = {3, 14, 15, 92, 65, 35};
        try (ParameterSet params = HfInit.parameters(spec, 7, Device.cpu());
                HfDecoder model = new HfDecoder(spec, spec.maxPositions(), Device.cpu())) {
            HfModelFolder.write(folder, arch, spec, params, new HfModelFolder.GenerationIds(1, List.of(2), null));
            HfScoring.Scores before = HfScoring.score(model, params, ids, 2);
            try (HfModelFolder.Loaded loaded = HfModelFolder.load(folder, 0, Device.cpu())) {
                assertThat(loaded.info().spec()).isEqualTo(spec);
                assertThat(loaded.parameters().sha256()).isEqualTo(params.sha256());
                assertThat(loaded.info().ids().eos()).containsExactly(2);
                HfScoring.Scores after = HfScoring.score(loaded.model(), loaded.parameters(), ids, 2);
                assertThat(after.tokenLogProbs()).containsExactly(before.tokenLogProbs());
                assertThat(after.lastLogits()).containsExactly(before.lastLogits());
                // A fresh model is near uniform: every next-token log-prob is close to -ln(97).
                for (double lp : after.tokenLogProbs()) {
                    assertThat(lp).isBetween(-Math.log(97) - 1, -Math.log(97) + 1);
                }
            }
        }
        try (ParameterSet a = HfInit.parameters(spec, 7, Device.cpu());
                ParameterSet b = HfInit.parameters(spec, 8, Device.cpu())) {
            assertThat(a.sha256()).isNotEqualTo(b.sha256());
        }
    }
}
