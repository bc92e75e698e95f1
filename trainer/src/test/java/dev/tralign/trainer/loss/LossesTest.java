package dev.tralign.trainer.loss;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Each loss on hand-built log-probs against numbers computed by hand from its formula. */
class LossesTest {

    private static final Offset<Double> CLOSE = Offset.offset(1e-5);
    private NDManager manager;

    @BeforeEach
    void setUp() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void tearDown() {
        manager.close();
    }

    /** Two pairs: h = [(-1)-(-2)] - [(-3)-(-2.5)] = 1.5 and h = [(-4)-(-4)] - [(-1)-(-1)] = 0. */
    private PairLogProbs twoPairs() {
        return new PairLogProbs(arr(-1, -4), arr(-3, -1), arr(-2, -4), arr(-2.5, -1), arr(2, 4), arr(3, 1));
    }

    private NDArray arr(double... v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return manager.create(f);
    }

    private static double at(NDArray a, int i) {
        return a.toFloatArray()[i];
    }

    private static double softplus(double x) {
        return Math.log1p(Math.exp(x));
    }

    private static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    @Test
    void sigmoidIsSoftplusOfMinusBetaH() {
        LossOutput out = new SigmoidLoss(0.1).compute(twoPairs());
        assertThat(at(out.losses(), 0)).isCloseTo(softplus(-0.15), CLOSE);
        assertThat(at(out.losses(), 1)).isCloseTo(Math.log(2), CLOSE);
        assertThat(at(out.chosenRewards(), 0)).isCloseTo(0.1, CLOSE);
        assertThat(at(out.rejectedRewards(), 0)).isCloseTo(-0.05, CLOSE);
    }

    @Test
    void sigmoidStaysFiniteForTinyAndHugeBeta() {
        LossOutput huge = new SigmoidLoss(1e4).compute(twoPairs());
        assertThat(at(huge.losses(), 0)).isCloseTo(0.0, CLOSE);
        PairLogProbs reversed = new PairLogProbs(arr(-3), arr(-1), arr(-2.5), arr(-2), arr(1), arr(1));
        // h = -1.5; softplus(1.5e4) = 1.5e4 exactly in the linear regime, no overflow.
        assertThat(at(new SigmoidLoss(1e4).compute(reversed).losses(), 0)).isCloseTo(1.5e4, Offset.offset(1.0));
        assertThat(at(new SigmoidLoss(1e-6).compute(twoPairs()).losses(), 0)).isCloseTo(Math.log(2), CLOSE);
    }

    @Test
    void identicalChosenAndRejectedGiveLn2() {
        PairLogProbs same = new PairLogProbs(arr(-2), arr(-2), arr(-3), arr(-3), arr(2), arr(2));
        assertThat(at(new SigmoidLoss(0.5).compute(same).losses(), 0)).isCloseTo(Math.log(2), CLOSE);
        assertThat(at(new HingeLoss(0.5).compute(same).losses(), 0)).isCloseTo(1.0, CLOSE);
    }

    @Test
    void labelSmoothingMixesBothDirections() {
        LossOutput out = new LabelSmoothingLoss(0.1, 0.2).compute(twoPairs());
        assertThat(at(out.losses(), 0)).isCloseTo(0.8 * softplus(-0.15) + 0.2 * softplus(0.15), CLOSE);
        assertThatThrownBy(() -> new LabelSmoothingLoss(0.1, 0.6)).hasMessageContaining("labelSmoothing");
    }

    @Test
    void ipoUsesPerTokenLogRatiosByDefault() {
        // Pair 0: chosen ratio 1/2 per token, rejected ratio -0.5/3 per token, h' = 0.5 + 1/6.
        LossOutput normalised = new LegacyIpoLoss(0.5, true).compute(twoPairs());
        double h = 0.5 + 1.0 / 6;
        assertThat(at(normalised.losses(), 0)).isCloseTo(Math.pow(h - 1.0, 2), CLOSE);
        assertThat(at(normalised.chosenRewards(), 0)).isCloseTo(0.25, CLOSE);
        LossOutput summed = new LegacyIpoLoss(0.5, false).compute(twoPairs());
        assertThat(at(summed.losses(), 0)).isCloseTo(Math.pow(1.5 - 1.0, 2), CLOSE);
        assertThat(at(summed.losses(), 1)).isCloseTo(1.0, CLOSE);
    }

    @Test
    void hingeIsReluOfOneMinusBetaH() {
        LossOutput out = new HingeLoss(2.0).compute(twoPairs());
        assertThat(at(out.losses(), 0)).isCloseTo(0.0, CLOSE);
        assertThat(at(new HingeLoss(0.5).compute(twoPairs()).losses(), 0)).isCloseTo(0.25, CLOSE);
    }

    @Test
    void ktoPairUsesTheOtherHalfsBatchKl() {
        // chosen ratios (1, 0): KL_w = 0.5; rejected ratios (-0.5, 0): KL_l = max(0, -0.25) = 0.
        LossOutput out = new KtoPairLoss(1.0).compute(twoPairs());
        double pair0 = 0.5 * ((1 - sigmoid(1.0 - 0)) + (1 - sigmoid(0.5 + 0.5)));
        double pair1 = 0.5 * ((1 - sigmoid(0.0)) + (1 - sigmoid(0.5 - 0)));
        assertThat(at(out.losses(), 0)).isCloseTo(pair0, CLOSE);
        assertThat(at(out.losses(), 1)).isCloseTo(pair1, CLOSE);
    }

    @Test
    void ktoWeighsDesirableAndUndesirableAgainstTheClampedMismatchedKl() {
        // r = (1, -2, 0.5); mismatched ratios (0.3, 0.1, 0.2): z = 0.2.
        FeedbackLogProbs in = new FeedbackLogProbs(arr(-1, -4, -2), arr(-2, -2, -2.5), arr(-3, -3, -3),
                arr(-3.3, -3.1, -3.2), arr(1, 0, 1));
        KtoOutput out = new KtoLoss(0.5, 2.0, 3.0).compute(in);
        assertThat(out.kl().getFloat()).isCloseTo(0.2f, org.assertj.core.data.Offset.offset(1e-6f));
        assertThat(at(out.losses(), 0)).isCloseTo(2.0 * (1 - sigmoid(0.5 * (1 - 0.2))), CLOSE);
        assertThat(at(out.losses(), 1)).isCloseTo(3.0 * (1 - sigmoid(0.5 * (0.2 + 2))), CLOSE);
        assertThat(at(out.losses(), 2)).isCloseTo(2.0 * (1 - sigmoid(0.5 * (0.5 - 0.2))), CLOSE);
        assertThat(at(out.rewards(), 1)).isCloseTo(-1.0, CLOSE);
    }

    @Test
    void ktoClampsANegativeKlAtZeroAndHandlesAnAllDesirableBatch() {
        FeedbackLogProbs in = new FeedbackLogProbs(arr(-1, -1), arr(-1.5, -0.5), arr(-5, -5), arr(-4, -4),
                arr(1, 1));
        KtoOutput out = new KtoLoss(1.0, 1.0, 1.0).compute(in);
        assertThat(out.kl().getFloat()).isZero();
        assertThat(at(out.losses(), 0)).isCloseTo(1 - sigmoid(0.5), CLOSE);
        assertThat(at(out.losses(), 1)).isCloseTo(1 - sigmoid(-0.5), CLOSE);
    }

    @Test
    void apoZeroUnpairedRaisesDesirableAndLowersUndesirableWithoutAReferencePoint() {
        // r = (1, -2, 0.5); TRL KTOTrainer: desirable 1 - sigmoid(beta r), undesirable sigmoid(beta r), kl = 0.
        FeedbackLogProbs in = new FeedbackLogProbs(arr(-1, -4, -2), arr(-2, -2, -2.5), null, null, arr(1, 0, 1));
        KtoOutput out = new KtoLoss(0.5, 2.0, 3.0, true).compute(in);
        assertThat(out.kl().getFloat()).isZero();
        assertThat(at(out.losses(), 0)).isCloseTo(2.0 * (1 - sigmoid(0.5)), CLOSE);
        assertThat(at(out.losses(), 1)).isCloseTo(3.0 * sigmoid(-1.0), CLOSE);
        assertThat(at(out.losses(), 2)).isCloseTo(2.0 * (1 - sigmoid(0.25)), CLOSE);
        assertThat(new KtoLoss(0.5, 1, 1, true).needsMismatched()).isFalse();
    }

    @Test
    void sftIsTheTokenMeanNegativeLogLikelihood() {
        assertThat((double) new SftLoss().compute(arr(-2, -4), 3).getFloat()).isCloseTo(2.0, CLOSE);
    }
}
