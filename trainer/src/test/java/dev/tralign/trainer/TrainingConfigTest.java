package dev.tralign.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tralign.trainer.config.FDivergenceType;
import dev.tralign.trainer.config.LossSemantics;
import dev.tralign.trainer.config.LossType;
import dev.tralign.trainer.config.TrainingConfig;
import org.junit.jupiter.api.Test;

class TrainingConfigTest {

    @Test
    void defaultsFollowTrl() {
        TrainingConfig c = TrainingConfig.builder().build();
        assertThat(c.lossType()).isEqualTo(LossType.SIGMOID);
        assertThat(c.beta()).isEqualTo(0.1);
        assertThat(c.labelSmoothing()).isZero();
        assertThat(c.ipoNormalizeLength()).isTrue();
        assertThat(c.syncRefModel()).isFalse();
        assertThat(c.refModelMixupAlpha()).isEqualTo(0.6);
        assertThat(c.refModelSyncSteps()).isEqualTo(512);
        assertThat(c.desirableWeight()).isEqualTo(1.0);
        assertThat(c.intraOpThreads()).isEqualTo(1);
        assertThat(c.backwardThreads()).isEqualTo(1);
        assertThat(c.device()).isEqualTo("cpu");
    }

    @Test
    void checkpointsWrittenBeforeBackwardThreadsExistedReadAsOneThread() throws Exception {
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        String now = json.writeValueAsString(TrainingConfig.builder().backwardThreads(2).build());
        assertThat(now).contains(",\"backwardThreads\":2");
        String before = now.replace(",\"backwardThreads\":2", "");
        assertThat(json.readValue(before, TrainingConfig.class).backwardThreads()).isEqualTo(1);
    }

    @Test
    void lossTypesParseTheirTrlSpelling() {
        assertThat(LossType.parse("kto_pair")).isEqualTo(LossType.KTO_PAIR);
        assertThat(TrainingConfig.builder().lossType("ipo").build().lossType()).isEqualTo(LossType.IPO);
        assertThatThrownBy(() -> LossType.parse("dpo")).hasMessageContaining("sigmoid|ipo|hinge|kto|kto_pair|sft");
        assertThatThrownBy(() -> TrainingConfig.builder().lrScheduler("step").build())
                .hasMessageContaining("constant|linear|cosine");
    }

    @Test
    void invalidValuesNameTheOption() {
        assertThatThrownBy(() -> TrainingConfig.builder().beta(0).build()).hasMessageContaining("beta");
        assertThatThrownBy(() -> TrainingConfig.builder().beta(Double.NaN).build()).hasMessageContaining("beta");
        assertThatThrownBy(() -> TrainingConfig.builder().labelSmoothing(0.7).build())
                .hasMessageContaining("labelSmoothing");
        assertThatThrownBy(() -> TrainingConfig.builder().gradientAccumulationSteps(0).build())
                .hasMessageContaining("gradientAccumulationSteps");
        assertThatThrownBy(() -> TrainingConfig.builder().maxGradNorm(-1).build()).hasMessageContaining("maxGradNorm");
        assertThatThrownBy(() -> TrainingConfig.builder().device("tpu").build()).hasMessageContaining("device");
        assertThatThrownBy(() -> TrainingConfig.builder().intraOpThreads(0).build())
                .hasMessageContaining("intraOpThreads");
        assertThatThrownBy(() -> TrainingConfig.builder().backwardThreads(0).build())
                .hasMessageContaining("backwardThreads");
        assertThatThrownBy(() -> TrainingConfig.builder().backwardThreads(-2).build())
                .hasMessageContaining("backwardThreads");
        assertThatThrownBy(() -> TrainingConfig.builder().desirableWeight(0).build())
                .hasMessageContaining("desirableWeight");
    }

    @Test
    void incompatibleCombinationsSayWhatToChange() {
        assertThatThrownBy(() -> TrainingConfig.builder().lossType(LossType.IPO).labelSmoothing(0.1).build())
                .hasMessageContaining("labelSmoothing").hasMessageContaining("lossType=ipo");
        assertThatThrownBy(() -> TrainingConfig.builder().lrScheduler("cosine").build())
                .hasMessageContaining("maxSteps");
        assertThatThrownBy(() -> TrainingConfig.builder().warmupSteps(20).maxSteps(10).build())
                .hasMessageContaining("warmupSteps");
        assertThatThrownBy(() -> TrainingConfig.builder().lossType(LossType.SFT).syncRefModel(true).build())
                .hasMessageContaining("syncRefModel");
    }

    @Test
    void toBuilderRoundTrips() {
        TrainingConfig c = TrainingConfig.builder().lossType("hinge").beta(0.3).seed(9).maxSteps(10)
                .lrScheduler("linear").build();
        assertThat(c.toBuilder().build()).isEqualTo(c);
    }

    // Headers written by the build before issue #17 (captured from it): new options are left out at the values that
    // mean what those runs did, so resumes and replays of them write the same bytes.
    private static final String OLD_DEFAULT = "{\"lossType\":\"SIGMOID\",\"beta\":0.1,\"labelSmoothing\":0.0,"
            + "\"ipoNormalizeLength\":true,\"desirableWeight\":1.0,\"undesirableWeight\":1.0,\"syncRefModel\":false,"
            + "\"refModelMixupAlpha\":0.6,\"refModelSyncSteps\":512,\"learningRate\":1.0E-6,\"weightDecay\":0.0,"
            + "\"adamBeta1\":0.9,\"adamBeta2\":0.999,\"adamEpsilon\":1.0E-8,\"warmupSteps\":0,"
            + "\"lrScheduler\":\"CONSTANT\",\"maxGradNorm\":1.0,\"gradientAccumulationSteps\":1,\"maxSteps\":0,"
            + "\"seed\":42,\"intraOpThreads\":1,\"parallelReference\":true,\"backwardThreads\":1,"
            + "\"microBatchShards\":2,\"device\":\"cpu\"}";

    @Test
    void headersOfRunsWrittenBeforeLossListsReadAndWriteTheSameBytes() throws Exception {
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        assertThat(json.writeValueAsString(TrainingConfig.builder().build())).isEqualTo(OLD_DEFAULT);
        String cdpo = OLD_DEFAULT.replace("\"labelSmoothing\":0.0", "\"labelSmoothing\":0.2");
        TrainingConfig old = json.readValue(cdpo, TrainingConfig.class);
        assertThat(old.semantics()).isEqualTo(LossSemantics.LEGACY);
        assertThat(json.writeValueAsString(old)).isEqualTo(cdpo);
        String summedIpo = OLD_DEFAULT.replace("\"SIGMOID\"", "\"IPO\"").replace("\"ipoNormalizeLength\":true",
                "\"ipoNormalizeLength\":false");
        TrainingConfig ipo = json.readValue(summedIpo, TrainingConfig.class);
        assertThat(ipo.semantics()).isEqualTo(LossSemantics.LEGACY);
        assertThat(json.writeValueAsString(ipo)).isEqualTo(summedIpo);
        String normalisedIpo = OLD_DEFAULT.replace("\"SIGMOID\"", "\"IPO\"");
        assertThat(json.writeValueAsString(json.readValue(normalisedIpo, TrainingConfig.class)))
                .isEqualTo(normalisedIpo);
        assertThat(json.readValue(OLD_DEFAULT, TrainingConfig.class)).isEqualTo(TrainingConfig.builder().build());
    }

    @Test
    void newOptionsAreWrittenOnlyWhenTheyMatterAndReadBack() throws Exception {
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        TrainingConfig mpo = TrainingConfig.builder().lossType("sigmoid, bco_pair,sft").lossWeights(0.8, 0.2, 1.0)
                .fDivergenceType("alpha_divergence").fAlphaDivergenceCoef(0.3).build();
        String text = json.writeValueAsString(mpo);
        assertThat(text).endsWith(",\"device\":\"cpu\",\"lossTypes\":[\"SIGMOID\",\"BCO_PAIR\",\"SFT\"],"
                + "\"lossWeights\":[0.8,0.2,1.0],\"fDivergenceType\":\"ALPHA_DIVERGENCE\",\"fAlphaDivergenceCoef\":0.3}");
        assertThat(json.readValue(text, TrainingConfig.class)).isEqualTo(mpo);
        TrainingConfig legacyIpo = TrainingConfig.builder().lossType("ipo").lossSemantics(LossSemantics.LEGACY).build();
        assertThat(json.writeValueAsString(legacyIpo)).endsWith(",\"lossSemantics\":\"LEGACY\"}");
        assertThat(json.readValue(json.writeValueAsString(legacyIpo), TrainingConfig.class).semantics())
                .isEqualTo(LossSemantics.LEGACY);
        TrainingConfig disco = TrainingConfig.builder().lossType("discopop").discopopTau(0.1).build();
        assertThat(json.readValue(json.writeValueAsString(disco), TrainingConfig.class)).isEqualTo(disco);
    }

    @Test
    void aLossListHasItsFirstPreferenceLossAsObjectiveAndOneWeightPerLoss() {
        TrainingConfig rpo = TrainingConfig.builder().lossType("sft,sigmoid").build();
        assertThat(rpo.lossType()).isEqualTo(LossType.SIGMOID);
        assertThat(rpo.lossTypes()).containsExactly(LossType.SFT, LossType.SIGMOID);
        assertThat(rpo.weights()).containsExactly(1.0, 1.0);
        assertThat(TrainingConfig.builder().lossType("sigmoid,sft").lossWeights(1, 1).build().lossWeights()).isEmpty();
        assertThat(TrainingConfig.builder().lossType("sft").build().lossType()).isEqualTo(LossType.SFT);
        assertThatThrownBy(() -> TrainingConfig.builder().lossType("sigmoid,sft").lossWeights(0.8).build())
                .hasMessageContaining("lossWeights has 1 weights but lossType sigmoid,sft has 2 losses");
        assertThatThrownBy(() -> TrainingConfig.builder().lossType("sigmoid,sft").lossWeights(-1, 1).build())
                .hasMessageContaining("lossWeights must be finite and >= 0");
        assertThatThrownBy(() -> TrainingConfig.builder().lossType("sigmoid,kto").build())
                .hasMessageContaining("kto").hasMessageContaining("unpaired feedback");
        assertThatThrownBy(() -> TrainingConfig.builder().lossType("sigmoid,sigmoid").build())
                .hasMessageContaining("names a loss twice");
        assertThatThrownBy(() -> TrainingConfig.builder().lossType("dpo").build())
                .hasMessageContaining("lossType 'dpo' is not one of sigmoid|ipo|hinge");
        assertThatThrownBy(() -> TrainingConfig.builder().lossType("kto").lossWeights(2).build())
                .hasMessageContaining("lossWeights apply to preference losses");
    }

    @Test
    void labelSmoothingGoesWhereTrlUsesItAndOldMeaningsKeepTheirNames() {
        assertThatThrownBy(() -> TrainingConfig.builder().labelSmoothing(0.1).build())
                .hasMessageContaining("labelSmoothing only applies to lossType cdpo, robust, exo_pair, aot")
                .hasMessageContaining("conservative DPO is lossType=cdpo");
        assertThatThrownBy(() -> TrainingConfig.builder().lossType("exo_pair").build())
                .hasMessageContaining("labelSmoothing must be > 0 with lossType=exo_pair");
        assertThatThrownBy(() -> TrainingConfig.builder().lossType("robust").labelSmoothing(0.5).build())
                .hasMessageContaining("[0, 0.5) with lossType=robust");
        assertThatThrownBy(() -> TrainingConfig.builder().lossType("cdpo").build())
                .hasMessageContaining("lossType=cdpo");
        assertThatThrownBy(() -> TrainingConfig.builder().lossType("ipo").ipoNormalizeLength(false).build())
                .hasMessageContaining("ipo_summed");
        assertThat(TrainingConfig.builder().lossType("sigmoid,robust").labelSmoothing(0.1).build().semantics())
                .isEqualTo(LossSemantics.TRL);
        // Left to imply its meaning (as every config written before the option), sigmoid with smoothing is cDPO.
        TrainingConfig old = TrainingConfig.builder().labelSmoothing(0.2).lossSemantics(null).build();
        assertThat(old.semantics()).isEqualTo(LossSemantics.LEGACY);
        assertThat(old.lossSemantics()).isNull();
        assertThat(TrainingConfig.builder().lossSemantics(null).build().semantics()).isEqualTo(LossSemantics.TRL);
    }

    @Test
    void divergenceAndTauOptionsApplyOnlyWhereTheyMeanSomething() {
        assertThatThrownBy(() -> TrainingConfig.builder().discopopTau(0.1).build())
                .hasMessageContaining("discopopTau only applies to lossType=discopop");
        assertThatThrownBy(() -> TrainingConfig.builder().lossType("discopop").discopopTau(-1).build())
                .hasMessageContaining("discopopTau must be finite and > 0");
        assertThatThrownBy(() -> TrainingConfig.builder().fAlphaDivergenceCoef(0.3).build())
                .hasMessageContaining("fAlphaDivergenceCoef only applies to fDivergenceType=alpha_divergence");
        assertThatThrownBy(() -> TrainingConfig.builder().fDivergenceType("kl").build())
                .hasMessageContaining("reverse_kl|forward_kl|js_divergence|alpha_divergence");
        assertThatThrownBy(() -> TrainingConfig.builder().lossType("kto_pair").fDivergenceType("forward_kl").build())
                .hasMessageContaining("does not apply to lossType=kto_pair");
        assertThatThrownBy(() -> TrainingConfig.builder().lossType("kto").fDivergenceType("forward_kl").build())
                .hasMessageContaining("does not apply to lossType=kto");
        assertThatThrownBy(() -> TrainingConfig.builder().lossType("aot,apo_zero").fDivergenceType("forward_kl")
                .build()).hasMessageContaining("has no effect on lossType=aot,apo_zero");
        assertThat(TrainingConfig.builder().lossType("aot,sigmoid").fDivergenceType("js_divergence").build()
                .fDivergenceType()).isEqualTo(FDivergenceType.JS_DIVERGENCE);
    }

    @Test
    void ldDpoAndWpoAreValidatedAndLeftOutOfHeadersWhenOff() throws Exception {
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        TrainingConfig on = TrainingConfig.builder().ldAlpha(0.5).useWeighting(true).build();
        String text = json.writeValueAsString(on);
        assertThat(text).endsWith(",\"ldAlpha\":0.5,\"useWeighting\":true}");
        assertThat(json.readValue(text, TrainingConfig.class)).isEqualTo(on);
        assertThat(on.tokenLevelPairs()).isTrue();
        assertThat(TrainingConfig.builder().build().tokenLevelPairs()).isFalse();
        assertThatThrownBy(() -> TrainingConfig.builder().ldAlpha(1.5).build())
                .hasMessageContaining("ldAlpha must be in [0, 1]");
        assertThatThrownBy(() -> TrainingConfig.builder().lossType("aot").useWeighting(true).build())
                .hasMessageContaining("misalign the per-pair weights");
        assertThatThrownBy(() -> TrainingConfig.builder().lossType("sigmoid,sft").ldAlpha(0.5).build())
                .hasMessageContaining("not supported yet");
        assertThatThrownBy(() -> TrainingConfig.builder().lossType("kto").useWeighting(true).build())
                .hasMessageContaining("useWeighting applies to preference losses");
    }
}
