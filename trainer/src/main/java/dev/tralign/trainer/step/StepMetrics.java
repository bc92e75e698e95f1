package dev.tralign.trainer.step;

import java.util.LinkedHashMap;
import java.util.Map;

/** The TRL metrics of one micro-batch, computed from values already copied to the JVM. */
final class StepMetrics {

    private StepMetrics() {
    }

    /**
     * rewards/chosen, rewards/rejected, rewards/margins, rewards/accuracies (chosen reward strictly higher),
     * logps/chosen, logps/rejected (batch means), and logits/chosen, logits/rejected: as TRL computes them, the mean
     * over the batch's scored completion tokens of each token's mean logit (summed over rows, divided by the tokens).
     *
     * @param policyLogProbs [2B]: chosen rows, then rejected rows
     * @param logitSums [2B]: each row's summed mean logit ({@code RowScores.logitSums}), same order
     * @param completionTokens [2B]: each row's scored completion tokens, same order
     */
    static Map<String, Double> pairs(float[] chosenRewards, float[] rejectedRewards, float[] policyLogProbs,
            float[] logitSums, float[] completionTokens) {
        int b = chosenRewards.length;
        double c = 0;
        double r = 0;
        double correct = 0;
        double lpChosen = 0;
        double lpRejected = 0;
        double[] logits = new double[2];
        double[] tokens = new double[2];
        for (int i = 0; i < b; i++) {
            c += chosenRewards[i];
            r += rejectedRewards[i];
            correct += chosenRewards[i] > rejectedRewards[i] ? 1 : 0;
            lpChosen += policyLogProbs[i];
            lpRejected += policyLogProbs[b + i];
            logits[0] += logitSums[i];
            logits[1] += logitSums[b + i];
            tokens[0] += completionTokens[i];
            tokens[1] += completionTokens[b + i];
        }
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("rewards/chosen", c / b);
        m.put("rewards/rejected", r / b);
        m.put("rewards/margins", (c - r) / b);
        m.put("rewards/accuracies", correct / b);
        m.put("logps/chosen", lpChosen / b);
        m.put("logps/rejected", lpRejected / b);
        // TRL reports 0 when no token was scored.
        m.put("logits/chosen", tokens[0] > 0 ? logits[0] / tokens[0] : 0.0);
        m.put("logits/rejected", tokens[1] > 0 ? logits[1] / tokens[1] : 0.0);
        return m;
    }

    /**
     * The implicit rewards against the frozen SFT model, beta * (log pi - log pi_SFT), under TRL's reward names with
     * an {@code sft/} prefix ({@code sft/rewards/chosen}, {@code /rejected}, {@code /margins}, {@code /accuracies}):
     * with a moving reference the plain rewards are measured against a different model after every update, these
     * against the same one for the whole run.
     *
     * @param policyLogProbs [2B]: chosen rows, then rejected rows
     * @param sftLogProbs [2B] under the SFT weights, same order
     */
    static Map<String, Double> againstSft(double beta, float[] policyLogProbs, float[] sftLogProbs) {
        int b = policyLogProbs.length / 2;
        double c = 0;
        double r = 0;
        double correct = 0;
        for (int i = 0; i < b; i++) {
            double chosen = beta * ((double) policyLogProbs[i] - sftLogProbs[i]);
            double rejected = beta * ((double) policyLogProbs[b + i] - sftLogProbs[b + i]);
            c += chosen;
            r += rejected;
            correct += chosen > rejected ? 1 : 0;
        }
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("sft/rewards/chosen", c / b);
        m.put("sft/rewards/rejected", r / b);
        m.put("sft/rewards/margins", (c - r) / b);
        m.put("sft/rewards/accuracies", correct / b);
        return m;
    }

    /**
     * KTO's rewards and KL reference point against the frozen SFT model: {@code sft/rewards/chosen} over the
     * desirable examples, {@code sft/rewards/rejected} over the undesirable ones, {@code sft/rewards/margins} when the
     * batch has both, and {@code sft/kl} = max(0, mean(log pi - log pi_SFT)) over the mismatched examples, as KTO's
     * {@code kl} is over the reference (left out for apo_zero_unpaired, which has no mismatched examples).
     *
     * @param policyMismatched the policy's log-probs of the mismatched examples, or null
     * @param sftMismatched the same under the SFT weights, or null
     */
    static Map<String, Double> feedbackAgainstSft(double beta, float[] policyLogProbs, float[] sftLogProbs,
            float[] desirable, float[] policyMismatched, float[] sftMismatched) {
        double[] sum = new double[2];
        int[] count = new int[2];
        for (int i = 0; i < policyLogProbs.length; i++) {
            int k = desirable[i] > 0 ? 0 : 1;
            sum[k] += beta * ((double) policyLogProbs[i] - sftLogProbs[i]);
            count[k]++;
        }
        Map<String, Double> m = new LinkedHashMap<>();
        if (count[0] > 0) {
            m.put("sft/rewards/chosen", sum[0] / count[0]);
        }
        if (count[1] > 0) {
            m.put("sft/rewards/rejected", sum[1] / count[1]);
        }
        if (count[0] > 0 && count[1] > 0) {
            m.put("sft/rewards/margins", sum[0] / count[0] - sum[1] / count[1]);
        }
        if (policyMismatched != null && sftMismatched != null) {
            double kl = 0;
            for (int i = 0; i < policyMismatched.length; i++) {
                kl += (double) policyMismatched[i] - sftMismatched[i];
            }
            m.put("sft/kl", Math.max(0, kl / policyMismatched.length));
        }
        return m;
    }

    /**
     * KTO: rewards/chosen, logps/chosen and logits/chosen over the desirable examples, rewards/rejected,
     * logps/rejected and logits/rejected over the undesirable ones (each only when the batch has such examples; the
     * logits per scored token, as TRL divides them), rewards/margins when it has both, and kl.
     *
     * @param logitSums each example's summed mean logit ({@code RowScores.logitSums})
     * @param completionTokens each example's scored completion tokens
     */
    static Map<String, Double> feedback(float[] rewards, float[] policyLogProbs, float[] logitSums,
            int[] completionTokens, float[] desirable, double kl) {
        double[] sum = new double[2];
        double[] logps = new double[2];
        double[] logits = new double[2];
        double[] tokens = new double[2];
        int[] count = new int[2];
        for (int i = 0; i < rewards.length; i++) {
            int k = desirable[i] > 0 ? 0 : 1;
            sum[k] += rewards[i];
            logps[k] += policyLogProbs[i];
            logits[k] += logitSums[i];
            tokens[k] += completionTokens[i];
            count[k]++;
        }
        Map<String, Double> m = new LinkedHashMap<>();
        if (count[0] > 0) {
            m.put("rewards/chosen", sum[0] / count[0]);
            m.put("logps/chosen", logps[0] / count[0]);
            m.put("logits/chosen", tokens[0] > 0 ? logits[0] / tokens[0] : 0.0);
        }
        if (count[1] > 0) {
            m.put("rewards/rejected", sum[1] / count[1]);
            m.put("logps/rejected", logps[1] / count[1]);
            m.put("logits/rejected", tokens[1] > 0 ? logits[1] / tokens[1] : 0.0);
        }
        if (count[0] > 0 && count[1] > 0) {
            m.put("rewards/margins", sum[0] / count[0] - sum[1] / count[1]);
        }
        m.put("kl", kl);
        return m;
    }
}
