package dev.tralign.app.demo;

import dev.tralign.app.world.SyntheticWorld;
import dev.tralign.app.world.WorldConfig;
import dev.tralign.trainer.AlignmentTrainer;
import dev.tralign.trainer.StepResult;
import dev.tralign.trainer.data.TokenizedExample;
import dev.tralign.trainer.config.TrainingConfig;
import dev.tralign.trainer.model.ModelConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Consumer;

/**
 * Trains the SFT policy of a world with the same trainer (loss_type sft) on samples of the true generator, or reuses a
 * cached checkpoint made by the same recipe: the cache key is a digest of everything that determines the weights,
 * so {@code rm -r} of the cache regenerates it bit for bit.
 */
public final class SftRecipe {

    /** The knobs of SFT. */
    public record Settings(int embed, int layers, int heads, int samples, int batchSize, int steps,
            double learningRate, long seed) {

        public static Settings defaults() {
            return new Settings(64, 2, 4, 20_000, 64, 600, 3e-3, 1);
        }

        public Settings withSeed(long newSeed) {
            return new Settings(embed, layers, heads, samples, batchSize, steps, learningRate, newSeed);
        }

        public Settings withSteps(int newSteps) {
            return new Settings(embed, layers, heads, samples, batchSize, newSteps, learningRate, seed);
        }
    }

    private final SyntheticWorld world;
    private final WorldTokens tokens;
    private final Settings settings;

    public SftRecipe(SyntheticWorld world, WorldTokens tokens, Settings settings) {
        this.world = world;
        this.tokens = tokens;
        this.settings = settings;
    }

    /** The cached checkpoint's path under {@code cacheDir}, trained first if missing. */
    public Path checkpoint(Path cacheDir, Consumer<String> progress) {
        Path file = cacheDir.resolve("sft-" + cacheKey() + ".ckpt");
        if (Files.isRegularFile(file)) {
            progress.accept("SFT policy: reusing " + file);
            return file;
        }
        try {
            Files.createDirectories(cacheDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the cache directory " + cacheDir, e);
        }
        ModelConfig shape = tokens.modelConfig(settings.embed(), settings.layers(), settings.heads());
        TrainingConfig config = TrainingConfig.builder().lossType("sft").learningRate(settings.learningRate())
                .warmupSteps(Math.max(1, settings.steps() / 20)).lrScheduler("cosine").maxGradNorm(1.0)
                .maxSteps(settings.steps()).seed(settings.seed()).weightDecay(0.0).build();
        List<String[]> samples = world.sftSamples(settings.samples());
        List<TokenizedExample> examples = new ArrayList<>(samples.size());
        for (int i = 0; i < samples.size(); i++) {
            examples.add(tokens.example("sft-" + i, samples.get(i)[0], samples.get(i)[1]));
        }
        try (AlignmentTrainer trainer = AlignmentTrainer.create(shape, config)) {
            int cursor = 0;
            double recentLoss = 0;
            for (int step = 1; step <= settings.steps(); step++) {
                List<TokenizedExample> batch = new ArrayList<>(settings.batchSize());
                for (int b = 0; b < settings.batchSize(); b++) {
                    batch.add(examples.get(cursor));
                    cursor = (cursor + 1) % examples.size();
                }
                StepResult result = trainer.stepSft(batch);
                recentLoss = step == 1 ? result.loss() : 0.9 * recentLoss + 0.1 * result.loss();
                if (step % 100 == 0 || step == settings.steps()) {
                    progress.accept(String.format("SFT step %d/%d  loss %.3f nats/token", step, settings.steps(),
                            recentLoss));
                }
            }
            trainer.saveCheckpoint(file);
        }
        return file;
    }

    private String cacheKey() {
        // Only what shapes the generator's samples matters: the reward and the annotators do not touch SFT.
        WorldConfig c = world.config();
        String recipe = c.seed() + "|" + c.vocabularySize() + "|" + c.successorsPerToken() + "|" + c.promptLength()
                + "|" + c.maxCompletionLength() + "|" + c.endProbability() + "|" + settings + "|"
                // v2: SFT micro-batches train in two shards (microBatchShards), so the weights differ in the last bits.
                + tokens.tokenizer().alphabet() + "|v2";
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(recipe.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
