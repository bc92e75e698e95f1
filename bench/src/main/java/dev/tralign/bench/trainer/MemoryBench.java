package dev.tralign.bench.trainer;

import dev.tralign.trainer.AlignmentTrainer;
import dev.tralign.trainer.config.LossType;
import dev.tralign.trainer.SamplingConfig;
import dev.tralign.trainer.data.TokenizedPair;
import dev.tralign.trainer.config.TrainingConfig;
import dev.tralign.trainer.model.ModelConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Checks that a long run does not grow native memory: trains a small TR-DPO model (soft update every step, a
 * cached sampling call every 10 steps, so every code path runs) and prints the resident set size (VmRSS, Linux) at step 100 and at the last step as one
 * JSON line. Flags: --steps (default 2000).
 */
public final class MemoryBench {

    private MemoryBench() {
    }

    public static void main(String[] args) {
        int steps = args.length == 2 && args[0].equals("--steps") ? Integer.parseInt(args[1]) : 2000;
        ModelConfig shape = new ModelConfig(32, 64, 2, 4, 32);
        TrainingConfig config = TrainingConfig.builder().lossType(LossType.SIGMOID).learningRate(1e-4)
                .syncRefModel(true).refModelMixupAlpha(0.6).refModelSyncSteps(1).seed(0).build();
        List<TokenizedPair> batch = TrainerBench.randomBatch(32, 32, 8);
        long rssAt100 = 0;
        long rssAtHalf = 0;
        try (AlignmentTrainer trainer = AlignmentTrainer.create(shape, config)) {
            List<int[]> prompts = batch.stream().limit(4).map(TokenizedPair::prompt).toList();
            for (int s = 1; s <= steps; s++) {
                trainer.stepPairs(batch);
                if (s % 10 == 0) {
                    // Cached sampling and scoring run in the same process, as in the online loop.
                    trainer.policy().sample(prompts, SamplingConfig.unbiased(8, -1), s);
                }
                if (s == 100) {
                    rssAt100 = rssKb();
                }
                if (s == steps / 2) {
                    rssAtHalf = rssKb();
                }
                if (Boolean.getBoolean("tralign.memory.trace") && s % 250 == 0) {
                    Runtime rt = Runtime.getRuntime();
                    System.err.printf("step %d rss %.1f MB heap used %.1f MB%n", s, rssKb() / 1024.0,
                            (rt.totalMemory() - rt.freeMemory()) / 1048576.0);
                }
            }
            System.out.printf("{\"steps\": %d, \"rss_mb_at_100\": %.1f, \"rss_mb_at_half\": %.1f, "
                    + "\"rss_mb_at_end\": %.1f}%n", steps, rssAt100 / 1024.0, rssAtHalf / 1024.0, rssKb() / 1024.0);
        }
    }

    static long rssKb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", ""));
                }
            }
            return -1;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
