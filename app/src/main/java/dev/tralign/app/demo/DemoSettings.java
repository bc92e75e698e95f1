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
 */
public record DemoSettings(Path workDir, String bootstrap, String registryUrl, long seed, List<String> methods,
        int pairs, int steps, int batchSize, int checkpointEvery, int evalPrompts, double beta, double learningRate,
        int softTau, int hardTau, int dashboardPort, int sftSteps) {

    public DemoSettings {
        methods = List.copyOf(methods);
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
