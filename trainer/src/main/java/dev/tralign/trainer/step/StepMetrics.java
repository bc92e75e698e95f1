package dev.tralign.trainer.step;

import java.util.LinkedHashMap;
import java.util.Map;

/** The TRL metrics of one micro-batch, computed from values already copied to the JVM. */
final class StepMetrics {

    private StepMetrics() {
    }

    /**
     * rewards/chosen, rewards/rejected, rewards/margins, rewards/accuracies (chosen reward strictly higher),
     * logps/chosen, logps/rejected, all batch means.
     *
     * @param policyLogProbs [2B]: chosen rows, then rejected rows
     */
    static Map<String, Double> pairs(float[] chosenRewards, float[] rejectedRewards, float[] policyLogProbs) {
        int b = chosenRewards.length;
        double c = 0;
        double r = 0;
        double correct = 0;
        double lpChosen = 0;
        double lpRejected = 0;
        for (int i = 0; i < b; i++) {
            c += chosenRewards[i];
            r += rejectedRewards[i];
            correct += chosenRewards[i] > rejectedRewards[i] ? 1 : 0;
            lpChosen += policyLogProbs[i];
            lpRejected += policyLogProbs[b + i];
        }
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("rewards/chosen", c / b);
        m.put("rewards/rejected", r / b);
        m.put("rewards/margins", (c - r) / b);
        m.put("rewards/accuracies", correct / b);
        m.put("logps/chosen", lpChosen / b);
        m.put("logps/rejected", lpRejected / b);
        return m;
    }

    /**
     * KTO: rewards/chosen and logps/chosen over the desirable examples, rewards/rejected and logps/rejected over the
     * undesirable ones (each only when the batch has such examples), rewards/margins when it has both, and kl.
     */
    static Map<String, Double> feedback(float[] rewards, float[] policyLogProbs, float[] desirable, double kl) {
        double[] sum = new double[2];
        double[] logps = new double[2];
        int[] count = new int[2];
        for (int i = 0; i < rewards.length; i++) {
            int k = desirable[i] > 0 ? 0 : 1;
            sum[k] += rewards[i];
            logps[k] += policyLogProbs[i];
            count[k]++;
        }
        Map<String, Double> m = new LinkedHashMap<>();
        if (count[0] > 0) {
            m.put("rewards/chosen", sum[0] / count[0]);
            m.put("logps/chosen", logps[0] / count[0]);
        }
        if (count[1] > 0) {
            m.put("rewards/rejected", sum[1] / count[1]);
            m.put("logps/rejected", logps[1] / count[1]);
        }
        if (count[0] > 0 && count[1] > 0) {
            m.put("rewards/margins", sum[0] / count[0] - sum[1] / count[1]);
        }
        m.put("kl", kl);
        return m;
    }
}
