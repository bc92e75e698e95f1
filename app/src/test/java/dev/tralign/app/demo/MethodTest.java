package dev.tralign.app.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tralign.trainer.config.LossType;
import org.junit.jupiter.api.Test;

class MethodTest {

    @Test
    void classicMethodsDoNotMoveTheReference() {
        Method dpo = Method.parse("dpo", 8, 64);
        assertThat(dpo.lossType()).isEqualTo(LossType.SIGMOID);
        assertThat(dpo.trustRegion()).isFalse();
    }

    @Test
    void softAndHardVariantsTakeThePapersAlphasAndTheGivenTaus() {
        Method soft = Method.parse("TR-IPO-soft", 8, 64);
        assertThat(soft.lossType()).isEqualTo(LossType.IPO);
        assertThat(soft.trustRegion()).isTrue();
        assertThat(soft.alpha()).isEqualTo(0.6);
        assertThat(soft.tau()).isEqualTo(8);
        Method hard = Method.parse("tr-kto-hard", 8, 64);
        assertThat(hard.alpha()).isEqualTo(1.0);
        assertThat(hard.tau()).isEqualTo(64);
        assertThat(hard.unpaired()).isTrue();
    }

    @Test
    void aTrustRegionMethodMustSayHowTheReferenceMoves() {
        assertThatThrownBy(() -> Method.parse("tr-dpo", 8, 64)).hasMessageContaining("-soft or -hard");
    }

    @Test
    void aSweepNamesItsOwnAlphaAndTau() {
        Method soft = Method.parse("tr-dpo-soft@0.3/4", 8, 64);
        assertThat(soft.alpha()).isEqualTo(0.3);
        assertThat(soft.tau()).isEqualTo(4);
        assertThat(soft.name()).isEqualTo("tr-dpo-soft@0.3/4");
        Method hard = Method.parse("tr-dpo-hard/256", 8, 64);
        assertThat(hard.alpha()).isEqualTo(1.0);
        assertThat(hard.tau()).isEqualTo(256);
    }

    @Test
    void sweepValuesMustBeNumbersAndOnlyForTrustRegionMethods() {
        assertThatThrownBy(() -> Method.parse("tr-dpo-soft@x", 8, 64)).hasMessageContaining("alpha 'x'");
        assertThatThrownBy(() -> Method.parse("dpo/4", 8, 64)).hasMessageContaining("only trust-region");
    }
}
