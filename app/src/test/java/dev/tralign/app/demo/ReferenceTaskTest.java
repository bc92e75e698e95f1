package dev.tralign.app.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tralign.app.world.SimulatedAnnotators;
import dev.tralign.app.world.SyntheticWorld;
import dev.tralign.app.world.WorldConfig;
import dev.tralign.trainer.AlignmentTrainer;
import dev.tralign.trainer.Policy;
import dev.tralign.trainer.config.LossType;
import dev.tralign.trainer.config.TrainingConfig;
import dev.tralign.trainer.data.TokenizedExample;
import dev.tralign.trainer.data.TokenizedPair;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo's held-out SFT set: the world's own text, apart from what SFT trained on, in the trainer's format; and what
 * scoring it costs next to the demo's training steps (printed: a bench on the real model shape, not asserted).
 */
class ReferenceTaskTest {

    @TempDir
    Path dir;

    @Test
    void theSetIsTheWorldsTextApartFromTheSftDataAndCheapNextToTraining() throws Exception {
        SyntheticWorld world = new SyntheticWorld(WorldConfig.defaults(1));
        WorldTokens tokens = new WorldTokens(world);
        Path file = ReferenceTask.write(world, dir);
        List<String> lines = Files.readAllLines(file);
        assertThat(lines).hasSize(ReferenceTask.EXAMPLES);
        ObjectMapper json = new ObjectMapper();
        List<TokenizedExample> examples = new ArrayList<>();
        Set<String> heldout = new HashSet<>();
        for (String line : lines) {
            JsonNode node = json.readTree(line);
            String prompt = node.get("prompt").asText();
            String completion = node.get("completion").asText();
            examples.add(tokens.example("h" + examples.size(), prompt, completion));
            heldout.add(prompt + "|" + completion);
        }
        // Another stream than the SFT samples: not the SFT data's first draws.
        List<String[]> sft = world.sftSamples(ReferenceTask.EXAMPLES);
        long same = sft.stream().filter(s -> heldout.contains(s[0] + "|" + s[1])).count();
        assertThat(same).isLessThan(ReferenceTask.EXAMPLES / 2);
        assertThat(examples).allSatisfy(e -> assertThat(e.prompt().length + e.completion().length)
                .isLessThanOrEqualTo(tokens.maxSeqLen()));

        // Bench: the demo's SFT shape, a DPO step of the demo's default batch (16 pairs) against one scoring.
        List<TokenizedPair> pairs = new ArrayList<>();
        for (SimulatedAnnotators.LabelledPair p : world.preferencePairs(16)) {
            pairs.add(tokens.pair("p" + pairs.size(), p.prompt(), p.chosen(), p.rejected()));
        }
        TrainingConfig config = TrainingConfig.builder().lossType(LossType.SIGMOID).beta(0.02).learningRate(5e-4)
                .seed(1).build();
        try (AlignmentTrainer trainer = AlignmentTrainer.create(tokens.modelConfig(64, 2, 4), config)) {
            long[] step = new long[7];
            long[] score = new long[7];
            double nll = 0;
            for (int i = 0; i < step.length; i++) {
                long t0 = System.nanoTime();
                trainer.stepPairs(pairs);
                long t1 = System.nanoTime();
                try (Policy policy = trainer.policy()) {
                    double[][] logProbs = policy.tokenLogProbs(examples);
                    nll = -Arrays.stream(logProbs).flatMapToDouble(Arrays::stream).average().orElseThrow();
                }
                long t2 = System.nanoTime();
                step[i] = t1 - t0;
                score[i] = t2 - t1;
            }
            double stepMs = median(step) / 1e6;
            double scoreMs = median(score) / 1e6;
            assertThat(nll).isPositive();
            System.out.printf("reference task bench: %d examples scored in %.1f ms (median of %d); a DPO step of 16 "
                    + "pairs %.1f ms; scoring every %d steps adds %.1f%% to training time%n", examples.size(),
                    scoreMs, step.length, stepMs, ReferenceTask.EVERY_STEPS,
                    100 * scoreMs / (ReferenceTask.EVERY_STEPS * stepMs));
        }
    }

    private static double median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
