package dev.tralign.app.world;

import java.util.SplittableRandom;

/**
 * The gold reward r*(x, y), declared before any training (../shared/DESIGN.md section 7):
 *
 * <pre>
 *   n  = number of letters in y that are targets of prompt x
 *   r* = n - 0.5 * max(0, n - k)^2  +  w * meanLogLik_generator(y | x)
 * </pre>
 *
 * More target letters help only up to the sweet spot k; beyond it the quadratic term wins. The generator rarely puts
 * more than k targets in one completion, so preference data seldom show the downside and a policy that learns "more
 * targets is better" over-shoots: that is the over-optimization the demo makes visible. The fluency term punishes
 * transitions the true generator almost never makes. A prompt's targets depend on its first letter only (a hash of it),
 * so they are learnable from the prompt; {@code sharedTargets} of them are the same for every prompt. That shared
 * part is what lets a policy over-shoot: learning "letter t is good" once, as a transformer's shared embeddings and
 * output layer do, raises t everywhere, past the sweet spot the data rarely show (the throwaway prototype behind
 * DESIGN.md section 7 needed such a shared component too).
 */
public final class GoldReward {

    private final Language language;
    private final boolean[][] targets;

    public GoldReward(Language language) {
        this.language = language;
        WorldConfig config = language.config();
        int v = config.vocabularySize();
        this.targets = new boolean[v][v];
        boolean[] shared = new boolean[v];
        SplittableRandom sharedRandom = new SplittableRandom(config.seed() * 1_000_003L - 1);
        for (int chosen = 0; chosen < config.sharedTargets(); ) {
            int letter = sharedRandom.nextInt(v);
            if (!shared[letter]) {
                shared[letter] = true;
                chosen++;
            }
        }
        for (int first = 0; first < v; first++) {
            SplittableRandom random = new SplittableRandom(config.seed() * 1_000_003L + 7919L * first);
            targets[first] = shared.clone();
            int chosen = config.sharedTargets();
            while (chosen < config.targetsPerPrompt()) {
                int letter = random.nextInt(v);
                if (!targets[first][letter]) {
                    targets[first][letter] = true;
                    chosen++;
                }
            }
        }
    }

    /** r*(prompt, completion). */
    public double reward(String prompt, String completion) {
        WorldConfig config = language.config();
        int n = targetCount(prompt, completion);
        double over = Math.max(0, n - config.sweetSpot());
        return n - 0.5 * over * over
                + config.fluencyWeight() * language.meanTransitionLogLikelihood(prompt, completion);
    }

    /** How many letters of the completion are targets of the prompt. */
    public int targetCount(String prompt, String completion) {
        boolean[] wanted = targets[language.index(prompt, 0)];
        int n = 0;
        for (int i = 0; i < completion.length(); i++) {
            if (wanted[language.index(completion, i)]) {
                n++;
            }
        }
        return n;
    }

    /** The target letters of a prompt, for display. */
    public String targetsOf(String prompt) {
        boolean[] wanted = targets[language.index(prompt, 0)];
        StringBuilder letters = new StringBuilder();
        for (int i = 0; i < wanted.length; i++) {
            if (wanted[i]) {
                letters.append(language.alphabet().charAt(i));
            }
        }
        return letters.toString();
    }
}
