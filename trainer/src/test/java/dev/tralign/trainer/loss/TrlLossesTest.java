package dev.tralign.trainer.loss;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * TRL main's (f2cd577) DPO loss types on float64 log-probs, against numbers computed here in plain double arithmetic
 * from the formulas of DPOTrainer._compute_loss, written the way TRL writes them (log of sigmoid, not softplus), so
 * the stable forms in the classes are checked against the textbook ones. beta = 0.5 and eps = 0.25 are exact in
 * float32, so the only error is float64 rounding.
 */
class TrlLossesTest {

    private static final Offset<Double> EXACT = Offset.offset(1e-12);
    /**
     * exo_pair's log(1 - eps) and log(eps) are float32 values, as TRL takes them of float32 tensors; against the
     * float64 formula that costs up to ~1e-8. (Other constants reach libtorch exactly in float64: model.Scalars.)
     */
    private static final Offset<Double> F32_CONSTANT = Offset.offset(3e-8);
    private static final double BETA = 0.5;
    private static final FDivergence RKL = FDivergence.reverseKl();
    private NDManager manager;

    // Three pairs. Chosen log-ratios r_w = (1, 0, -0.25), rejected r_l = (-0.5, 0, 0.75): h = (1.5, 0, -1).
    private static final double[] PC = {-1, -4, -2.5};
    private static final double[] PR = {-3, -1, -2};
    private static final double[] RC = {-2, -4, -2.25};
    private static final double[] RR = {-2.5, -1, -2.75};
    private static final double[] LC = {2, 4, 5};
    private static final double[] LR = {3, 1, 2};

    @BeforeEach
    void setUp() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void tearDown() {
        manager.close();
    }

    private PairLogProbs batch() {
        return new PairLogProbs(arr(PC), arr(PR), arr(RC), arr(RR), arr(LC), arr(LR));
    }

    private NDArray arr(double... v) {
        return manager.create(v);
    }

    private static double[] values(NDArray a) {
        return a.toDoubleArray();
    }

    private static double rw(int i) {
        return PC[i] - RC[i];
    }

    private static double rl(int i) {
        return PR[i] - RR[i];
    }

    private static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    private static double logSigmoid(double x) {
        return Math.log(sigmoid(x));
    }

    private void assertLosses(PairLoss loss, java.util.function.IntToDoubleFunction expected) {
        assertLosses(loss, expected, EXACT);
    }

    private void assertLosses(PairLoss loss, java.util.function.IntToDoubleFunction expected,
            Offset<Double> tolerance) {
        LossOutput out = loss.compute(batch());
        double[] got = values(out.losses());
        assertThat(got).hasSize(3);
        for (int i = 0; i < 3; i++) {
            assertThat(got[i]).as("pair %d", i).isCloseTo(expected.applyAsDouble(i), tolerance);
        }
        // Every TRL loss reports beta * summed log-ratios.
        for (int i = 0; i < 3; i++) {
            assertThat(values(out.chosenRewards())[i]).isCloseTo(BETA * rw(i), EXACT);
            assertThat(values(out.rejectedRewards())[i]).isCloseTo(BETA * rl(i), EXACT);
        }
    }

    @Test
    void sigmoid() {
        assertLosses(new SigmoidLoss(BETA), i -> -logSigmoid(BETA * (rw(i) - rl(i))));
        assertThat(new SigmoidLoss(BETA).perPair()).isTrue();
    }

    @Test
    void hinge() {
        assertLosses(new HingeLoss(BETA), i -> Math.max(0, 1 - BETA * (rw(i) - rl(i))));
    }

    @Test
    void ipoDividesTheLogRatiosByTheLengthsButReportsSummedRewards() {
        assertLosses(new IpoLoss(BETA, RKL), i -> Math.pow(rw(i) / LC[i] - rl(i) / LR[i] - 1 / (2 * BETA), 2));
    }

    @Test
    void ipoClampsAnEmptyCompletionToOneToken() {
        PairLogProbs empty = new PairLogProbs(arr(0), arr(-3), arr(0), arr(-2), arr(0), arr(2));
        assertThat(values(new IpoLoss(BETA, RKL).compute(empty).losses())[0])
                .isCloseTo(Math.pow(0 - (-1.0 / 2) - 1, 2), EXACT);
    }

    @Test
    void legacyIpoReportsPerTokenRewardsAndEqualsIpoBitForBit() {
        LossOutput legacy = new LegacyIpoLoss(BETA, true).compute(batch());
        LossOutput trl = new IpoLoss(BETA, RKL).compute(batch());
        assertThat(values(legacy.losses())).containsExactly(values(trl.losses()));
        assertThat(values(legacy.chosenRewards())[0]).isCloseTo(BETA * rw(0) / LC[0], EXACT);
        assertThat(values(new LegacyIpoLoss(BETA, false).compute(batch()).losses())[0])
                .isCloseTo(Math.pow(rw(0) - rl(0) - 1, 2), EXACT);
    }

    @Test
    void exoPair() {
        double eps = 0.25;
        assertLosses(new ExoPairLoss(BETA, eps, RKL), i -> {
            double x = BETA * (rw(i) - rl(i));
            return sigmoid(x) * (logSigmoid(x) - Math.log1p(-eps)) + sigmoid(-x) * (logSigmoid(-x) - Math.log(eps));
        }, F32_CONSTANT);
        assertThatThrownBy(() -> new ExoPairLoss(BETA, 0, RKL)).hasMessageContaining("labelSmoothing")
                .hasMessageContaining("exo_pair");
    }

    @Test
    void ncaPair() {
        assertLosses(new NcaPairLoss(BETA, RKL), i -> -logSigmoid(BETA * rw(i)) - 0.5 * logSigmoid(-BETA * rw(i))
                - 0.5 * logSigmoid(-BETA * rl(i)));
    }

    @Test
    void robustSubtractsTheFlippedTerm() {
        double eps = 0.25;
        assertLosses(new RobustLoss(BETA, eps, RKL), i -> {
            double x = BETA * (rw(i) - rl(i));
            return (-(1 - eps) * logSigmoid(x) + eps * logSigmoid(-x)) / (1 - 2 * eps);
        });
        assertThatThrownBy(() -> new RobustLoss(BETA, 0.5, RKL)).hasMessageContaining("[0, 0.5)");
    }

    @Test
    void bcoPairHasNoRunningMean() {
        assertLosses(new BcoPairLoss(BETA, RKL), i -> -logSigmoid(BETA * rw(i)) - logSigmoid(-BETA * rl(i)));
        // Stateless: a second call on the same batch gives the same numbers.
        BcoPairLoss loss = new BcoPairLoss(BETA, RKL);
        double first = values(loss.compute(batch()).losses())[0];
        assertThat(values(loss.compute(batch()).losses())[0]).isEqualTo(first);
    }

    @Test
    void sppoHard() {
        assertLosses(new SppoHardLoss(BETA, RKL),
                i -> Math.pow(rw(i) - 0.5 / BETA, 2) + Math.pow(rl(i) + 0.5 / BETA, 2));
    }

    @Test
    void aotSortsPolicyAndReferenceMarginsOverTheBatch() {
        double eps = 0.25;
        // Policy margins lp(y_w) - lp(y_l): (2, -3, -0.5), sorted (-3, -0.5, 2); reference (0.5, -3, 0.5), sorted
        // (-3, 0.5, 0.5): d = (0, -1, 1.5), which is NOT the per-pair h = (1.5, 0, -1).
        double[] d = {0, -1, 1.5};
        LossOutput out = new AotLoss(BETA, eps, true).compute(batch());
        for (int i = 0; i < 3; i++) {
            double x = BETA * d[i];
            assertThat(values(out.losses())[i]).isCloseTo(-logSigmoid(x) * (1 - eps) - logSigmoid(-x) * eps, EXACT);
        }
        assertThat(new AotLoss(BETA, eps, true).perPair()).isFalse();
    }

    @Test
    void aotUnpairedSortsChosenAndRejectedLogRatiosSeparately() {
        // r_w sorted (-0.25, 0, 1), r_l sorted (-0.5, 0, 0.75): d = (0.25, 0, 0.25).
        double[] d = {0.25, 0, 0.25};
        LossOutput out = new AotLoss(BETA, 0, false).compute(batch());
        for (int i = 0; i < 3; i++) {
            assertThat(values(out.losses())[i]).isCloseTo(-logSigmoid(BETA * d[i]), EXACT);
        }
        assertThat(new AotLoss(BETA, 0, false).perPair()).isFalse();
    }

    @Test
    void apoZeroAndApoDown() {
        assertLosses(new ApoLoss(BETA, false, RKL), i -> 1 - sigmoid(BETA * rw(i)) + sigmoid(BETA * rl(i)));
        assertLosses(new ApoLoss(BETA, true, RKL), i -> sigmoid(BETA * rw(i)) + 1 - sigmoid(BETA * (rw(i) - rl(i))));
    }

    @Test
    void discopop() {
        double tau = 0.05;
        assertLosses(new DiscoPopLoss(BETA, tau, RKL), i -> {
            double x = BETA * (rw(i) - rl(i));
            double m = sigmoid(x / tau);
            return -logSigmoid(x) * (1 - m) + Math.exp(-x) * m;
        }, EXACT);
    }

    @Test
    void discopopStaysFiniteWhereTheTextbookFormGivesNaN() {
        // x = -200: exp(200) * sigmoid(-4000) is inf * 0 in float32; the loss is ~softplus(200) = 200.
        PairLogProbs wrong = new PairLogProbs(manager.create(new float[] {-400}), manager.create(new float[] {0}),
                manager.create(new float[] {0}), manager.create(new float[] {0}), manager.create(new float[] {1}),
                manager.create(new float[] {1}));
        double loss = new DiscoPopLoss(BETA, 0.05, RKL).compute(wrong).losses().toFloatArray()[0];
        assertThat(loss).isCloseTo(200.0, Offset.offset(1e-3));
    }

    @Test
    void sigmoidNorm() {
        assertLosses(new SigmoidNormLoss(BETA, RKL), i -> -logSigmoid(BETA * (rw(i) / LC[i] - rl(i) / LR[i])));
    }

    @Test
    void sftIsTheChosenTokenMeanNllOverTheBatch() {
        // TRL: cross-entropy over all chosen tokens = -(sum lp(y_w)) / (sum |y_w|) = 7.5 / 11; every pair gets
        // a value whose mean is that.
        LossOutput out = new ChosenNllLoss(BETA).compute(batch());
        double mean = java.util.Arrays.stream(values(out.losses())).average().orElseThrow();
        assertThat(mean).isCloseTo(7.5 / 11, EXACT);
        // A shard of the first pair, told the whole batch's mean length 11/3, contributes its share.
        PairLogProbs shard = new PairLogProbs(arr(-1), arr(-3), arr(-2), arr(-2.5), arr(2), arr(3), 11.0 / 3);
        assertThat(values(new ChosenNllLoss(BETA).compute(shard).losses())[0] / 3).isCloseTo(1.0 / 11,
                EXACT);
    }

    @Test
    void weightedSumIsTrlsCombination() {
        // MPO: 0.8 sigmoid + 0.2 bco_pair + 1.0 sft.
        PairLoss mpo = new WeightedSumLoss(List.of(new SigmoidLoss(BETA), new BcoPairLoss(BETA, RKL),
                new ChosenNllLoss(BETA)), new double[] {0.8, 0.2, 1.0});
        double[] got = values(mpo.compute(batch()).losses());
        double expectedMean = 0;
        for (int i = 0; i < 3; i++) {
            expectedMean += (0.8 * -logSigmoid(BETA * (rw(i) - rl(i)))
                    + 0.2 * (-logSigmoid(BETA * rw(i)) - logSigmoid(-BETA * rl(i)))) / 3;
        }
        expectedMean += 7.5 / 11;
        assertThat(java.util.Arrays.stream(got).average().orElseThrow()).isCloseTo(expectedMean, EXACT);
        assertThat(mpo.perPair()).isTrue();
        assertThat(new WeightedSumLoss(List.of(new SigmoidLoss(BETA), new AotLoss(BETA, 0, true)),
                new double[] {1, 1}).perPair()).isFalse();
    }

    @Test
    void fDivergencesTransformTheScores() {
        // forward KL: s = -exp(-r); JS: s = log sigmoid(r); alpha 0.5: s = exp(-0.5 r) / -0.5.
        assertLosses(new SigmoidLoss(BETA, FDivergence.of(FDivergence.Kind.FORWARD_KL, 0.5)),
                i -> -logSigmoid(BETA * (-Math.exp(-rw(i)) + Math.exp(-rl(i)))));
        assertLosses(new SigmoidLoss(BETA, FDivergence.of(FDivergence.Kind.JS_DIVERGENCE, 0.5)),
                i -> -logSigmoid(BETA * (logSigmoid(rw(i)) - logSigmoid(rl(i)))));
        assertLosses(new SigmoidLoss(BETA, FDivergence.of(FDivergence.Kind.ALPHA_DIVERGENCE, 0.5)),
                i -> -logSigmoid(BETA * (Math.exp(-0.5 * rw(i)) / -0.5 - Math.exp(-0.5 * rl(i)) / -0.5)));
        // alpha = 1 is reverse KL; the clamp keeps (alpha - 1) * r at 80.
        assertLosses(new HingeLoss(BETA, FDivergence.of(FDivergence.Kind.ALPHA_DIVERGENCE, 1.0)),
                i -> Math.max(0, 1 - BETA * (rw(i) - rl(i))));
        NDArray clamped = FDivergence.of(FDivergence.Kind.ALPHA_DIVERGENCE, 3.0).score(arr(100));
        assertThat(clamped.toDoubleArray()[0]).isCloseTo(Math.exp(80) / 2, Offset.offset(Math.exp(80) * 1e-12));
        // ipo divides f(r), not r, by the length.
        assertLosses(new IpoLoss(BETA, FDivergence.of(FDivergence.Kind.FORWARD_KL, 0.5)),
                i -> Math.pow(-Math.exp(-rw(i)) / LC[i] + Math.exp(-rl(i)) / LR[i] - 1, 2));
        // apo_zero ignores the divergence; apo_down applies it to its margin term only.
        assertLosses(new ApoLoss(BETA, false, FDivergence.of(FDivergence.Kind.FORWARD_KL, 0.5)),
                i -> 1 - sigmoid(BETA * rw(i)) + sigmoid(BETA * rl(i)));
        assertLosses(new ApoLoss(BETA, true, FDivergence.of(FDivergence.Kind.FORWARD_KL, 0.5)),
                i -> sigmoid(BETA * rw(i)) + 1 - sigmoid(BETA * (-Math.exp(-rw(i)) + Math.exp(-rl(i)))));
    }

    /**
     * Per-pair losses printed by running the loss section of TRL main f2cd577's DPOTrainer._compute_loss (the
     * f-divergence block and the loss_type loop, executed as is under torch 2.13 in float64, in a scratch
     * environment outside this repository) on this class's three pairs with beta 0.5, label_smoothing 0.25,
     * discopop_tau 0.05. (TRL's alpha_divergence cannot run on float64: its clamp table has no float64 entry.)
     */
    private static final List<Object[]> TRL_OUTPUTS = List.of(
            row("reverse_kl", "sigmoid", 0.3868710061149, 0.693147180559945, 0.974076984180107),
            row("reverse_kl", "hinge", 0.25, 1, 1.5),
            row("reverse_kl", "ipo", 0.111111111111111, 1, 2.030625),
            row("reverse_kl", "exo_pair", 0.0126533248503487, 0.143841045019316, 0.308676231899815),
            row("reverse_kl", "nca_pair", 1.24908518620958, 1.38629436111989, 1.52296018504567),
            row("reverse_kl", "robust", 0.0118710061149, 0.693147180559945, 1.22407698418011),
            row("reverse_kl", "bco_pair", 1.05001640405895, 1.38629436111989, 1.65572229945701),
            row("reverse_kl", "sppo_hard", 0.25, 2, 4.625),
            row("reverse_kl", "aot", 0.693147180559945, 0.849076984180107, 0.5743710061149),
            row("reverse_kl", "aot_unpaired", 0.663849035317169, 0.693147180559945, 0.663849035317169),
            row("reverse_kl", "apo_zero", 0.815364167912347, 1, 1.12387597332783),
            row("reverse_kl", "apo_down", 0.943280632026462, 1, 1.0912499578281),
            row("reverse_kl", "discopop", 0.472366526587737, 0.846573590279973, 0.974107611592847),
            row("reverse_kl", "sigmoid_norm", 0.540305574689408, 0.693147180559945, 0.805031123427794),
            row("forward_kl", "sigmoid", 0.42335121088057, 0.693147180559945, 0.916509342120713),
            row("forward_kl", "ipo", 0.402420175882859, 0.0625, 1.04166887285667),
            row("forward_kl", "apo_down", 0.967610728436681, 1, 1.06887806116748),
            row("js_divergence", "sigmoid", 0.541527883718181, 0.693147180559945, 0.808926633396185),
            row("js_divergence", "ipo", 0.692121693903581, 0.23053404948907, 0.944302689820421),
            row("js_divergence", "apo_down", 1.04060077054864, 1, 1.02345480825585)
    );

    private static Object[] row(String divergence, String loss, double... perPair) {
        return new Object[] {divergence, loss, perPair};
    }

    @Test
    void matchesWhatTrlsOwnCodeComputes() {
        for (Object[] r : TRL_OUTPUTS) {
            String divergence = (String) r[0];
            String type = (String) r[1];
            double[] expected = (double[]) r[2];
            FDivergence f = FDivergence.of(FDivergence.Kind.valueOf(divergence.toUpperCase(java.util.Locale.ROOT)),
                    0.5);
            PairLoss loss = switch (type) {
                case "sigmoid" -> new SigmoidLoss(BETA, f);
                case "hinge" -> new HingeLoss(BETA, f);
                case "ipo" -> new IpoLoss(BETA, f);
                case "exo_pair" -> new ExoPairLoss(BETA, 0.25, f);
                case "nca_pair" -> new NcaPairLoss(BETA, f);
                case "robust" -> new RobustLoss(BETA, 0.25, f);
                case "bco_pair" -> new BcoPairLoss(BETA, f);
                case "sppo_hard" -> new SppoHardLoss(BETA, f);
                case "aot" -> new AotLoss(BETA, 0.25, true);
                case "aot_unpaired" -> new AotLoss(BETA, 0.25, false);
                case "apo_zero" -> new ApoLoss(BETA, false, f);
                case "apo_down" -> new ApoLoss(BETA, true, f);
                case "discopop" -> new DiscoPopLoss(BETA, 0.05, f);
                case "sigmoid_norm" -> new SigmoidNormLoss(BETA, f);
                default -> throw new IllegalStateException(type);
            };
            // discopop's tau is exact in TRL (a Python float) and here (model.Scalars keeps float64 constants exact).
            Offset<Double> tolerance = EXACT;
            double[] got = values(loss.compute(batch()).losses());
            for (int i = 0; i < 3; i++) {
                assertThat(got[i]).as("%s %s pair %d", divergence, type, i).isCloseTo(expected[i], tolerance);
            }
        }
    }
}
