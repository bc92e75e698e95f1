package dev.tralign.app.world;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A seeded "language" over letters: a random sparse Markov chain whose next-letter distribution also leans towards a
 * per-prompt style (a few letters the prompt's first letter favours). Sequences are strings of letters, so every text
 * in the world is readable and travels through ingest like real feedback.
 *
 * <p>Each letter has {@code successorsPerToken} likely successors; every other transition keeps a tiny probability
 * ({@link #RARE_LOGIT}), which is what the gold reward's fluency term punishes a policy for using.
 */
public final class Language {

    /** The letters a world may use, in order. */
    public static final String LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

    /** Logit of a transition the generator almost never makes (relative to likely ones around 0..2). */
    static final double RARE_LOGIT = -7.0;
    /** How much a prompt's style letters are favoured. */
    static final double STYLE_BOOST = 1.0;

    private final WorldConfig config;
    private final String alphabet;
    /** logProb[style][prev][next] for completion letters; style = first prompt letter; prev = V means "start". */
    private final double[][][] logProb;
    private final double[][] promptLogProb;

    public Language(WorldConfig config) {
        this.config = config;
        this.alphabet = LETTERS.substring(0, config.vocabularySize());
        int v = config.vocabularySize();
        SplittableRandom random = new SplittableRandom(config.seed() ^ 0x5eedL);
        double[][] baseLogits = new double[v + 1][v];
        for (int prev = 0; prev <= v; prev++) {
            Arrays.fill(baseLogits[prev], RARE_LOGIT);
            int[] order = shuffled(v, random);
            for (int i = 0; i < config.successorsPerToken(); i++) {
                baseLogits[prev][order[i]] = 2.0 * random.nextDouble();
            }
        }
        this.promptLogProb = new double[v + 1][];
        for (int prev = 0; prev <= v; prev++) {
            promptLogProb[prev] = logSoftmax(baseLogits[prev]);
        }
        this.logProb = new double[v][v + 1][];
        for (int style = 0; style < v; style++) {
            boolean[] favoured = new boolean[v];
            int[] order = shuffled(v, new SplittableRandom(config.seed() * 31 + style));
            for (int i = 0; i < 3; i++) {
                favoured[order[i]] = true;
            }
            for (int prev = 0; prev <= v; prev++) {
                double[] logits = baseLogits[prev].clone();
                for (int next = 0; next < v; next++) {
                    if (favoured[next] && logits[next] > RARE_LOGIT) {
                        logits[next] += STYLE_BOOST;
                    }
                }
                logProb[style][prev] = logSoftmax(logits);
            }
        }
    }

    public String alphabet() {
        return alphabet;
    }

    public WorldConfig config() {
        return config;
    }

    /** A prompt: {@code promptLength} letters from the unconditioned chain. */
    public String samplePrompt(SplittableRandom random) {
        StringBuilder prompt = new StringBuilder();
        int prev = config.vocabularySize();
        for (int i = 0; i < config.promptLength(); i++) {
            prev = sample(promptLogProb[prev], random);
            prompt.append(alphabet.charAt(prev));
        }
        return prompt.toString();
    }

    /** A completion from the true generator, at least one letter, ending by chance or at the maximum length. */
    public String sampleCompletion(String prompt, SplittableRandom random) {
        int style = index(prompt, 0);
        int prev = index(prompt, prompt.length() - 1);
        StringBuilder completion = new StringBuilder();
        while (completion.length() < config.maxCompletionLength()) {
            prev = sample(logProb[style][prev], random);
            completion.append(alphabet.charAt(prev));
            if (random.nextDouble() < config.endProbability()) {
                break;
            }
        }
        return completion.toString();
    }

    /**
     * Mean per-letter log-likelihood of the completion's transitions under the true generator (the end decision is
     * left out, so length alone is not punished).
     */
    public double meanTransitionLogLikelihood(String prompt, String completion) {
        if (completion.isEmpty()) {
            return RARE_LOGIT;
        }
        int style = index(prompt, 0);
        int prev = index(prompt, prompt.length() - 1);
        double sum = 0;
        for (int i = 0; i < completion.length(); i++) {
            int next = index(completion, i);
            sum += logProb[style][prev][next];
            prev = next;
        }
        return sum / completion.length();
    }

    /** Entropy in nats of the next-letter distribution, averaged over letters and styles (a property of the world). */
    public double meanTransitionEntropy() {
        double total = 0;
        int count = 0;
        for (double[][] style : logProb) {
            for (int prev = 0; prev < config.vocabularySize(); prev++) {
                double h = 0;
                for (double lp : style[prev]) {
                    h -= Math.exp(lp) * lp;
                }
                total += h;
                count++;
            }
        }
        return total / count;
    }

    int index(String text, int position) {
        char c = text.charAt(position);
        int i = alphabet.indexOf(c);
        if (i < 0) {
            throw new IllegalArgumentException("letter '" + c + "' at position " + position
                    + " is not in this world's alphabet '" + alphabet + "'");
        }
        return i;
    }

    private static int sample(double[] logProbs, SplittableRandom random) {
        double u = random.nextDouble();
        double cumulative = 0;
        for (int i = 0; i < logProbs.length; i++) {
            cumulative += Math.exp(logProbs[i]);
            if (u < cumulative) {
                return i;
            }
        }
        return logProbs.length - 1;
    }

    private static double[] logSoftmax(double[] logits) {
        double max = Arrays.stream(logits).max().orElseThrow();
        double sum = 0;
        for (double l : logits) {
            sum += Math.exp(l - max);
        }
        double logZ = max + Math.log(sum);
        double[] out = new double[logits.length];
        for (int i = 0; i < logits.length; i++) {
            out[i] = logits[i] - logZ;
        }
        return out;
    }

    private static int[] shuffled(int n, SplittableRandom random) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }
}
