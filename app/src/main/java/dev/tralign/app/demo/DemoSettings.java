package dev.tralign.app.demo;

import java.nio.file.Path;
import java.util.List;

/**
 * Everything {@code tralign demo} can be told. Defaults fit the whole demo in about six minutes on two cores.
 *
 * @param workDir        where the embedded stack, checkpoints, cache and report go
 * @param bootstrap      a real cluster's bootstrap servers, or null for the embedded stack
 * @param registryUrl    a real registry's URL (with bootstrap), or null
 * @param seed           world and training seed
 * @param methods        method names (see {@link Method})
 * @param pairs          preference pairs the simulated annotators send through ingest
 * @param steps          optimizer steps per method
 * @param batchSize      pairs per step
 * @param checkpointEvery steps between checkpoints (each is judged)
 * @param evalPrompts    held-out prompts judged per checkpoint
 * @param beta           DPO beta
 * @param learningRate   learning rate of the alignment runs
 * @param softTau        tau of the soft trust-region variants (alpha 0.6)
 * @param hardTau        tau of the hard trust-region variants (alpha 1)
 * @param dashboardPort  port of the live dashboard (0 = any free port)
 * @param sftSteps       optimizer steps of the SFT policy (its checkpoint is cached per recipe)
 * @param online         null, or the online run to add beside the offline ones
 * @param guard          the guard rails: KL budget, which methods stop at it, champion test level
 */
public record DemoSettings(Path workDir, String bootstrap, String registryUrl, long seed, List<String> methods,
        int pairs, int steps, int batchSize, int checkpointEvery, int evalPrompts, double beta, double learningRate,
        int softTau, int hardTau, int dashboardPort, int sftSteps, Online online, Guard guard) {

    /**
     * The demo's guard rails (docs/guard-rails.md).
     *
     * @param klBudget      KL to SFT (nats per sequence) above which a KL_BUDGET alert fires
     * @param stopMethods   methods whose runs use guard.kl_budget.policy=stop (the others only warn), so the run ends
     *                      one checkpoint after the one that crossed; none by default, so the table is that of the
     *                      unguarded runs
     */
    public record Guard(double klBudget, List<String> stopMethods) {

        /** A 20-nat budget, every run warned only. */
        public static Guard defaults() {
            return new Guard(20.0, List.of());
        }

        public Guard {
            stopMethods = List.copyOf(stopMethods);
            require(klBudget > 0, "--kl-budget", "positive (nats per sequence)");
        }
    }

    /** Settings with an online run and the default guard. */
    public DemoSettings(Path workDir, String bootstrap, String registryUrl, long seed, List<String> methods,
            int pairs, int steps, int batchSize, int checkpointEvery, int evalPrompts, double beta, double learningRate,
            int softTau, int hardTau, int dashboardPort, int sftSteps, Online online) {
        this(workDir, bootstrap, registryUrl, seed, methods, pairs, steps, batchSize, checkpointEvery, evalPrompts,
                beta, learningRate, softTau, hardTau, dashboardPort, sftSteps, online, Guard.defaults());
    }

    /** The same settings with other guard rails. */
    public DemoSettings withGuard(Guard other) {
        return new DemoSettings(workDir, bootstrap, registryUrl, seed, methods, pairs, steps, batchSize,
                checkpointEvery, evalPrompts, beta, learningRate, softTau, hardTau, dashboardPort, sftSteps, online,
                other);
    }

    /**
     * The online run of {@code --online}: {@code method} trained in rounds, each round one pass over the offline pairs
     * plus the pairs judged on the previous round's final policy (docs/online.md).
     *
     * @param method         the method the online run uses (a trust-region one for the TR-DPO)
     * @param promptFraction share of the training prompts sampled (twice) from the current policy per round; 0 runs the
     *                       same rounds with no on-policy sampling at all, the control that tells the online pairs'
     *                       effect from the rounds' own (each round restarts the optimizer and the reference)
     * @param mix            share of offline pairs in the records of a round (input.mix = mix, 1 - mix)
     * @param fromChampion   each round samples from the series' champion (tralign.promotions, as judged when the
     *                       round starts) instead of the latest policy, when there is one
     */
    public record Online(String method, double promptFraction, double mix, boolean fromChampion) {

        /** The demo's default: TR-DPO soft, every training prompt per round, 70% offline / 30% online. */
        public static Online defaults() {
            return new Online("tr-dpo-soft", 1.0, 0.7);
        }

        /** Rounds that sample from the latest policy. */
        public Online(String method, double promptFraction, double mix) {
            this(method, promptFraction, mix, false);
        }

        public Online {
            require(promptFraction >= 0 && promptFraction <= 1, "--online-prompt-fraction", "in [0, 1]");
            require(mix > 0 && mix < 1, "--online-mix", "in (0, 1): the offline share of each round's records");
        }

        /** True for the control: rounds without on-policy pairs. */
        public boolean control() {
            return promptFraction == 0;
        }
    }

    /** Settings without an online run. */
    public DemoSettings(Path workDir, String bootstrap, String registryUrl, long seed, List<String> methods,
            int pairs, int steps, int batchSize, int checkpointEvery, int evalPrompts, double beta, double learningRate,
            int softTau, int hardTau, int dashboardPort, int sftSteps) {
        this(workDir, bootstrap, registryUrl, seed, methods, pairs, steps, batchSize, checkpointEvery, evalPrompts,
                beta, learningRate, softTau, hardTau, dashboardPort, sftSteps, null);
    }

    public DemoSettings {
        methods = List.copyOf(methods);
        java.util.Objects.requireNonNull(guard, "guard");
        require(pairs >= 100, "--pairs", "at least 100");
        require(steps >= 1, "--steps", "at least 1");
        require(batchSize >= 2, "--batch", "at least 2");
        require(checkpointEvery >= 1 && checkpointEvery <= steps, "--checkpoint-every", "between 1 and --steps");
        require(sftSteps >= 1, "--sft-steps", "at least 1");
        require(evalPrompts >= 8, "--eval-prompts", "at least 8");
        require((bootstrap == null) == (registryUrl == null), "--bootstrap/--registry", "given together or not at all");
        if (methods.isEmpty()) {
            throw new IllegalArgumentException("--methods is empty: name at least one, e.g. dpo,tr-dpo-soft");
        }
    }

    private static void require(boolean ok, String option, String expected) {
        if (!ok) {
            throw new IllegalArgumentException(option + " must be " + expected);
        }
    }
}
