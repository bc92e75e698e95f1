package dev.tralign.app.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tralign.schemas.Topics;
import dev.tralign.schemas.avro.ModelPromotion;
import dev.tralign.stack.EmbeddedStack;
import dev.tralign.stack.EmbeddedStackExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code demo --online --online-from-champion}, shrunk: each round waits for the evaluator's champion decision on
 * every checkpoint the series wrote before it (tralign.champion-verdicts), so the policy it samples from is the
 * series' champion as of all of them, whatever the timing: the last promotion of the series at a step at or below
 * the round's start, else the latest policy.
 */
@ExtendWith(EmbeddedStackExtension.class)
class OnlineFromChampionIT {

    private static final int STEPS = 130;

    @Test
    void eachRoundSamplesFromTheChampionAsOfEveryCheckpointBeforeIt(EmbeddedStack stack) throws Exception {
        Path work = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "online-champion-it");
        try (Topics topics = Topics.create(stack.registryUrl())) {
            stack.createTopics(topics);
        }
        DemoSettings settings = new DemoSettings(work, stack.bootstrapServers(), stack.registryUrl(), 3,
                List.of("tr-dpo-soft"), 300, STEPS, 8, 10, 16, 0.1, 1e-3, 4, 5, 0, 30,
                new DemoSettings.Online("tr-dpo-soft", 1.0, 0.7, true));
        List<String> lines = new ArrayList<>();
        DemoResult result = new DemoRunner(settings, lines::add).run();
        lines.forEach(System.out::println);

        String series = result.rows().get(1).runId();
        List<ModelPromotion> promotions = result.promotions().stream()
                .filter(p -> p.getFamily().equals(series)).toList();
        List<OnlineRounds.RoundReport> rounds = result.onlineRounds();
        assertThat(rounds).hasSizeGreaterThanOrEqualTo(2);
        int fromChampion = 0;
        for (int r = 0; r < rounds.size(); r++) {
            long base = rounds.get(r).baseStep();
            // Every checkpoint up to the round's start was decided before it sampled, and none after it existed yet.
            Optional<ModelPromotion> champion = promotions.stream().filter(p -> p.getStep() <= base)
                    .reduce((a, b) -> b);
            String line = String.format("  round %d (step %d): sampling from the champion at step ", r, base);
            if (champion.isPresent()) {
                fromChampion++;
                assertThat(lines).as("round %d", r).contains(line + champion.get().getStep());
            } else {
                assertThat(lines).as("round %d", r).noneMatch(l -> l.startsWith(line));
            }
        }
        assertThat(fromChampion).as("rounds that sampled from a champion\n%s", String.join("\n", lines))
                .isPositive();
        assertThat(lines).noneMatch(l -> l.contains("has not decided"));
    }
}
