package dev.tralign.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
}
